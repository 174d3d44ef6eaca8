"""Staff manage the office's call displays and the notices on them: create and edit, another
office's objects answer 404, hostile input answers 400 with a message, every write is audited."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from schalter.accounts.actors import COMMAND
from schalter.accounts.models import AuditEvent
from schalter.accounts.roles import Role
from schalter.content.models import OfficeNotice
from schalter.content.services import office_notice_create
from schalter.visits import services as visits
from schalter.visits.models import Screen

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def group(office):
    return visits.service_group_create(
        office=office, name={"de": "Abholung"}, prefix="A", services=[], acting_user=COMMAND
    )


@pytest.fixture
def admin(staff_client, office):
    return staff_client(office, Role.OFFICE_ADMIN)


def errors(response) -> list[str]:
    page = BeautifulSoup(response.content.decode(), "html.parser")
    return [p.get_text(strip=True) for p in page.select(".kern-error")]


def test_an_admin_creates_and_edits_a_screen(admin, office, group):
    response = admin.post(
        "/staff/giessen/screens/new/",
        {"name": "Wartebereich 1. OG", "groups": [group.pk], "floors": ["1"], "active": "on"},
    )
    assert response.status_code == 302, errors(response)
    with scopes_disabled():
        screen = Screen.objects.get(office=office)
    assert (screen.name, screen.groups, screen.floors, screen.active) == (
        "Wartebereich 1. OG",
        [group.pk],
        [1],
        True,
    )
    listing = admin.get("/staff/giessen/screens/").content.decode()
    assert f'href="/giessen/display/{screen.public_id}/"' in listing

    edit_url = f"/staff/giessen/screens/{screen.pk}/"
    form = BeautifulSoup(admin.get(edit_url).content.decode(), "html.parser")
    assert form.select_one(f'input[name="groups"][value="{group.pk}"]').has_attr("checked")
    assert form.select_one('input[name="floors"][value="1"]').has_attr("checked")
    response = admin.post(edit_url, {"name": "Alle Etagen", "floors": ["0", "2"]})
    assert response.status_code == 302, errors(response)
    with scopes_disabled():
        screen.refresh_from_db()
    assert (screen.name, screen.groups, screen.floors, screen.active) == (
        "Alle Etagen",
        [],
        [0, 2],
        False,
    )
    actions = AuditEvent.objects.filter(office=office, action__startswith="visits.screen.")
    assert [a.action for a in actions.order_by("id")] == [
        "visits.screen.created",
        "visits.screen.updated",
    ]


@pytest.mark.parametrize(
    "data",
    [
        {"name": "<script></script>"},  # nothing left once tags are stripped
        {"name": "x" * 81},
        {"name": "Oben", "floors": ["abc"]},
        {"name": "Oben", "floors": ["99"]},  # no desk on that floor
        {"name": "Oben", "groups": ["'; DROP TABLE visits_screen; --"]},
    ],
)
def test_hostile_screen_input_is_refused_with_a_message(admin, office, data):
    response = admin.post("/staff/giessen/screens/new/", data)
    assert response.status_code == 400
    assert errors(response)
    with scopes_disabled():
        assert not Screen.objects.exists()


def test_another_offices_group_or_screen_is_not_reachable(admin, office, other_office):
    theirs = visits.service_group_create(
        office=other_office, name={"de": "Fremd"}, prefix="Z", services=[], acting_user=COMMAND
    )
    response = admin.post("/staff/giessen/screens/new/", {"name": "Oben", "groups": [theirs.pk]})
    assert response.status_code == 400 and errors(response)
    their_screen = visits.screen_create(office=other_office, name="Fremd", acting_user=COMMAND)
    url = f"/staff/giessen/screens/{their_screen.pk}/"
    assert admin.get(url).status_code == 404
    assert admin.post(url, {"name": "Übernommen"}).status_code == 404
    with scopes_disabled():
        their_screen.refresh_from_db()
    assert their_screen.name == "Fremd"


def test_the_screen_list_takes_the_same_queries_for_more_screens(admin, office, group):
    visits.screen_create(office=office, name="Eins", groups=[group], acting_user=COMMAND)
    with CaptureQueriesContext(connection) as one:
        assert admin.get("/staff/giessen/screens/").status_code == 200
    for name in ("Zwei", "Drei", "Vier"):
        visits.screen_create(
            office=office, name=name, groups=[group], floors=[1], acting_user=COMMAND
        )
    with CaptureQueriesContext(connection) as four:
        assert admin.get("/staff/giessen/screens/").status_code == 200
    assert len(four.captured_queries) == len(one.captured_queries)


def test_only_roles_that_manage_the_office_reach_these_pages(staff_client, office):
    caseworker = staff_client(office, Role.CASEWORKER)
    for url in ("/staff/giessen/screens/", "/staff/giessen/notices/new/"):
        assert caseworker.get(url).status_code == 403


def test_an_admin_creates_edits_and_removes_a_notice(admin, office):
    response = admin.post(
        "/staff/giessen/notices/new/",
        {
            "text_de": "Die Kasse schließt heute um 12 Uhr.",
            "text_ar": "يغلق الصندوق اليوم الساعة 12.",
            "text_fa_af": "",
            "active_from": "2031-03-03T08:00",
            "active_until": "2031-03-03T12:00",
            "position": "1",
        },
    )
    assert response.status_code == 302, errors(response)
    with scopes_disabled():
        notice = OfficeNotice.objects.get(office=office)
    assert notice.text == {
        "de": "Die Kasse schließt heute um 12 Uhr.",
        "ar": "يغلق الصندوق اليوم الساعة 12.",
    }
    # Typed in the office's zone.
    assert notice.active_from == datetime(2031, 3, 3, 8, 0, tzinfo=BERLIN)
    assert notice.active_until == datetime(2031, 3, 3, 12, 0, tzinfo=BERLIN)

    edit_url = f"/staff/giessen/notices/{notice.pk}/"
    form = BeautifulSoup(admin.get(edit_url).content.decode(), "html.parser")
    arabic = form.select_one('input[name="text_ar"]')
    assert arabic["value"] == "يغلق الصندوق اليوم الساعة 12."
    assert (arabic["lang"], arabic["dir"]) == ("ar", "rtl")
    assert form.select_one('input[name="active_from"]')["value"] == "2031-03-03T08:00"

    response = admin.post(
        edit_url, {"text_de": "Die Kasse ist geöffnet.", "active_from": "", "position": "0"}
    )
    assert response.status_code == 302, errors(response)
    with scopes_disabled():
        notice.refresh_from_db()
    assert notice.text == {"de": "Die Kasse ist geöffnet."} and notice.active_from is None
    assert "Die Kasse ist geöffnet." in admin.get("/staff/giessen/notices/").content.decode()

    assert admin.post(f"/staff/giessen/notices/{notice.pk}/delete/").status_code == 302
    with scopes_disabled():
        assert not OfficeNotice.objects.exists()
    actions = AuditEvent.objects.filter(office=office, action__startswith="content.notice.")
    assert [a.action for a in actions.order_by("id")] == [
        "content.notice.created",
        "content.notice.updated",
        "content.notice.deleted",
    ]


@pytest.mark.parametrize(
    "data",
    [
        {"text_en": "Only English", "position": "0"},
        {"text_de": "<b></b>", "position": "0"},  # empty once tags are stripped
        {"text_de": "x" * 281, "position": "0"},
        {"text_de": "Ok", "position": "-1"},
        {"text_de": "Ok", "position": "0", "active_from": "morgen früh"},
        {"text_de": "Ok", "position": "0", "active_from": "2031-13-45T25:61"},
        {
            "text_de": "Ok",
            "position": "0",
            "active_from": "2031-03-03T12:00",
            "active_until": "2031-03-03T08:00",
        },
    ],
)
def test_hostile_notice_input_is_refused_with_a_message(admin, office, data):
    response = admin.post("/staff/giessen/notices/new/", data)
    assert response.status_code == 400
    assert errors(response)
    with scopes_disabled():
        assert not OfficeNotice.objects.exists()


def test_markup_in_a_notice_is_removed(admin, office):
    response = admin.post(
        "/staff/giessen/notices/new/",
        {"text_de": "<script>alert(1)</script>Bitte <b>warten</b>", "position": "0"},
    )
    assert response.status_code == 302, errors(response)
    with scopes_disabled():
        assert OfficeNotice.objects.get().text == {"de": "alert(1)Bitte warten"}


def test_another_offices_notice_is_not_reachable(admin, other_office):
    theirs = office_notice_create(office=other_office, texts={"de": "Fremd"}, acting_user=COMMAND)
    for url in (f"/staff/giessen/notices/{theirs.pk}/",):
        assert admin.get(url).status_code == 404
        assert admin.post(url, {"text_de": "Übernommen", "position": "0"}).status_code == 404
    assert admin.post(f"/staff/giessen/notices/{theirs.pk}/delete/").status_code == 404
    with scopes_disabled():
        assert OfficeNotice.objects.get(pk=theirs.pk).text == {"de": "Fremd"}
