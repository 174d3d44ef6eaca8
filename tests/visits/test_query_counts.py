"""The requests of the day of the visit read what they need once: a desk's "call next", its page
and a kiosk's walk-in ticket cost the same number of queries with 3 desks and 2 groups as with 30
desks, 8 groups and a long queue, and no more than pinned here (PostgreSQL counts; SQLite skips
the lock timeout). A new query per desk, group or ticket, or a lookup repeated within a request,
fails here before it shows in `make bench`."""

import re

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from schalter.accounts.actors import COMMAND
from schalter.accounts.roles import Role
from schalter.offices import services as office_services
from schalter.offices.models import Location
from schalter.visits import services
from tests.visits.conftest import walk_in

pytestmark = pytest.mark.django_db

# Session, user, second factor, membership, the desk session; then the call's transaction
# (lock timeout, desk session lock, busy desk check, next ticket, update, call event, audit
# row) and, after the commit, whether anyone in the group waits for a text message.
CALL_NEXT_QUERIES = 15
# The guard's 5, the desk's tickets, desks, its queues and waiting, groups; and the coming
# changes of the law on the desk's services (issue 16's banner); and the menu's one question to
# the callbacks part, off here: are callbacks still open (then its worklist stays in the menu)?
DESK_PAGE_QUERIES = 11
# The guard's 5 and the ticket; the step's transaction (lock timeout, desk session lock, ticket
# lock, update, audit row; a finish also writes its event). Nobody waiting moved: no check for
# text messages after the commit.
START_QUERIES = 13
FINISH_QUERIES = 14
# The part gate's office (does it use the walk-in queue?); office and kiosk, session, group,
# repeated key, opening hours, special hours (issue 13), closures; the issue's transaction (lock
# timeout, counter, ticket, audit row); then the expected wait told: mean service time, open
# desks, clients ahead, stored. Before the day's first finished ticket (as here) the group's
# booked service lengths stand in for the mean: two queries more.
WALK_IN_QUERIES = 20

DESK = "/staff/giessen/desk/"
KIOSK = "/giessen/kiosk/eingang/"


def grow(office, groups, now, *, desks: int, groups_more: int, waiting: int) -> None:
    """More desks, groups and waiting clients: none of it may cost a query more."""
    with scopes_disabled():
        building = Location.objects.filter(office=office).first()
    for n in range(desks):
        office_services.desk_create(
            office=office, location=building, number=100 + n, colour="red", acting_user=COMMAND
        )
    for n in range(groups_more):
        services.service_group_create(
            office=office, name={"de": f"G{n}"}, prefix=f"G{n}", services=[], acting_user=COMMAND
        )
    for _ in range(waiting):
        walk_in(office, groups["A"], now)


def counted(request, django_capture_on_commit_callbacks) -> tuple[int, object]:
    """Queries of one request, with what runs after its commit (publishing, text messages)."""
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = request()
    return len(queries), response


def allowed(pinned: int) -> int:
    return pinned if connection.vendor == "postgresql" else pinned - 1  # no lock timeout


def test_a_desk_call_and_its_page_cost_the_same_queries_however_big_the_office(
    office, groups, now, desks, staff_client, django_capture_on_commit_callbacks
):
    def one_call(client: Client) -> tuple[int, ...]:
        calls, response = counted(
            lambda: client.post(DESK, {"action": "call_next"}), django_capture_on_commit_callbacks
        )
        assert response.status_code == 302
        page, response = counted(lambda: client.get(DESK), django_capture_on_commit_callbacks)
        ticket = re.search(r'name="ticket" value="(\d+)"', response.content.decode())
        assert ticket is not None  # a client was called
        steps = []
        for action in ({"action": "start"}, {"action": "finish", "outcome": "completed"}):
            step, response = counted(
                lambda: client.post(DESK, {**action, "ticket": ticket.group(1)}),  # noqa: B023
                django_capture_on_commit_callbacks,
            )
            assert response.status_code == 302
            steps.append(step)
        return calls, page, *steps

    with time_machine.travel(now, tick=True):
        client = staff_client(office, Role.CASEWORKER)
        assert client.post(DESK, {"action": "take", "desk": desks[0].pk}).status_code == 302
        for _ in range(3):
            walk_in(office, groups["A"], now)
        one_call(client)  # warm up: content types, translations
        small = one_call(client)
        grow(office, groups, now, desks=27, groups_more=6, waiting=40)
        large = one_call(client)
    assert small == large
    calls, page, start, finish = large
    assert calls <= allowed(CALL_NEXT_QUERIES)
    assert page <= DESK_PAGE_QUERIES
    assert start <= allowed(START_QUERIES) and finish <= allowed(FINISH_QUERIES)


def test_a_kiosk_walk_in_costs_the_same_queries_however_long_the_queue(
    office, groups, now, django_capture_on_commit_callbacks
):
    _kiosk, key = services.kiosk_create(
        office=office, name="Eingang", public_id="eingang", acting_user=COMMAND
    )

    def one_issue(client: Client, n: int) -> int:
        body = {"lang": "de", "group": groups["A"].pk, "issue_key": f"key-{n}"}
        queries, response = counted(
            lambda: client.post(KIOSK, body), django_capture_on_commit_callbacks
        )
        assert response.status_code == 302 and "/ticket/" in response["Location"]
        return queries

    with time_machine.travel(now, tick=True):
        client = Client()
        assert client.get(f"{KIOSK}?key={key}").status_code == 302
        one_issue(client, 0)  # warm up
        small = one_issue(client, 1)
        grow(office, groups, now, desks=27, groups_more=6, waiting=40)
        large = one_issue(client, 2)
    assert small == large
    assert large <= allowed(WALK_IN_QUERIES)
