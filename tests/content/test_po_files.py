"""PO files for translators: export, the round trip back, and hostile uploads."""

import polib
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from schalter.accounts.actors import COMMAND
from schalter.accounts.models import AuditEvent
from schalter.accounts.roles import Role
from schalter.catalog.models import Service, ServiceTextOverride
from schalter.content.models import TranslationState
from schalter.content.po import po_export
from schalter.content.selectors import Status, content_text_get, text_statuses
from schalter.content.services import content_text_update
from schalter.offices.models import Office
from tests.conftest import german

pytestmark = pytest.mark.django_db


def export(client, office, lang="tr"):
    response = client.get(
        reverse("staff:content_export", kwargs={"office": office.slug}) + f"?lang={lang}"
    )
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Disposition"] == f'attachment; filename="{office.slug}-{lang}.po"'
    return polib.pofile(response.content.decode())


def upload(client, office, data: bytes | str, name="texts.po"):
    if isinstance(data, str):
        data = data.encode()
    return client.post(
        reverse("staff:content_import", kwargs={"office": office.slug}),
        {"file": SimpleUploadedFile(name, data, content_type="text/x-gettext-translation")},
    )


def wording(office, service, field):
    """The office's own wording of a catalogue text (imports and the editor write it)."""
    with scopes_disabled():
        return ServiceTextOverride.objects.get(office=office, service=service, field=field).texts


def snapshot(office, service):
    with scopes_disabled():
        overrides = list(ServiceTextOverride.objects.values_list("field", "texts"))
    return (
        overrides,
        Office.objects.get(pk=office.pk).name,
        Office.objects.get(pk=office.pk).directions,
        Service.objects.get(pk=service.pk).name,
        Service.objects.get(pk=service.pk).summary,
        Service.objects.get(pk=service.pk).documents,
        TranslationState.objects.count(),
    )


def test_export_lists_the_offices_texts_with_outdated_notes(staff_client, office, permit):
    content_text_update(
        obj=permit, field="name", language="de", text="Aufenthalt", acting_user=COMMAND
    )
    catalogue = export(staff_client(office), office, "tr")
    assert catalogue.metadata["Language"] == "tr"
    entries = {entry.msgctxt: entry for entry in catalogue}
    assert entries[f"office:{office.pk}:directions"].msgid == "Bus 1 bis Rathaus."
    assert entries[f"office:{office.pk}:directions"].msgstr == ""
    name = entries[f"service:{permit.pk}:name"]
    assert (name.msgid, name.msgstr) == ("Aufenthalt", "Oturum izni")
    assert "fuzzy" not in name.flags
    note = german("Outdated: the German text has changed since this translation was saved.")
    assert note in " ".join(name.tcomment.split())  # PO comments wrap long lines
    assert not entries[f"office:{office.pk}:directions"].tcomment
    assert entries[f"service:{permit.pk}:documents.1"].msgid == "Foto"
    assert f"service:{permit.pk}:audience" not in entries  # no German text, nothing to translate
    # Dari and Leichte Sprache keep their codes through the PO locale names.
    assert export(staff_client(office), office, "fa-af").metadata["Language"] == "fa_AF"


def test_export_needs_a_translation_language(staff_client, office):
    client = staff_client(office)
    for lang in ("", "de", "xx", "../../etc"):
        url = reverse("staff:content_export", kwargs={"office": office.slug}) + f"?lang={lang}"
        assert client.get(url).status_code == 400


def test_round_trip_updates_only_texts_whose_german_still_matches(staff_client, office, permit):
    client = staff_client(office, Role.KNOWLEDGE_EDITOR)
    catalogue = export(client, office, "ar")
    for entry in catalogue:
        entry.msgstr = f"ترجمة {entry.msgctxt}"
    # Between export and import the German directions change: that entry is skipped.
    content_text_update(
        obj=office,
        field="directions",
        language="de",
        text="Bus 7 bis Rathaus.",
        acting_user=COMMAND,
    )
    response = upload(client, office, str(catalogue))
    assert response.status_code == 302
    follow = client.get(response["Location"]).content.decode()
    assert f"office:{office.pk}:directions" in follow
    # Catalogue texts: the office's own wording changes; the shared text stays as it was.
    assert wording(office, permit, "name")["ar"] == f"ترجمة service:{permit.pk}:name"
    assert wording(office, permit, "documents.1")["ar"] == (
        f"ترجمة service:{permit.pk}:documents.1"
    )
    permit.refresh_from_db()
    assert "ar" not in permit.name and "ar" not in permit.documents[1]
    assert "ar" not in Office.objects.get(pk=office.pk).directions
    statuses = text_statuses(content_text_get(office, "service", permit.pk, "name"))
    assert statuses["ar"] == Status.CURRENT
    event = AuditEvent.objects.get(action="content.translations.imported")
    assert event.data["skipped"] == [f"office:{office.pk}:directions"]
    # Importing the same file again changes nothing.
    before = snapshot(office, permit)
    assert upload(client, office, str(catalogue)).status_code == 302
    assert snapshot(office, permit) == before


def test_import_accepts_crlf_and_a_bom_from_translation_tools(staff_client, office, permit):
    client = staff_client(office)
    catalogue = export(client, office, "uk")
    for entry in catalogue:
        if entry.msgctxt == f"service:{permit.pk}:name":
            entry.msgstr = "Дозвіл на проживання"
    data = ("\ufeff" + str(catalogue)).replace("\n", "\r\n").encode()
    assert upload(client, office, data).status_code == 302
    assert wording(office, permit, "name")["uk"] == "Дозвіл на проживання"


def header(language="tr", office="giessen"):
    return (
        'msgid ""\nmsgstr ""\n'
        '"Content-Type: text/plain; charset=UTF-8\\n"\n'
        f'"Language: {language}\\n"\n'
        f'"X-Schalter-Office: {office}\\n"\n\n'
    )


def entry(context, msgid, msgstr):
    return f'msgctxt "{context}"\nmsgid "{msgid}"\nmsgstr "{msgstr}"\n\n'


def hostile_files(office, other_office, permit):
    good = entry(f"service:{permit.pk}:name", "Aufenthaltserlaubnis", "İzin")
    return {
        "not a PO file": b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR",
        "plain text": "Hallo, hier ist keine PO-Datei {{",
        "a path": "/etc/passwd",
        "no language": 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        + good,
        "German": header("de") + good,
        "unknown language": header("xx") + good,
        "another office in the header": header(office="darmstadt") + good,
        "script in msgstr": header()
        + good
        + entry(
            f"office:{office.pk}:name", "Ausländerbehörde Giessen", "<script>alert(1)</script>"
        ),
        "control characters": header()
        + good
        + entry(f"office:{office.pk}:name", "x", "a\x1b\u202e"),
        "another office's object": header(office="giessen")
        + good
        + entry(f"office:{other_office.pk}:directions", "Bus 1 bis Rathaus.", "Otobüs"),
        "unknown field": header() + good + entry(f"office:{office.pk}:street", "x", "y"),
        "unknown kind": header() + good + entry(f"desk:{office.pk}:name", "x", "y"),
        "no context": header() + good + 'msgid "Reisepass"\nmsgstr "Pasaport"\n',
        "duplicate": header() + good + good,
        "huge": header() + good + "#" + "x" * (1024 * 1024) + "\n",
    }


def test_hostile_imports_are_refused_and_change_nothing(
    staff_client, make_staff, office, other_office, permit
):
    make_staff(other_office, Role.OFFICE_ADMIN)
    client = staff_client(office)
    before = snapshot(office, permit)
    other_before = Office.objects.get(pk=other_office.pk).directions
    for name, data in hostile_files(office, other_office, permit).items():
        response = upload(client, office, data)
        assert response.status_code == 400, name
        html = response.content.decode()
        assert german("The file was not imported; nothing was changed.") in html, name
        assert "<script>alert" not in html, name
        assert snapshot(office, permit) == before, name
    assert Office.objects.get(pk=other_office.pk).directions == other_before
    assert upload(client, office, b"").status_code == 400
    missing = client.post(reverse("staff:content_import", kwargs={"office": office.slug}))
    assert missing.status_code == 400
    assert not AuditEvent.objects.filter(action="content.translations.imported").exists()


def test_import_into_another_offices_url_is_404(staff_client, office, other_office, permit):
    client = staff_client(office)
    data = po_export(office, "tr", now=timezone.now())
    response = client.post(
        reverse("staff:content_import", kwargs={"office": other_office.slug}),
        {"file": SimpleUploadedFile("x.po", data)},
    )
    assert response.status_code == 404
