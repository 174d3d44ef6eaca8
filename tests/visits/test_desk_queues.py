"""The desk page counts only the clients this desk can call, and the desk picker says which
queues each desk serves: "3 waiting" never meets "Nobody is waiting"."""

import re

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.contrib.messages import get_messages
from django_scopes import scopes_disabled

from schalter.accounts.roles import Role
from schalter.catalog.models import Service
from tests.conftest import german
from tests.visits.conftest import walk_in

pytestmark = pytest.mark.django_db

DESK = "/staff/giessen/desk/"


@pytest.fixture
def pick_up_desk(desks):
    """Desk 1 serves only the card pick-up (group A); the others serve every queue."""
    with scopes_disabled():
        desks[0].services.set([Service.objects.get(slug="card-pick-up")])
    return desks[0]


def waiting_line(page: str) -> str:
    """The desk page's "N clients waiting", in German."""
    text = " ".join(BeautifulSoup(page, "html.parser").text.split())
    found = re.search(r"\d+ (Person wartet|Personen warten)", text)
    return found.group(0) if found else ""


def test_the_desk_counts_what_call_next_can_reach(office, groups, now, staff_client, pick_up_desk):
    with time_machine.travel(now, tick=True):
        walk_in(office, groups["A"], now)
        for _ in range(2):  # group B's daily quota
            walk_in(office, groups["B"], now)
        client = staff_client(office, Role.CASEWORKER)
        client.post(DESK, {"action": "take", "desk": pick_up_desk.pk})
        page = client.get(DESK).content.decode()
        assert waiting_line(page) == "1 Person wartet"
        queues = " ".join(
            BeautifulSoup(page, "html.parser").select_one("#desk-queues").text.split()
        )
        assert queues == f"{german('Queues')}: Abholung (1)"

        client.post(DESK, {"action": "call_next"})
        page = client.get(DESK).content.decode()
        assert "A-001" in page
        client.post(
            DESK,
            {
                "action": "no_show",
                "ticket": re.search(r'name="ticket" value="(\d+)"', page).group(1),
            },
        )
        page = client.get(DESK).content.decode()
        # Two clients wait for residence permits, but not for this desk.
        assert waiting_line(page) == "0 Personen warten"
        response = client.post(DESK, {"action": "call_next"})
        said = [str(m) for m in get_messages(response.wsgi_request)]
        assert said == [german("Nobody is waiting.")]


def test_the_desk_picker_says_which_queues_each_desk_serves(
    office, groups, now, staff_client, pick_up_desk, desks
):
    with time_machine.travel(now, tick=True):
        page = staff_client(office, Role.CASEWORKER).get(DESK).content.decode()
    soup = BeautifulSoup(page, "html.parser")

    def serves(desk) -> str:
        label = soup.select_one(f"label[for=desk-{desk.pk}]")
        said = label.select_one(".desk-queues") if label else None
        return " ".join(said.text.split()) if said else ""

    assert serves(pick_up_desk) == f"{german('Queues')}: Abholung"
    assert serves(desks[1]) == f"{german('Queues')}: Abholung, Aufenthalt"


def test_a_desk_serving_no_queue_says_so(office, groups, now, staff_client, desks):
    lonely = Service.objects.create(slug="lonely", name={"de": "Nirgends"})
    with scopes_disabled():
        desks[2].services.set([lonely])
    with time_machine.travel(now, tick=True):
        walk_in(office, groups["A"], now)
        client = staff_client(office, Role.CASEWORKER)
        soup = BeautifulSoup(client.get(DESK).content.decode(), "html.parser")
        assert " ".join(soup.select_one(f"#desk-{desks[2].pk}-queues").text.split()) == german(
            "No queues yet."
        )
        client.post(DESK, {"action": "take", "desk": desks[2].pk})
        page = client.get(DESK).content.decode()
    assert waiting_line(page) == "0 Personen warten"
