"""The data protection officer: who read client records, and everything held about one person."""

import json

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from schalter.accounts.actors import COMMAND
from schalter.accounts.models import AuditEvent
from schalter.accounts.roles import Role
from schalter.appointments.waitlist import waitlist_join
from schalter.privacy.reads import APPOINTMENT_VIEWED, SUBJECT_EXPORTED, WAITLIST_VIEWED
from tests.conftest import book_earliest_by_phone, make_bookable

pytestmark = pytest.mark.django_db


@pytest.fixture
def jana(office, bookable):
    appointment = book_earliest_by_phone(
        office,
        bookable["long"],
        name="Jana Kovalenko",
        email="Jana.Kovalenko+termin@example.org",
        phone="0151 23456789",
        language="uk",
    )
    waitlist_join(
        office=office,
        service=bookable["short"],
        name="Jana Kovalenko",
        email="jana.kovalenko@example.org",
        language="uk",
        permit_expires=None,
        now=timezone.now(),
        acting_user=COMMAND,
    )
    return appointment


def _export(client, **person):
    form = {"email": "", "phone": "", "code": "", **person}
    return client.post("/staff/giessen/privacy/", form)


def test_the_officer_exports_everything_held_about_a_person(staff_client, office, bookable, jana):
    someone_else = book_earliest_by_phone(
        office, bookable["short"], name="Omar", email="omar@example.org", language="ar"
    )
    caseworker = staff_client(office, Role.CASEWORKER)
    assert caseworker.get(f"/staff/giessen/appointments/{jana.pk}/").status_code == 200
    officer = staff_client(office, Role.DATA_PROTECTION_OFFICER)

    # Her address as she typed it at another time: the booking's own normalisation finds her.
    response = _export(officer, email="jana.kovalenko@EXAMPLE.org")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    held = json.loads(response.content)
    assert [a["code"] for a in held["appointments"]] == [jana.code]
    assert held["appointments"][0]["phone"] == "+4915123456789"
    assert [e["name"] for e in held["waitlist_entries"]] == ["Jana Kovalenko"]
    # Who read her record is part of what is held about her.
    reads = [e for e in held["record_history"] if e["action"] == APPOINTMENT_VIEWED]
    assert len(reads) == 1
    assert someone_else.code not in response.content.decode()
    assert "token" not in response.content.decode()

    by_phone = json.loads(_export(officer, phone="+49 151 23456789").content)
    assert [a["code"] for a in by_phone["appointments"]] == [jana.code]
    by_code = json.loads(_export(officer, code=jana.code.lower()).content)
    assert [a["code"] for a in by_code["appointments"]] == [jana.code]
    # Each search is itself recorded, without the person's address.
    exports = AuditEvent.objects.filter(office=office, action=SUBJECT_EXPORTED)
    assert exports.count() == 3
    assert "jana" not in json.dumps(list(exports.values_list("data", flat=True))).lower()


def test_nothing_found_and_bad_input_are_answered_on_the_page(staff_client, office, jana):
    officer = staff_client(office, Role.DATA_PROTECTION_OFFICER)
    page = _export(officer, email="nobody@example.org")
    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")
    assert BeautifulSoup(page.content, "html.parser").select('[role="status"]')
    assert _export(officer).status_code == 400
    assert _export(officer, email="not an address").status_code == 400
    assert _export(officer, phone="\u202e12\x00").status_code == 400


def test_another_offices_records_are_not_exported(staff_client, office, other_office, jana):
    make_bookable(other_office)
    officer = staff_client(other_office, Role.DATA_PROTECTION_OFFICER)
    response = officer.post(
        "/staff/darmstadt/privacy/",
        {"email": "jana.kovalenko@example.org", "phone": "", "code": ""},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")  # nothing found, no file
    assert officer.post("/staff/giessen/privacy/", {"code": jana.code}).status_code == 404


def test_the_officer_sees_who_read_client_records(staff_client, office, jana):
    lead = staff_client(office, Role.TEAM_LEAD)
    lead.get(f"/staff/giessen/appointments/{jana.pk}/")
    lead.get("/staff/giessen/waitlist/")
    waitlist_read = AuditEvent.objects.get(office=office, action=WAITLIST_VIEWED)
    assert len(waitlist_read.data["entries"]) == 1

    officer = staff_client(office, Role.DATA_PROTECTION_OFFICER)
    rows = BeautifulSoup(officer.get("/staff/giessen/privacy/").content, "html.parser").select(
        "tbody tr"
    )
    actions = [row.select("td")[2].get_text() for row in rows]
    assert sorted(actions) == sorted([APPOINTMENT_VIEWED, WAITLIST_VIEWED])
    assert all(row.select("td")[1].get_text().startswith("team_lead") for row in rows)


@pytest.mark.parametrize("role", [Role.OFFICE_ADMIN, Role.CASEWORKER, Role.FRONT_DESK])
def test_only_the_officer_opens_the_privacy_page(staff_client, office, role):
    assert staff_client(office, role).get("/staff/giessen/privacy/").status_code == 403
