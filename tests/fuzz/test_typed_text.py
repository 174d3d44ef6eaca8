"""The one rule for typed text (schalter.text) in the services that store what people type
(issue 11, item 6): the HTML booking and waiting-list forms refuse a name made only of invisible
characters, as the API does, in the page's language; staff's notes on a visit keep their line
breaks and lose overrides and control characters; a time block's reason is one line."""

from datetime import timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.utils import timezone, translation
from django_scopes import scopes_disabled

from schalter.accounts.actors import CLIENT, COMMAND
from schalter.appointments.errors import InvalidName
from schalter.appointments.models import Appointment, WaitlistEntry
from schalter.appointments.services import time_block_add
from schalter.visits import services as visits
from tests.fuzz.test_forms import next_monday_nine
from tests.nasty import INVISIBLE

pytestmark = [pytest.mark.django_db, pytest.mark.office_per_module(bookable=True)]


@pytest.fixture(autouse=True)
def no_challenge(settings):
    settings.SCHALTER_CAPTCHA = False
    settings.SCHALTER_RATE_LIMITS = False


def details(name: str) -> dict:
    return {"name": name, "email": "olena@example.org", "consent": "on", "script": "off"}


def refusal_on_the_name(response, language: str) -> None:
    assert response.status_code == InvalidName.status
    field = BeautifulSoup(response.content.decode(), "html.parser").select_one("#id_name")
    assert field["aria-invalid"] == "true"
    with translation.override(language):
        assert str(InvalidName.message) in response.content.decode()


@pytest.mark.parametrize("name", INVISIBLE[:6])
@pytest.mark.parametrize("language", ["ar", "uk"])
def test_the_booking_form_refuses_a_name_of_invisible_characters(
    client, office, bookable, name, language
):
    listing = client.get(f"/{language}/giessen/book/residence-permit/")
    link = BeautifulSoup(listing.content.decode(), "html.parser").select("a.time-choice")[0]
    response = client.post(link["href"], details(name))
    refusal_on_the_name(response, language)
    with scopes_disabled():
        assert not Appointment.objects.exists()


def test_the_waiting_list_refuses_a_name_of_invisible_characters(client, office, bookable):
    url = "/fa/giessen/book/residence-permit/waitlist/"
    refusal_on_the_name(client.post(url, details("\u200b\u202e\u2066")), "fa")
    with scopes_disabled():
        assert not WaitlistEntry.objects.exists()


def test_a_note_on_a_visit_keeps_its_lines_and_loses_overrides_and_control_characters(
    office, bookable
):
    group = visits.service_group_create(
        office=office, name={"de": "A"}, prefix="A", services=[bookable["short"]],
        acting_user=COMMAND,
    )  # fmt: skip
    with time_machine.travel(next_monday_nine(office)):  # open
        ticket = visits.ticket_issue_walk_in(
            office=office, group=group, now=timezone.now(), acting_user=CLIENT
        ).ticket
    note = "Pass \u202egeprüft\u202c\r\nTermin\x00 folgt\u200b\n\nمی\u200cخواهم"
    visits.ticket_note_set(ticket=ticket, note=note, acting_user=COMMAND)
    ticket.refresh_from_db()
    assert ticket.note == "Pass geprüft\nTermin folgt\n\nمی\u200cخواهم"


def test_a_time_block_reason_is_one_clean_line(office, bookable):
    now = timezone.now()
    block = time_block_add(
        office=office,
        start=now + timedelta(days=30),
        end=now + timedelta(days=30, hours=1),
        reason="Schulung\r\n\u202eBcc: x\x00",
        now=now,
        acting_user=COMMAND,
    ).block
    assert block.reason == "Schulung Bcc: x"
