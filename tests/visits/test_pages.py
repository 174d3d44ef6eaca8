"""Kiosk, live ticket page and staff pages over HTTP."""

import re

import pytest
import time_machine
from django.test import Client
from django_scopes import scopes_disabled

from schalter.accounts.actors import CLIENT, COMMAND
from schalter.accounts.roles import Role
from schalter.visits import services
from schalter.visits.models import Ticket, TicketState

pytestmark = pytest.mark.django_db


@pytest.fixture
def kiosk(office, groups):
    return services.kiosk_create(
        office=office, name="Eingang", public_id="eingang", acting_user=COMMAND
    )


def unlocked(kiosk_and_key) -> Client:
    kiosk, key = kiosk_and_key
    client = Client()
    assert client.get(f"/giessen/kiosk/{kiosk.public_id}/?key={key}").status_code == 302
    return client


def test_kiosk_language_picker_names_each_language_in_itself(kiosk):
    page = Client().get("/giessen/kiosk/eingang/").content.decode()
    assert 'lang="tr"' in page and "Türkçe" in page and "العربية" in page


def test_the_kiosk_language_list_is_not_styled_as_the_booking_code(kiosk):
    """The code field's letter spacing and capitals would tear Arabic and Persian apart, and its
    size overflowed KERN's 48px select box."""
    page = unlocked(kiosk).get("/giessen/kiosk/eingang/?lang=ar").content.decode()
    select = re.search(r'<select class="([^"]+)" id="interpreter_language"', page)
    assert select and "kiosk-select" in select.group(1) and "kiosk-input" not in select.group(1)


def test_kiosk_walk_in_is_idempotent_and_shows_the_ticket(kiosk, groups, now):
    body = {"lang": "en", "action": "walk_in", "group": groups["A"].pk, "issue_key": "abc"}
    with time_machine.travel(now, tick=False):
        client = unlocked(kiosk)  # sessions live two weeks: unlock on the day
        first = client.post("/giessen/kiosk/eingang/", body)
        again = client.post("/giessen/kiosk/eingang/", body)
        assert first.status_code == again.status_code == 302
        # Tokens are random, kept only as hashes: the repeat's answer carries a token of its
        # own for the same ticket, and the first still opens it.
        pages = [client.get(r["Location"]).content.decode() for r in (first, again)]
    for page in pages:
        assert "A-001" in page and "Waiting area A" in page and "<svg" in page
    with scopes_disabled():
        assert Ticket.objects.count() == 1


def test_a_locked_kiosk_issues_nothing(kiosk, groups, now):
    body = {"lang": "en", "action": "walk_in", "group": groups["A"].pk, "issue_key": "x"}
    with time_machine.travel(now, tick=False):
        assert Client().post("/giessen/kiosk/eingang/", body).status_code == 403


def test_kiosk_check_in_error_in_the_chosen_language(kiosk, now):
    with time_machine.travel(now, tick=False):
        client = unlocked(kiosk)
        response = client.post(
            "/giessen/kiosk/eingang/", {"lang": "en", "action": "check_in", "code": "XXXX2222"}
        )
    assert response.status_code == 404
    assert "We do not know this booking code" in response.content.decode()


def test_staff_desk_calls_and_ticket_page_says_where_to_go(
    office, groups, now, staff_client, desks
):
    issued = services.ticket_issue_walk_in(
        office=office, group=groups["A"], now=now, acting_user=CLIENT
    )
    with time_machine.travel(now, tick=True):
        client = staff_client(office, Role.CASEWORKER)  # sessions expire: sign in on the day
        client.post("/staff/giessen/desk/", {"action": "take", "desk": desks[1].pk})
        client.post("/staff/giessen/desk/", {"action": "call_next"})
        page = client.get("/staff/giessen/desk/").content.decode()
        assert "A-001" in page
        live = Client().get(f"/en/giessen/ticket/{issued.token}/").content.decode()
    assert "go to desk 2" in live and "data-refresh-seconds" in live
    issued.ticket.refresh_from_db()
    assert issued.ticket.state == TicketState.CALLED
    # Another office's staff cannot act on this ticket by id.
    with time_machine.travel(now, tick=True):
        start = client.post(
            "/staff/giessen/desk/", {"action": "start", "ticket": str(issued.ticket.pk + 999)}
        )
    assert start.status_code == 404


def test_queue_dashboard_needs_the_capability(office, groups, now, staff_client):
    assert staff_client(office, Role.CASEWORKER).get("/staff/giessen/queue/").status_code == 403
    with time_machine.travel(now, tick=True):
        client = staff_client(office, Role.FRONT_DESK)
        client.post(
            "/staff/giessen/queue/", {"action": "walk_in", "group": groups["B"].pk, "priority": 2}
        )
        page = client.get("/staff/giessen/queue/").content.decode()
    assert re.search(r"B · Aufenthalt</th><td>1</td>", page)


def test_other_offices_queue_pages_are_404(office, other_office, staff_client):
    client = staff_client(office, Role.OFFICE_ADMIN)
    for name in ("desk", "queue"):
        assert client.get(f"/staff/darmstadt/{name}/").status_code == 404
        assert client.get(f"/staff/giessen/{name}/").status_code == 200
