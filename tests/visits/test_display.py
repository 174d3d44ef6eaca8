"""The call display's page and its calls.json: only newer calls, per screen, nothing personal."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from schalter.accounts.actors import CLIENT, COMMAND
from schalter.visits import selectors, services
from tests.visits.conftest import later, walk_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def screens(office, groups):
    return {
        "all": services.screen_create(
            office=office, name="Alle", public_id="alle", acting_user=COMMAND
        ),
        "b": services.screen_create(
            office=office, name="1. OG", public_id="og1", groups=[groups["B"]], acting_user=COMMAND
        ),
    }


def calls(screen: str, after: object = None) -> dict:
    url = f"/giessen/display/{screen}/calls.json"
    response = Client().get(url, {} if after is None else {"after": after})
    assert response.status_code == 200, response.content
    assert response["Cache-Control"].startswith("max-age=0")
    return response.json()


def test_only_calls_after_the_given_event_come_back(screens, groups, office, sessions, now):
    desk_a, desk_b = sessions(2)
    with time_machine.travel(now, tick=False) as clock:
        walk_in(office, groups["A"], now)
        walk_in(office, groups["A"], now)
        first = services.ticket_call_next(
            desk_session=desk_a, now=later(now, 1), acting_user=COMMAND
        )
        clock.move_to(later(now, 2))  # past the window in which calls come again
        seen = calls("alle")
        assert [c["code"] for c in seen["calls"]] == ["A-001"]
        assert calls("alle", seen["last"])["calls"] == []
        services.ticket_call_next(desk_session=desk_b, now=later(now, 2), acting_user=COMMAND)
        services.ticket_recall(
            desk_session=desk_a, ticket=first, now=later(now, 3), acting_user=COMMAND
        )
        clock.move_to(later(now, 4))
        newer = calls("alle", seen["last"])
        assert [c["code"] for c in newer["calls"]] == ["A-001", "A-002"]  # newest first
        assert [c["kind"] for c in newer["calls"]] == ["recall", "call"]
        assert newer["last"] > seen["last"]
        assert calls("alle", newer["last"])["calls"] == []
        page = Client().get("/giessen/display/alle/").content.decode()
    # The page embeds the newest event it shows, so its script never repeats one as new.
    assert f'data-after="{newer["last"]}"' in page
    assert "A-001" in page and "A-002" in page


def test_a_call_that_commits_after_a_later_one_still_comes(screens, groups, office, sessions, now):
    desk_a, desk_b = sessions(2)
    called_at = later(now, 1)
    with time_machine.travel(called_at, tick=False) as clock:
        walk_in(office, groups["A"], now)
        walk_in(office, groups["A"], now)
        services.ticket_call_next(desk_session=desk_a, now=called_at, acting_user=COMMAND)
        services.ticket_call_next(desk_session=desk_b, now=called_at, acting_user=COMMAND)
        newest = max(e["id"] for e in calls("alle")["calls"])
        # A display that already saw the newer event still gets the older one for a while ...
        repeated = calls("alle", newest)
        assert sorted(c["code"] for c in repeated["calls"]) == ["A-001", "A-002"]
        assert repeated["last"] == newest
        # ... and only for a while.
        clock.move_to(called_at + selectors.LATE_COMMIT_WINDOW + timedelta(seconds=1))
        assert calls("alle", newest)["calls"] == []


def test_a_screen_shows_only_its_groups(screens, groups, office, sessions, now):
    desk_a, desk_b = sessions(2)
    with time_machine.travel(now, tick=False):
        walk_in(office, groups["A"], now)
        walk_in(office, groups["B"], now)
        services.ticket_call_next(desk_session=desk_a, now=later(now, 1), acting_user=COMMAND)
        services.ticket_call_next(desk_session=desk_b, now=later(now, 2), acting_user=COMMAND)
        everything = calls("alle")
        upstairs = calls("og1")
    assert sorted(c["code"] for c in everything["calls"]) == ["A-001", "B-001"]
    assert [c["code"] for c in upstairs["calls"]] == ["B-001"]
    assert [g["name"] for g in upstairs["groups"]] == ["Aufenthalt"]
    assert len(everything["groups"]) == 2


def test_waiting_count_and_expected_wait_per_group(screens, groups, office, sessions, now):
    sessions(1)
    with time_machine.travel(now, tick=False):
        for _ in range(3):
            walk_in(office, groups["A"], now)
        data = calls("alle")
    pick_up = data["groups"][0]
    assert pick_up["name"] == "Abholung" and pick_up["waiting"] == 3
    # The last of the three has two clients ahead at the one open desk, each taking the
    # group's booked service length: the wait her own ticket tells (issue 12, item 6).
    service = selectors.mean_service_minutes(office, groups["A"], now.date())
    minutes = selectors.expected_wait(2, 1, service)
    assert minutes == 2 * round(service)
    assert pick_up["wait"] == f"etwa {minutes} Minuten"


def test_the_json_carries_nothing_personal(screens, office, sessions, now, book):
    (desk,) = sessions(1)
    appointment = book(later(now, 10), "ayse@example.org")
    with time_machine.travel(now, tick=False):
        services.ticket_check_in(
            office=office, code=appointment.code, now=now, language="tr", acting_user=CLIENT
        )
        services.ticket_call_next(desk_session=desk, now=later(now, 1), acting_user=COMMAND)
        data = calls("alle")
        page = Client().get("/giessen/display/alle/").content.decode()
    (call,) = data["calls"]
    assert set(call) == {"id", "kind", "code", "desk"}
    assert set(call["desk"]) == {"number", "colour", "symbol", "name", "names"}
    # The colour's name in the display's languages (issue 12): language, direction, text only.
    assert all(set(line) == {"lang", "rtl", "text"} for line in call["desk"]["names"])
    text = repr(data) + page
    for personal in ("Ayşe", "Yılmaz", "ayse@example.org", appointment.code):
        assert personal not in text
    assert call["desk"]["colour"] in page  # the desk's colour class, on the page too


@pytest.mark.parametrize(
    "after", ["-1", "abc", "1e5", "0x10", "99999999999999999999999", "1;DROP", " 1", "١٢"]
)
def test_hostile_after_values_are_refused(screens, after):
    response = Client().get("/giessen/display/alle/calls.json", {"after": after})
    assert response.status_code == 400


def test_empty_after_counts_as_zero(screens):
    assert calls("alle", "")["calls"] == []


@pytest.mark.parametrize(
    "path",
    [
        "/giessen/display/nirgends/",
        "/giessen/display/nirgends/calls.json",
        "/nowhere/display/alle/",
        "/nowhere/display/alle/calls.json",
    ],
)
def test_unknown_screen_or_office_is_404(screens, path):
    assert Client().get(path).status_code == 404


def test_a_screen_of_another_office_is_404_here(other_office, groups):
    services.screen_create(
        office=other_office, name="Fremd", public_id="fremd", acting_user=COMMAND
    )
    assert Client().get("/giessen/display/fremd/").status_code == 404
