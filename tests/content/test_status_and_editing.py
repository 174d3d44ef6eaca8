"""Translation status per language, the editor, sanitising, and who may edit what."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scopes import scopes_disabled

from schalter.accounts.actors import COMMAND
from schalter.accounts.models import AuditEvent
from schalter.accounts.roles import Role
from schalter.catalog.models import ServiceTextOverride
from schalter.content.selectors import Status, content_text_get, text_statuses
from schalter.content.services import content_text_update
from schalter.content.texts import sanitise
from schalter.offices.models import Office
from tests.conftest import german

pytestmark = pytest.mark.django_db

OWN_WORDING_NOTE = (
    "Service texts come from the service catalogue shared by all offices. What you save here is "
    "this office's own wording: it shows only on this office's pages, and the other offices keep "
    "the shared text."
)


def status(office, kind, pk, field, language):
    return text_statuses(content_text_get(office, kind, pk, field))[language]


def test_missing_then_current_then_outdated_when_german_changes(office, make_staff):
    editor = make_staff(office, Role.KNOWLEDGE_EDITOR)
    assert status(office, "office", office.pk, "directions", "tr") == Status.MISSING
    content_text_update(
        obj=office, field="directions", language="tr", text="Otobüs 1", acting_user=editor
    )
    assert status(office, "office", office.pk, "directions", "tr") == Status.CURRENT
    content_text_update(
        obj=office, field="directions", language="de", text="Bus 5 bis Rathaus.", acting_user=editor
    )
    assert status(office, "office", office.pk, "directions", "tr") == Status.OUTDATED
    assert status(office, "office", office.pk, "directions", "ar") == Status.MISSING
    # Saving the translation again (or confirming it) makes it current for the new German text.
    content_text_update(
        obj=office, field="directions", language="tr", text="Otobüs 5", acting_user=editor
    )
    assert status(office, "office", office.pk, "directions", "tr") == Status.CURRENT
    fresh = Office.objects.get(pk=office.pk)
    assert fresh.directions == {"de": "Bus 5 bis Rathaus.", "tr": "Otobüs 5"}
    events = AuditEvent.objects.filter(action="content.text.updated", office=office)
    assert events.count() == 3
    assert {e.data["language"] for e in events} == {"de", "tr"}


def test_translations_from_before_the_editor_become_outdated_on_german_change(office, permit):
    # "en" and "tr" came with the catalogue, without a record of their German source.
    assert status(office, "service", permit.pk, "name", "en") == Status.CURRENT
    content_text_update(
        obj=permit, field="name", language="de", text="Aufenthaltstitel", acting_user=COMMAND
    )
    assert status(office, "service", permit.pk, "name", "en") == Status.OUTDATED
    assert status(office, "service", permit.pk, "name", "tr") == Status.OUTDATED
    assert status(office, "service", permit.pk, "name", "ar") == Status.MISSING
    # A document in the checklist is its own text.
    assert status(office, "service", permit.pk, "documents.0", "en") == Status.CURRENT
    content_text_update(
        obj=permit, field="documents.1", language="uk", text="Фото", acting_user=COMMAND
    )
    permit.refresh_from_db()
    assert permit.documents == [{"de": "Reisepass", "en": "Passport"}, {"de": "Foto", "uk": "Фото"}]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("<script>alert(1)</script>Bus 1", "alert(1)Bus 1"),
        ('<a href="javascript:x">Bus</a> <b>1</b>', "Bus 1"),
        ("Bus\x00 1\u202e\x1b", "Bus 1"),
        ("Zeile 1\r\nZeile 2  ", "Zeile 1\nZeile 2"),
        ("5 < 6 & 7 > 3", "5 < 6 & 7 > 3"),
    ],
)
def test_texts_are_sanitised_to_plain_text(office, raw, clean):
    assert sanitise(raw) == clean
    stored = content_text_update(
        obj=office, field="directions", language="en", text=raw, acting_user=COMMAND
    )
    assert stored == clean
    assert Office.objects.get(pk=office.pk).directions["en"] == clean


def test_bad_updates_are_refused(office):
    with pytest.raises(ValidationError):
        content_text_update(
            obj=office, field="street", language="en", text="x", acting_user=COMMAND
        )
    with pytest.raises(ValidationError):
        content_text_update(obj=office, field="name", language="xx", text="x", acting_user=COMMAND)
    with pytest.raises(ValidationError):
        content_text_update(
            obj=office, field="name", language="de", text="<b></b>", acting_user=COMMAND
        )
    with pytest.raises(ValidationError):
        content_text_update(
            obj=office, field="directions", language="en", text="x" * 5000, acting_user=COMMAND
        )


def edit_url(office, kind, pk, field):
    return reverse(
        "staff:content_text", kwargs={"office": office.slug, "kind": kind, "pk": pk, "field": field}
    )


def test_editor_saves_all_languages_and_shows_statuses(staff_client, office, permit):
    client = staff_client(office, Role.OFFICE_ADMIN)
    listing = client.get(reverse("staff:content", kwargs={"office": office.slug}))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert edit_url(office, "service", permit.pk, "documents.1") in html
    assert "content-status--missing" in html and german("missing") in html
    url = edit_url(office, "service", permit.pk, "summary")
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'lang="ar" dir="rtl"' in html
    assert f"/fa-af/{office.slug}/services/{permit.slug}/" in html  # preview in Dari
    # An office edits its own wording of a catalogue text (see test_own_wording.py).
    assert german(OWN_WORDING_NOTE) in html
    response = client.post(
        url,
        {
            "text_de": "Sie brauchen eine neue Erlaubnis.",
            "text_ar": "تحتاج إلى تصريح.",
            "text_fa_af": "<script>x</script>شما به اجازه نیاز دارید.",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        own = ServiceTextOverride.objects.get(office=office, service=permit, field="summary")
    assert own.texts == {
        "de": "Sie brauchen eine neue Erlaubnis.",
        "ar": "تحتاج إلى تصريح.",
        "fa-af": "xشما به اجازه نیاز دارید.",
    }
    permit.refresh_from_db()
    assert permit.summary == {"de": "Sie brauchen eine Erlaubnis.", "ar": "تحتاج إلى تصريح."}
    statuses = text_statuses(content_text_get(office, "service", permit.pk, "summary"))
    assert statuses["fa-af"] == Status.CURRENT
    assert statuses["ar"] == Status.OUTDATED  # unchanged while the German text changed
    # Confirming the unchanged Arabic text makes it current.
    page = client.get(url).content.decode()
    assert 'name="confirm_ar"' in page
    response = client.post(
        url,
        {
            "text_de": "Sie brauchen eine neue Erlaubnis.",
            "text_ar": "تحتاج إلى تصريح.",
            "text_fa_af": "xشما به اجازه نیاز دارید.",
            "confirm_ar": "on",
        },
    )
    assert response.status_code == 302
    statuses = text_statuses(content_text_get(office, "service", permit.pk, "summary"))
    assert statuses["ar"] == Status.CURRENT


def test_editor_refuses_an_empty_german_name(staff_client, office):
    client = staff_client(office, Role.KNOWLEDGE_EDITOR)
    response = client.post(edit_url(office, "office", office.pk, "name"), {"text_de": ""})
    assert response.status_code == 400
    assert Office.objects.get(pk=office.pk).name["de"]


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(Role.OFFICE_ADMIN, True), (Role.KNOWLEDGE_EDITOR, True), (Role.CASEWORKER, False)],
)
def test_only_editors_reach_the_pages(staff_client, office, role, allowed):
    client = staff_client(office, role)
    for url in (
        reverse("staff:content", kwargs={"office": office.slug}),
        edit_url(office, "office", office.pk, "directions"),
        reverse("staff:content_export", kwargs={"office": office.slug}) + "?lang=tr",
    ):
        assert client.get(url).status_code == (200 if allowed else 403), url


def test_another_offices_texts_and_unknown_fields_are_404(
    staff_client, office, other_office, permit
):
    client = staff_client(office, Role.OFFICE_ADMIN)
    assert client.get(edit_url(office, "office", other_office.pk, "directions")).status_code == 404
    assert client.get(edit_url(other_office, "office", other_office.pk, "name")).status_code == 404
    assert client.get(edit_url(office, "office", office.pk, "street")).status_code == 404
    assert client.get(edit_url(office, "service", permit.pk, "documents.7")).status_code == 404
    assert client.get(edit_url(office, "desk", office.pk, "name")).status_code == 404
    # A catalogue service the office does not offer is not among its texts.
    other = client.post(edit_url(office, "service", 987654, "name"), {"text_de": "x"})
    assert other.status_code == 404
    response = client.post(
        edit_url(office, "office", other_office.pk, "directions"), {"text_de": "gehackt"}
    )
    assert response.status_code == 404
    assert Office.objects.get(pk=other_office.pk).directions == {"de": "Bus 1 bis Rathaus."}
