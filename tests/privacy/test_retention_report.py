"""The retention report (issue 13, item 4): per kind of personal data, what is kept, how long,
how many records are due for deletion and when the deletion last ran. Its counts are what the
next run of the erasers clears; it names nobody and is for the data-protection officer and the
office's admins only."""

from datetime import timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.utils import timezone
from django_scopes import scopes_disabled

from schalter.accounts.actors import CLIENT, COMMAND
from schalter.accounts.models import AuditEvent
from schalter.accounts.roles import Role
from schalter.callbacks.models import Outcome
from schalter.callbacks.requests import callback_request
from schalter.callbacks.services import callback_close
from schalter.interpreters.models import Assignment, AssignmentState
from schalter.offices import retention
from schalter.offices.models import ErasureRun
from schalter.privacy.retention import KINDS, retention_report
from schalter.visits import services as visit_services
from schalter.visits.models import Ticket
from tests.conftest import book_earliest_by_phone, make_bookable

pytestmark = pytest.mark.django_db


def test_every_registered_eraser_has_its_kinds_described():
    assert set(retention.eraser_names()) == set(KINDS)


def personal_data_of_the_past(office):
    """One appointment, one ticket with an SMS number and one closed callback, made half a year
    ago: every one of them is due now. Returns now."""
    with time_machine.travel(timezone.now() - timedelta(days=200)):
        _make_personal_data(office)
    return timezone.now()


def _make_personal_data(office):
    offered = make_bookable(office)
    appointment = book_earliest_by_phone(
        office, offered["short"], name="Olena Kovalenko", email="olena@example.org"
    )
    start = timezone.now()
    requested = callback_request(
        office=office,
        number="0151 23456789",
        language="ar",
        service_id=None,
        windows=[],
        now=start,
        acting_user=COMMAND,
    )
    callback_close(
        callback=requested.callback, outcome=Outcome.WITHDRAWN, now=start, acting_user=CLIENT
    )
    group = visit_services.service_group_create(
        office=office, name={"de": "Abholung"}, prefix="A", services=[], acting_user=COMMAND
    )
    with scopes_disabled():
        Ticket.objects.create(
            office=office,
            group=group,
            number=1,
            code="A-001",
            day=start.date(),
            token_hash="x" * 64,
            created_at=start,
            note="Bringt Pass mit",
            notify_phone="+4915123456789",
        )
    with scopes_disabled():
        Assignment.objects.create(
            office=office,
            language="fa",
            start=start,
            end=start + timedelta(hours=1),
            state=AssignmentState.CANCELLED,
            client_first_name="Farid",
        )
    assert appointment.end < start + timedelta(days=30)


def test_the_report_counts_what_the_erasers_clear_next_and_when_they_ran(office):
    later = personal_data_of_the_past(office)
    names = retention.eraser_names()
    before = retention_report(office=office, now=later, erasers=names)
    due = {}
    for row in before:
        due[row.eraser] = due.get(row.eraser, 0) + row.due
        assert row.last_run is None and row.cleared == 0
    assert due == {"appointments": 1, "visits": 1, "callbacks": 1, "interpreters": 1}
    assert retention.personal_data_erase(office=office, now=later) == sum(due.values())
    with scopes_disabled():
        runs = {run.eraser: run for run in ErasureRun.objects.filter(office=office)}
    assert {name: run.cleared for name, run in runs.items() if run.cleared} == {
        name: count for name, count in due.items() if count
    }
    after = retention_report(office=office, now=later, erasers=names)
    assert all(row.due == 0 and row.last_run == later for row in after)
    assert {row.eraser: row.last_cleared for row in after if row.cleared} == {
        name: later for name, count in due.items() if count
    }
    # A run that clears nothing moves the last run, not the last deletion.
    again = later + timedelta(minutes=1)
    assert retention.personal_data_erase(office=office, now=again) == 0
    final = retention_report(office=office, now=again, erasers=names)
    assert all(row.last_run == again for row in final)
    assert {row.eraser: row.last_cleared for row in final if row.cleared} == {
        name: later for name, count in due.items() if count
    }


def test_the_officer_and_the_admin_read_the_report_and_nobody_is_named(office, staff_client):
    personal_data_of_the_past(office)
    officer = staff_client(office, Role.DATA_PROTECTION_OFFICER)
    admin = staff_client(office, Role.OFFICE_ADMIN)
    url = f"/staff/{office.slug}/privacy/retention/"
    audited = AuditEvent.objects.count()
    page = officer.get(url)
    assert page.status_code == 200
    assert admin.get(url).status_code == 200
    assert AuditEvent.objects.count() == audited  # counts only: not a read of a record
    html = page.content.decode()
    assert "Farid" not in html
    assert "Olena" not in html and "olena@example.org" not in html and "0151" not in html
    soup = BeautifulSoup(html, "html.parser")
    rows = soup.select("table.retention-report tbody tr")
    assert {row["data-eraser"] for row in rows} == set(retention.eraser_names())
    callbacks = next(row for row in rows if row["data-eraser"] == "callbacks")
    assert callbacks.select_one("td.due").text.strip() == "1"
    # The menu leads there.
    assert soup.select_one(f"nav a[href='{url}']") is not None
    assert officer.post(url).status_code == 405


@pytest.mark.parametrize(
    "role", [Role.CASEWORKER, Role.TEAM_LEAD, Role.FRONT_DESK, Role.CALLBACK_AGENT]
)
def test_other_roles_do_not_see_the_report(office, staff_client, role):
    assert (
        staff_client(office, role).get(f"/staff/{office.slug}/privacy/retention/").status_code
        == 403
    )


def test_another_offices_officer_gets_not_found(office, other_office, staff_client):
    officer = staff_client(other_office, Role.DATA_PROTECTION_OFFICER)
    assert officer.get(f"/staff/{office.slug}/privacy/retention/").status_code == 404
