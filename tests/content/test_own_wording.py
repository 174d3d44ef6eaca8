"""Catalogue texts are shared; an office edits its own wording of them, shown on its pages only,
and only the installation's operator changes the shared text (issue 11, item 3)."""

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django_scopes import scopes_disabled

from schalter.accounts.actors import COMMAND
from schalter.accounts.models import AuditEvent
from schalter.accounts.roles import Role
from schalter.appointments import selectors as booking_selectors
from schalter.appointments import services as booking
from schalter.catalog.models import Service, ServiceTextOverride
from schalter.content.selectors import Status, content_text_get, text_statuses
from schalter.content.services import content_text_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def darmstadt(other_office, permit):
    """A second office offering the same catalogue service."""
    with scopes_disabled():
        booking.office_service_set(
            office=other_office, service=permit, duration_minutes=30, acting_user=COMMAND
        )
    return other_office


def edit_url(office, service, field):
    return reverse(
        "staff:content_text",
        kwargs={"office": office.slug, "kind": "service", "pk": service.pk, "field": field},
    )


def public_page(client, office, service, language="de") -> str:
    response = client.get(f"/{language}/{office.slug}/services/{service.slug}/")
    assert response.status_code == 200
    return response.content.decode()


def test_an_offices_editor_changes_its_own_pages_only(
    client, staff_client, office, darmstadt, permit
):
    editor = staff_client(office, Role.KNOWLEDGE_EDITOR)
    response = editor.post(
        edit_url(office, permit, "summary"),
        {
            "text_de": "Nur in Gießen: bringen Sie den Mietvertrag mit.",
            "text_ar": "تحتاج إلى تصريح.",
        },
    )
    assert response.status_code == 302
    response = editor.post(
        edit_url(office, permit, "name"), {"text_de": "Aufenthaltstitel (Gießen)", "text_en": "x"}
    )
    assert response.status_code == 302

    own = public_page(client, office, permit)
    assert "Nur in Gießen" in own and "Aufenthaltstitel (Gießen)" in own
    other = public_page(client, darmstadt, permit)
    assert "Nur in Gießen" not in other and "Aufenthaltstitel (Gießen)" not in other
    assert "Sie brauchen eine Erlaubnis." in other and "Aufenthaltserlaubnis" in other
    # The office page's list, the API and the booking pages read the same offers.
    assert "Aufenthaltstitel (Gießen)" in client.get(f"/de/{office.slug}/").content.decode()
    assert "Aufenthaltstitel (Gießen)" not in client.get(f"/de/{darmstadt.slug}/").content.decode()
    fresh = Service.objects.get(pk=permit.pk)
    assert fresh.summary == {"de": "Sie brauchen eine Erlaubnis.", "ar": "تحتاج إلى تصريح."}
    assert fresh.name["de"] == "Aufenthaltserlaubnis"
    # Audited under the office that made the change, as its own wording; nothing under the other.
    events = AuditEvent.objects.filter(action="content.text.updated")
    assert {(e.office_id, e.data["field"], e.data["shared"]) for e in events} == {
        (office.pk, "summary", False),
        (office.pk, "name", False),
    }
    assert not AuditEvent.objects.filter(office=darmstadt, action__startswith="content.").exists()


def test_the_other_offices_editor_sees_the_shared_text(staff_client, office, darmstadt, permit):
    content_text_update(
        obj=permit,
        field="summary",
        language="de",
        text="Gießener Fassung.",
        acting_user=COMMAND,
        office=office,
    )
    page = staff_client(darmstadt, Role.KNOWLEDGE_EDITOR).get(
        edit_url(darmstadt, permit, "summary")
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Sie brauchen eine Erlaubnis." in html and "Gießener Fassung." not in html


def test_only_the_operator_changes_the_shared_text(office, darmstadt, permit, make_staff):
    editor = make_staff(office, Role.OFFICE_ADMIN)
    with pytest.raises(PermissionDenied):
        content_text_update(
            obj=permit, field="summary", language="de", text="Für alle.", acting_user=editor
        )
    # Nor another office's own texts through one's own office.
    with pytest.raises(PermissionDenied):
        content_text_update(
            obj=darmstadt,
            field="directions",
            language="de",
            text="Hier entlang.",
            acting_user=editor,
            office=office,
        )
    assert Service.objects.get(pk=permit.pk).summary["de"] == "Sie brauchen eine Erlaubnis."
    # Gießen has its own wording of the name; Darmstadt shows the shared one.
    content_text_update(
        obj=permit,
        field="name",
        language="de",
        text="Gießener Name",
        acting_user=editor,
        office=office,
    )
    operator = User.objects.create_superuser("operator", password="x" * 20)
    content_text_update(
        obj=permit, field="name", language="de", text="Aufenthaltstitel", acting_user=operator
    )
    content_text_update(
        obj=permit, field="summary", language="de", text="Für alle.", acting_user=operator
    )
    for place, name in ((office, "Gießener Name"), (darmstadt, "Aufenthaltstitel")):
        offered = booking_selectors.offer_of(place, service_id=permit.pk, channel=None)
        assert offered.service.name_in("de") == name
        assert offered.service.summary["de"] == "Für alle."
    # The shared text's translations are outdated for the new German text.
    assert text_statuses(content_text_get(darmstadt, "service", permit.pk, "name"))["en"] == (
        Status.OUTDATED
    )
    event = AuditEvent.objects.filter(action="content.text.updated", actor=operator).first()
    assert event.office is None and event.data["shared"] is True


def test_own_wording_keeps_the_translation_states_it_was_made_from(office, permit):
    content_text_update(obj=permit, field="name", language="de", text="Neu", acting_user=COMMAND)
    assert text_statuses(content_text_get(office, "service", permit.pk, "name"))["en"] == (
        Status.OUTDATED
    )
    # The office's first change of its own wording starts from the shared texts and their states.
    content_text_update(
        obj=permit, field="name", language="tr", text="Yeni", acting_user=COMMAND, office=office
    )
    statuses = text_statuses(content_text_get(office, "service", permit.pk, "name"))
    assert (statuses["en"], statuses["tr"]) == (Status.OUTDATED, Status.CURRENT)
    with scopes_disabled():
        own = ServiceTextOverride.objects.get(office=office, service=permit, field="name")
    assert own.texts == {"de": "Neu", "en": "Residence permit", "tr": "Yeni"}


def test_a_copy_in_an_offices_wording_is_never_saved_as_the_shared_service(office, permit):
    content_text_update(
        obj=permit, field="name", language="de", text="Eigen", acting_user=COMMAND, office=office
    )
    offered = booking_selectors.offer_of(office, service_id=permit.pk, channel=None)
    assert offered.service.name_in("de") == "Eigen"
    with pytest.raises(ValueError, match="own wording"):
        offered.service.save()
    assert Service.objects.get(pk=permit.pk).name["de"] == "Aufenthaltserlaubnis"
