"""Staff's note on a visit: left at the front desk, read and changed at the desk, audited without
its text, never on the client's pages, erased the day after."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django_scopes import scopes_disabled

from schalter.accounts.actors import CLIENT, COMMAND
from schalter.accounts.models import AuditEvent
from schalter.accounts.roles import Role
from schalter.staff.visit_views import LAST_ISSUED_KEY
from schalter.visits import services
from schalter.visits.models import Ticket

pytestmark = pytest.mark.django_db

NOTE = "Bringt Passkopie nach, braucht stufenlosen Zugang"


def test_a_note_from_the_front_desk_reaches_the_desk(office, groups, now, staff_client, desks):
    with time_machine.travel(now, tick=True):
        front = staff_client(office, Role.FRONT_DESK)
        front.post(
            "/staff/giessen/queue/",
            {"action": "walk_in", "group": groups["A"].pk, "priority": 0, "note": f"  {NOTE} "},
        )
        desk = staff_client(office, Role.CASEWORKER)
        desk.post("/staff/giessen/desk/", {"action": "take", "desk": desks[0].pk})
        desk.post("/staff/giessen/desk/", {"action": "call_next"})
        page = desk.get("/staff/giessen/desk/").content.decode()
    assert NOTE in page
    with scopes_disabled():
        ticket = Ticket.objects.get()
        entry = AuditEvent.objects.filter(action="visits.ticket.issued").get()
    assert ticket.note == NOTE
    assert NOTE not in str(entry.data) and entry.data["note"] == len(NOTE)
    token = front.session[LAST_ISSUED_KEY][1]  # the front desk's print link carries it
    assert NOTE not in Client().get(f"/de/giessen/ticket/{token}/").content.decode()


def test_a_too_long_note_at_the_front_desk_issues_no_ticket(office, groups, now, staff_client):
    with time_machine.travel(now, tick=True):
        front = staff_client(office, Role.FRONT_DESK)
        page = front.post(
            "/staff/giessen/queue/",
            {"action": "walk_in", "group": groups["A"].pk, "priority": 0, "note": "x" * 501},
            follow=True,
        ).content.decode()
    assert "500" in page
    with scopes_disabled():
        assert not Ticket.objects.exists()


def test_the_desk_changes_the_note_and_too_long_notes_are_refused(
    office, groups, now, staff_client, desks
):
    with time_machine.travel(now, tick=True):
        services.ticket_issue_walk_in(office=office, group=groups["A"], now=now, acting_user=CLIENT)
        desk = staff_client(office, Role.CASEWORKER)
        desk.post("/staff/giessen/desk/", {"action": "take", "desk": desks[0].pk})
        desk.post("/staff/giessen/desk/", {"action": "call_next"})
        with scopes_disabled():
            ticket = Ticket.objects.get()
        saved = desk.post(
            "/staff/giessen/desk/",
            {"action": "note", "ticket": ticket.pk, "note": NOTE},
            follow=True,
        )
        refused = desk.post(
            "/staff/giessen/desk/",
            {"action": "note", "ticket": ticket.pk, "note": "x" * 501},
            follow=True,
        )
    assert saved.status_code == refused.status_code == 200
    assert "500" in refused.content.decode()  # the message names the limit
    ticket.refresh_from_db()
    assert ticket.note == NOTE  # the refused note did not replace it


def test_notes_and_numbers_are_erased_the_day_after(office, groups, now):
    ticket = services.ticket_issue_walk_in(
        office=office, group=groups["A"], now=now, acting_user=CLIENT
    ).ticket
    services.ticket_note_set(ticket=ticket, note=NOTE, acting_user=COMMAND)
    with time_machine.travel(now + timedelta(hours=3), tick=False):
        call_command("appointments_tick", stdout=open("/dev/null", "w"))  # noqa: SIM115
    ticket.refresh_from_db()
    assert ticket.note == NOTE  # still the same day
    with time_machine.travel(now + timedelta(days=1), tick=False):
        call_command("appointments_tick", stdout=open("/dev/null", "w"))  # noqa: SIM115
    ticket.refresh_from_db()
    assert ticket.note == ""
