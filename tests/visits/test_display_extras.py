"""What a call display shows besides the calls: only calls to its floors (page, calls.json and
the WebSocket), the office's notices for the ticker, and a QR code to the public queue page."""

import re
from datetime import timedelta
from functools import partial

import pytest
import time_machine
from asgiref.sync import sync_to_async
from bs4 import BeautifulSoup
from django.test import Client

from schalter.accounts.actors import COMMAND
from schalter.content.services import office_notice_create, office_notice_update
from schalter.visits import services
from tests.visits.conftest import later, walk_in
from tests.visits.test_live import connect, run

# Desks of the test office (tests/conftest.py): desk 1 on floor 1, desk 2 on floor 2, desk 3 on 0.


@pytest.fixture
def floor_screens(office):
    return {
        "first": services.screen_create(
            office=office, name="1. OG", public_id="og1", floors=[1], acting_user=COMMAND
        ),
        "all": services.screen_create(
            office=office, name="Alle", public_id="alle", acting_user=COMMAND
        ),
    }


def calls_json(screen: str) -> dict:
    response = Client().get(f"/giessen/display/{screen}/calls.json", {"after": 0})
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.django_db
def test_a_screen_limited_to_floors_shows_only_calls_to_desks_there(
    floor_screens, groups, office, desks, sessions, now
):
    desk_1, desk_2 = sessions(2)
    assert (desk_1.desk.floor, desk_2.desk.floor) == (1, 2)
    with time_machine.travel(later(now, 3), tick=False):
        walk_in(office, groups["A"], now)
        walk_in(office, groups["B"], now)
        assert (
            services.ticket_call_next(
                desk_session=desk_1, now=later(now, 1), acting_user=COMMAND
            ).code
            == "A-001"
        )
        assert (
            services.ticket_call_next(
                desk_session=desk_2, now=later(now, 2), acting_user=COMMAND
            ).code
            == "B-001"
        )

        assert [c["code"] for c in calls_json("og1")["calls"]] == ["A-001"]
        assert [c["code"] for c in calls_json("alle")["calls"]] == ["B-001", "A-001"]
        page = BeautifulSoup(Client().get("/giessen/display/og1/").content, "html.parser")
        assert [li["data-code"] for li in page.select("#display-calls li")] == ["A-001"]
        everything = BeautifulSoup(Client().get("/giessen/display/alle/").content, "html.parser")
        assert len(everything.select("#display-calls li")) == 2


@pytest.mark.django_db(transaction=True)
def test_the_websocket_forwards_only_calls_to_the_screens_floors(
    floor_screens, groups, office, desks, sessions, now
):
    desk_1, desk_2 = sessions(2)
    walk_in(office, groups["A"], now)
    walk_in(office, groups["A"], now)

    async def scenario():
        upstairs, every = connect("/ws/giessen/display/og1/"), connect("/ws/giessen/display/alle/")
        assert (await upstairs.connect())[0] and (await every.connect())[0]
        call = sync_to_async(partial(services.ticket_call_next, acting_user=COMMAND))
        await call(desk_session=desk_2, now=later(now, 1))  # floor 2
        assert (await every.receive_json_from(timeout=2))["code"] == "A-001"
        assert await upstairs.receive_nothing(timeout=0.3)
        await call(desk_session=desk_1, now=later(now, 2))  # floor 1
        assert (await upstairs.receive_json_from(timeout=2))["code"] == "A-002"
        assert (await every.receive_json_from(timeout=2))["code"] == "A-002"
        await upstairs.disconnect()
        await every.disconnect()

    run(scenario)


@pytest.mark.django_db
def test_the_display_carries_the_active_notices_and_picks_up_edits(floor_screens, office, now):
    notice = office_notice_create(
        office=office,
        texts={"de": "Kasse bis 12 Uhr", "ar": "الصندوق حتى الساعة 12"},
        acting_user=COMMAND,
    )
    office_notice_create(
        office=office,
        texts={"de": "Morgen geschlossen"},
        active_from=now + timedelta(hours=5),
        acting_user=COMMAND,
    )
    with time_machine.travel(now, tick=False):
        page = BeautifulSoup(Client().get("/giessen/display/alle/").content, "html.parser")
        text = page.select_one("#display-ticker-text")
        assert text.get_text() == "Kasse bis 12 Uhr" and text["lang"] == "de"
        assert "hidden" not in page.select_one("#display-ticker").attrs
        assert page.select_one("#display-ticker-pause").name == "button"
        assert "Morgen geschlossen" not in str(page)  # not yet
        assert calls_json("alle")["notices"] == [
            {
                "id": notice.pk,
                "texts": [
                    {"lang": "de", "dir": "ltr", "text": "Kasse bis 12 Uhr"},
                    {"lang": "ar", "dir": "rtl", "text": "الصندوق حتى الساعة 12"},
                ],
            }
        ]
        # An edit reaches the next poll; a running display needs no reload.
        office_notice_update(
            notice=notice,
            texts={"de": "Kasse bis 13 Uhr"},
            active_from=None,
            active_until=None,
            position=0,
            acting_user=COMMAND,
        )
        assert calls_json("alle")["notices"][0]["texts"] == [
            {"lang": "de", "dir": "ltr", "text": "Kasse bis 13 Uhr"}
        ]
    with time_machine.travel(now + timedelta(hours=6), tick=False):
        texts = [n["texts"][0]["text"] for n in calls_json("alle")["notices"]]
        assert texts == ["Kasse bis 13 Uhr", "Morgen geschlossen"]


@pytest.mark.django_db
def test_without_notices_the_ticker_is_hidden(floor_screens):
    page = BeautifulSoup(Client().get("/giessen/display/alle/").content, "html.parser")
    assert "hidden" in page.select_one("#display-ticker").attrs
    assert calls_json("alle")["notices"] == []


@pytest.mark.django_db
def test_the_display_has_a_qr_code_to_the_queue_page(floor_screens, office):
    office.languages_served = ["de", "ar", "tr"]
    office.save()
    page = BeautifulSoup(Client().get("/giessen/display/alle/").content, "html.parser")
    qr = page.select_one(".display-qr svg")
    assert qr is not None and qr.find("title") is not None
    caption = page.select(".display-qr figcaption .display-label")
    # German, then the office's languages that say it differently (once they are translated).
    assert caption[0]["lang"] == "de"
    assert {line["lang"] for line in caption} <= {"de", "ar", "tr"}
    assert all(line.get("dir") == "rtl" for line in caption if line["lang"] == "ar")
    # The link has no language: the phone's settings choose one.
    response = Client(HTTP_ACCEPT_LANGUAGE="tr").get("/giessen/queue/")
    assert response.status_code == 302 and response["Location"] == "/tr/giessen/queue/"


@pytest.mark.django_db
def test_the_queue_page_shows_waiting_per_group_and_nothing_personal(
    floor_screens, groups, office, now
):
    office_notice_create(
        office=office, texts={"de": "Bitte Pass bereithalten"}, acting_user=COMMAND
    )
    with time_machine.travel(now, tick=False):
        ticket = walk_in(office, groups["A"], now)
        walk_in(office, groups["A"], now)
        response = Client().get("/de/giessen/queue/")
    assert response.status_code == 200
    html = response.content.decode()
    page = BeautifulSoup(html, "html.parser")
    rows = [
        [cell.get_text(" ", strip=True) for cell in row.select("th, td")]
        for row in page.select("tbody tr")
    ]
    assert rows[0][0].startswith("Abholung") and rows[0][1] == "2"
    assert rows[1][0].startswith("Aufenthalt") and rows[1][1] == "0"
    assert re.search(r"\d+", rows[0][2])
    assert ticket.code not in html
    assert "Bitte Pass bereithalten" in html
    assert Client().get("/de/nowhere/queue/").status_code == 404


@pytest.mark.django_db
def test_a_notice_in_german_on_the_arabic_queue_page_says_it_is_german(office, now):
    office_notice_create(
        office=office, texts={"de": "Kasse bis 12 Uhr", "ar": "الصندوق حتى 12"}, acting_user=COMMAND
    )
    office_notice_create(
        office=office, texts={"de": "Bitte Pass bereithalten"}, acting_user=COMMAND
    )
    with time_machine.travel(now, tick=False):
        page = BeautifulSoup(Client().get("/ar/giessen/queue/").content, "html.parser")
    assert page.html["lang"] == "ar"
    shown = [(li["lang"], li["dir"], li.get_text()) for li in page.select("main ul li")]
    assert ("ar", "rtl", "الصندوق حتى 12") in shown
    assert ("de", "ltr", "Bitte Pass bereithalten") in shown
