"""Real parallel HTTP clients against a live server on PostgreSQL: desks never share a ticket,
kiosks never duplicate a number."""

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
from schalter.visits.models import Ticket, TicketState
from tests.conftest import build_office, sign_in

DESKS = 20
KIOSKS = 5
TICKETS_PER_KIOSK = 8
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def setup(transactional_db, live_server):
    office = build_office("giessen", desks=DESKS)
    # Open around the clock, so the test does not depend on when it runs.
    opening_hours_set(office=office, weekly={d: [(time(0, 0), time(23, 59))] for d in range(7)})
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


def test_twenty_desks_calling_at_once_never_get_the_same_ticket(setup, make_staff):
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

    with ThreadPoolExecutor(max_workers=DESKS) as pool:
        statuses = list(pool.map(call, clients))
    assert statuses == [302] * DESKS
    with scopes_disabled():
        called = list(Ticket.objects.filter(state=TicketState.CALLED).values_list("desk", "number"))
    assert len(called) == DESKS
    assert len({desk for desk, _ in called}) == DESKS  # every desk got one
    assert sorted(number for _, number in called) == list(range(1, DESKS + 1))  # in order, once


def test_five_kiosks_issuing_at_once_never_duplicate_a_number(setup):
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
    assert statuses == [302] * (KIOSKS * TICKETS_PER_KIOSK)
    with scopes_disabled():
        numbers = sorted(Ticket.objects.values_list("number", flat=True))
    assert numbers == list(range(1, KIOSKS * TICKETS_PER_KIOSK + 1))
