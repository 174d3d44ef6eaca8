"""Real parallel HTTP clients against a live server on PostgreSQL: desks never share a ticket,
kiosks never duplicate a number. And proof that these tests can fail: with only the lock of the
real code switched off (SCHALTER_UNSAFE_VISIT_LOCKS, schalter/visits/races.py), and a pause
between its read and its write that forces the requests to overlap, the same rushes call one
ticket at several desks and give one number twice; with the lock and the same pause they don't."""

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import time

import httpx
import pytest
from django.test import Client
from django.utils import timezone
from django_scopes import scopes_disabled

from schalter.accounts.actors import CLIENT, COMMAND
from schalter.offices.models import Desk
from schalter.offices.services import opening_hours_set
from schalter.visits import services
from schalter.visits.models import CallEvent, CallKind, Ticket, TicketState
from tests.conftest import build_office, sign_in

DESKS = 20
KIOSKS = 5
TICKETS_PER_KIOSK = 8
RACE_PAUSE = 0.2  # seconds between a read and its write, when a test forces the overlap
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def setup(transactional_db, live_server):
    office = build_office("giessen", desks=DESKS)
    # Open around the clock, so the test does not depend on when it runs.
    opening_hours_set(
        office=office,
        weekly={d: [(time(0, 0), time(23, 59))] for d in range(7)},
        acting_user=COMMAND,
    )
    with scopes_disabled():
        for desk in Desk.objects.filter(office=office):
            desk.services.clear()
    group = services.service_group_create(
        office=office, name={"de": "Abholung"}, prefix="A", services=[], acting_user=COMMAND
    )
    return {"office": office, "group": group, "url": live_server.url}


def http_client(base: str, django_client: Client | None = None) -> httpx.Client:
    cookies = {k: v.value for k, v in django_client.cookies.items()} if django_client else {}
    return httpx.Client(base_url=base, cookies=cookies, timeout=30, follow_redirects=False)


def csrf(client: httpx.Client, path: str) -> str:
    return TOKEN.search(client.get(path).text).group(1)


def rush_desks(
    setup, make_staff, switch=lambda: None
) -> tuple[list[int], list[tuple[int, int]], list[int]]:
    """Twenty desks press "call next" at once, over HTTP (`switch` runs just before). Returns the
    answers, the called tickets' (desk, number), and the ticket of every call event written."""
    office, now = setup["office"], timezone.now()
    for _ in range(DESKS * 2):
        services.ticket_issue_walk_in(
            office=office, group=setup["group"], now=now, acting_user=CLIENT
        )
    with scopes_disabled():
        desks = list(Desk.objects.filter(office=office))
    clients = []
    for desk in desks:
        user = make_staff(office, "caseworker")
        services.desk_session_open(office=office, desk=desk, user=user, now=now, acting_user=user)
        client = http_client(setup["url"], sign_in(Client(), user))
        clients.append((client, csrf(client, "/staff/giessen/desk/")))

    def call(pair) -> int:
        client, token = pair
        return client.post(
            "/staff/giessen/desk/", data={"action": "call_next", "csrfmiddlewaretoken": token}
        ).status_code

    switch()
    with ThreadPoolExecutor(max_workers=DESKS) as pool:
        statuses = list(pool.map(call, clients))
    with scopes_disabled():
        called = list(Ticket.objects.filter(state=TicketState.CALLED).values_list("desk", "number"))
        events = list(
            CallEvent.objects.filter(kind=CallKind.CALL).values_list("ticket_id", flat=True)
        )
    return statuses, called, events


def desks_never_shared(statuses, called, events) -> bool:
    """What the test below asserts, as one answer."""
    return (
        statuses == [302] * DESKS
        and len(called) == DESKS
        and len({desk for desk, _ in called}) == DESKS
        and sorted(number for _, number in called) == list(range(1, DESKS + 1))
        and len(events) == len(set(events)) == DESKS
    )


def test_twenty_desks_calling_at_once_never_get_the_same_ticket(setup, make_staff):
    statuses, called, events = rush_desks(setup, make_staff)
    assert statuses == [302] * DESKS
    assert len(called) == DESKS
    assert len({desk for desk, _ in called}) == DESKS  # every desk got one
    assert sorted(number for _, number in called) == list(range(1, DESKS + 1))  # in order, once
    assert len(events) == len(set(events)) == DESKS  # one call per ticket


@pytest.mark.parametrize("locks", ["on", "off"])
def test_only_the_lock_keeps_desks_from_calling_the_same_ticket(setup, make_staff, settings, locks):
    """Proof that the test above can fail: the same rush, every desk pausing between reading the
    first waiting ticket and calling it. Without the lock (and nothing else changed) desks call
    the same ticket; with it, none do."""

    def switch():  # once the tickets are issued: only the calls pause
        settings.SCHALTER_VISIT_RACE_PAUSE = RACE_PAUSE
        settings.SCHALTER_UNSAFE_VISIT_LOCKS = locks == "off"

    statuses, called, events = rush_desks(setup, make_staff, switch)
    if locks == "on":
        assert desks_never_shared(statuses, called, events)
    else:
        assert not desks_never_shared(statuses, called, events)
        assert len(events) > len(set(events))  # a ticket called at more than one desk
        assert len(called) < DESKS


def rush_kiosks(setup) -> tuple[list[int], list[int]]:
    """Five kiosks issue eight walk-in tickets each, at once, over HTTP. Returns the answers and
    the numbers of the tickets issued."""
    kiosks = [
        services.kiosk_create(
            office=setup["office"], name=f"K{n}", public_id=f"k{n}", acting_user=COMMAND
        )
        for n in range(KIOSKS)
    ]

    def run_kiosk(kiosk_and_key) -> list[int]:
        kiosk, key = kiosk_and_key
        client = http_client(setup["url"])
        path = f"/giessen/kiosk/{kiosk.public_id}/"
        client.get(f"{path}?key={key}")
        statuses = []
        for n in range(TICKETS_PER_KIOSK):
            body = {
                "csrfmiddlewaretoken": csrf(client, f"{path}?lang=de"),
                "lang": "de",
                "action": "walk_in",
                "group": setup["group"].pk,
                "issue_key": f"{kiosk.public_id}-{n}",
            }
            statuses.append(client.post(path, data=body).status_code)
        return statuses

    with ThreadPoolExecutor(max_workers=KIOSKS) as pool:
        statuses = [s for result in pool.map(run_kiosk, kiosks) for s in result]
    with scopes_disabled():
        numbers = sorted(Ticket.objects.values_list("number", flat=True))
    return statuses, numbers


def test_five_kiosks_issuing_at_once_never_duplicate_a_number(setup):
    statuses, numbers = rush_kiosks(setup)
    assert statuses == [302] * (KIOSKS * TICKETS_PER_KIOSK)
    assert numbers == list(range(1, KIOSKS * TICKETS_PER_KIOSK + 1))


@pytest.mark.parametrize("locks", ["on", "off"])
def test_only_the_lock_keeps_kiosks_from_giving_a_number_twice(setup, settings, locks):
    """Proof that the test above can fail: the same rush, every issue pausing after taking its
    number. Without the counter's row lock (and nothing else changed) two kiosks take the same
    number, and the ticket code's unique constraint refuses the second (503, a number missing);
    with it, every ticket gets the next number."""
    settings.SCHALTER_VISIT_RACE_PAUSE = RACE_PAUSE / 2  # issues wait for each other: 40 pauses
    settings.SCHALTER_UNSAFE_VISIT_LOCKS = locks == "off"
    statuses, numbers = rush_kiosks(setup)
    everyone = KIOSKS * TICKETS_PER_KIOSK
    if locks == "on":
        assert statuses == [302] * everyone
        assert numbers == list(range(1, everyone + 1))
    else:
        assert statuses.count(503) > 0  # a number taken twice, refused by the backstop
        assert len(numbers) == statuses.count(302) < everyone
