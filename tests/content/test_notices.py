"""Office notices for the call displays: which are shown when, in which order of languages, and
what the services refuse or clean."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scopes_disabled

from schalter.accounts.actors import COMMAND
from schalter.accounts.models import AuditEvent
from schalter.content import selectors
from schalter.content.models import OfficeNotice
from schalter.content.services import (
    NOTICE_MAX_LENGTH,
    office_notice_create,
    office_notice_delete,
    office_notice_update,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2031, 3, 3, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))


def notice(office, texts=None, **extra) -> OfficeNotice:
    return office_notice_create(
        office=office, texts=texts or {"de": "Hinweis"}, acting_user=COMMAND, **extra
    )


def test_only_notices_within_their_period_are_active(office, other_office):
    always = notice(office, {"de": "Immer"}, position=2)
    running = notice(
        office,
        {"de": "Heute"},
        active_from=NOW - timedelta(hours=1),
        active_until=NOW + timedelta(hours=1),
        position=1,
    )
    notice(office, {"de": "Später"}, active_from=NOW + timedelta(minutes=1))
    notice(office, {"de": "Vorbei"}, active_until=NOW)  # the end is not part of the period
    starts_now = notice(office, {"de": "Ab jetzt"}, active_from=NOW, position=3)
    notice(other_office, {"de": "Woanders"})

    active = selectors.notices_active(office, NOW)
    assert [n.pk for n in active] == [running.pk, always.pk, starts_now.pk]  # by position
    shown = selectors.notices_display_data(office, NOW)
    assert [n["texts"][0]["text"] for n in shown] == ["Heute", "Immer", "Ab jetzt"]
    later = selectors.notices_active(office, NOW + timedelta(hours=2))
    assert [n.text_in("de") for n in later] == ["Später", "Immer", "Ab jetzt"]


def test_texts_rotate_german_first_then_the_languages_in_order_with_lang_and_dir(office):
    found = notice(
        office,
        {
            "fa-af": "دری متن",
            "en": "Please wait",
            "ar": "يرجى الانتظار",
            "de": "Bitte warten",
            "fr": "Please wait",  # the same as English: not shown twice
            "tr": "",
        },
    )
    assert selectors.notice_texts(found) == [
        {"lang": "de", "dir": "ltr", "text": "Bitte warten"},
        {"lang": "en", "dir": "ltr", "text": "Please wait"},
        {"lang": "ar", "dir": "rtl", "text": "يرجى الانتظار"},
        {"lang": "fa-AF", "dir": "rtl", "text": "دری متن"},
    ]


def test_texts_are_cleaned_and_german_is_required(office):
    found = notice(office, {"de": "  <b>Kasse</b> schließt\n um 12 Uhr\u202e ", "en": "<i></i>"})
    assert found.text == {"de": "Kasse schließt um 12 Uhr"}  # plain, one line, no empty language
    for texts in ({"en": "Only English"}, {"de": "<script></script>"}, {"de": " "}):
        with pytest.raises(ValidationError):
            notice(office, texts)
    with pytest.raises(ValidationError):
        notice(office, {"de": "x", "xx": "unknown language"})
    with pytest.raises(ValidationError):
        notice(office, {"de": "x" * (NOTICE_MAX_LENGTH + 1)})
    with pytest.raises(ValidationError):
        notice(office, {"de": "x"}, active_from=NOW, active_until=NOW)
    with scopes_disabled():
        assert OfficeNotice.objects.count() == 1


def test_writes_leave_audit_rows(office):
    found = notice(office, {"de": "Alt"})
    office_notice_update(
        notice=found,
        texts={"de": "Neu", "ar": "جديد"},
        active_from=None,
        active_until=NOW,
        position=4,
        acting_user=COMMAND,
    )
    with scopes_disabled():
        found.refresh_from_db()
    assert found.text == {"de": "Neu", "ar": "جديد"} and found.position == 4
    office_notice_delete(notice=found, acting_user=COMMAND)
    with scopes_disabled():
        assert not OfficeNotice.objects.exists()
    actions = list(
        AuditEvent.objects.filter(office=office, action__startswith="content.notice.")
        .order_by("id")
        .values_list("action", "data")
    )
    assert [a for a, _ in actions] == [
        "content.notice.created",
        "content.notice.updated",
        "content.notice.deleted",
    ]
    assert actions[1][1]["languages"] == ["ar", "de"] and actions[1][1]["text_changed"] is True


def test_a_reader_gets_her_language_else_german_with_the_lang_of_the_text_shown(office):
    notice(office, {"de": "Kasse bis 12 Uhr", "ar": "الصندوق حتى الساعة 12"}, position=0)
    notice(office, {"de": "Nur auf Deutsch"}, position=1)
    notice(office, {"de": "Auf Persisch", "fa": "به فارسی"}, position=2)

    assert selectors.notices_for_reader(office, NOW, "ar") == [
        {"lang": "ar", "dir": "rtl", "text": "الصندوق حتى الساعة 12"},
        {"lang": "de", "dir": "ltr", "text": "Nur auf Deutsch"},  # German stands in: said so
        {"lang": "de", "dir": "ltr", "text": "Auf Persisch"},
    ]
    # A Dari reader gets the Persian text rather than the German one.
    assert selectors.notices_for_reader(office, NOW, "fa-af")[2] == {
        "lang": "fa",
        "dir": "rtl",
        "text": "به فارسی",
    }
