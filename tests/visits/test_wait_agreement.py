"""One expected wait, told alike everywhere (issue 12, item 6): the kiosk's ticket page, the
phone's live page, the printed ticket, the call display and the public queue page say the same
for the same queue at the same moment, and none of them ever says "about 0 minutes"."""

import re

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.test import Client
from django.utils import translation

from schalter.accounts.actors import COMMAND
from schalter.visits import services
from schalter.visits.wait_estimates import SOON_MINUTES, wait_said
from tests.printing.conftest import pdf_text
from tests.visits.conftest import walk_in

pytestmark = pytest.mark.django_db

ZERO = re.compile(r"\b0 (Minute|Minuten|Min\.|minutes?|dakika)\b")


@pytest.fixture
def kiosk_client(office, groups, now):
    _kiosk, key = services.kiosk_create(
        office=office, name="Eingang", public_id="eingang", acting_user=COMMAND
    )
    services.screen_create(office=office, name="Alle", public_id="alle", acting_user=COMMAND)
    with time_machine.travel(now, tick=False):
        client = Client()
        client.get(f"/giessen/kiosk/eingang/?key={key}")
    return client


def text_of(html: str) -> str:
    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())


def told(kiosk_client, group, now, n: int) -> dict[str, str]:
    """Take a ticket at the kiosk in German; what each page says then, as text."""
    body = {"lang": "de", "action": "walk_in", "group": group.pk, "issue_key": f"k{n}"}
    with time_machine.travel(now, tick=False):
        location = kiosk_client.post("/giessen/kiosk/eingang/", body)["Location"]
        token = location.split("/ticket/")[1].split("/")[0]
        kiosk = kiosk_client.get(location).content.decode()
        phone = Client().get(f"/de/giessen/ticket/{token}/").content.decode()
        pdf = Client().get(f"/de/giessen/ticket/{token}/ticket.pdf").content
        display = Client().get("/giessen/display/alle/calls.json").json()
        queue = Client().get("/de/giessen/queue/").content.decode()
    [row] = [g for g in display["groups"] if g["id"] == group.pk]
    return {
        "kiosk": text_of(kiosk),
        "phone": text_of(phone),
        "paper": pdf_text(pdf),
        "display": row["wait"],
        "queue": text_of(queue),
    }


def test_the_newest_ticket_and_the_display_tell_the_same_wait(
    kiosk_client, office, groups, sessions, now
):
    sessions(1)
    with translation.override("de"):
        first = told(kiosk_client, groups["A"], now, 1)
        # Nobody ahead: "you are next" on her ticket, "a few minutes" on the display.
        assert wait_said(0, nobody_ahead=True) in first["kiosk"]
        assert wait_said(0, nobody_ahead=True) in first["phone"]
        assert wait_said(0, nobody_ahead=True) in first["paper"]
        assert first["display"] == wait_said(0) and first["display"] in first["queue"]

        walk_in(office, groups["A"], now)
        third = told(kiosk_client, groups["A"], now, 3)
    # Two clients ahead of the newest ticket: every page tells her wait in the same words.
    said = third["display"]
    assert re.fullmatch(r"etwa \d+ Minuten", said)
    for page in ("kiosk", "phone", "paper", "queue"):
        assert said in third[page], (page, said)
    for page, text in {**first, **third}.items():
        assert not ZERO.search(text), (page, text)


def test_an_estimate_is_never_about_zero_minutes():
    with translation.override("de"):
        assert wait_said(0) == "wenige Minuten"
        assert wait_said(SOON_MINUTES - 1) == "wenige Minuten"
        assert wait_said(SOON_MINUTES) == f"etwa {SOON_MINUTES} Minuten"
        assert wait_said(0, nobody_ahead=True) == "Sie sind als Nächstes an der Reihe"
    with translation.override("ar"):
        assert wait_said(0, nobody_ahead=True) != "You are next"
