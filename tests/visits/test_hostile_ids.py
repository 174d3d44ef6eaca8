"""Ids posted by hand to the desk, the front desk and the kiosk that are not numbers, or beyond
64 bits, are unknown ids: 404, never a 500 (issue 11, item 5)."""

import pytest
import time_machine
from django_scopes import scopes_disabled

from schalter.accounts.roles import Role
from schalter.visits.models import Ticket

pytestmark = pytest.mark.django_db

HOSTILE = ["abc", "1e3", "-1", " ", "9" * 30, "1\x00"]


@pytest.mark.parametrize("value", HOSTILE)
def test_the_desk_answers_404_to_an_id_that_is_not_one(office, groups, now, staff_client, value):
    with time_machine.travel(now, tick=True):
        desk = staff_client(office, Role.CASEWORKER)
        assert (
            desk.post("/staff/giessen/desk/", {"action": "take", "desk": value}).status_code == 404
        )


@pytest.mark.parametrize("value", HOSTILE)
def test_the_front_desk_answers_404_to_a_priority_or_group_that_is_not_one(
    office, groups, now, staff_client, value
):
    with time_machine.travel(now, tick=True):
        front = staff_client(office, Role.FRONT_DESK)
        bad_priority = {"action": "walk_in", "group": groups["A"].pk, "priority": value}
        bad_group = {"action": "walk_in", "group": value, "priority": 0}
        assert front.post("/staff/giessen/queue/", bad_priority).status_code == 404
        assert front.post("/staff/giessen/queue/", bad_group).status_code == 404
    with scopes_disabled():
        assert not Ticket.objects.exists()  # nothing issued by a refused request
