"""On the day: a client checks in at the kiosk in Turkish with her booking code, a caseworker
calls her, and her phone's ticket page tells her where to go. axe-core checks each page."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from schalter.accounts.actors import COMMAND
from schalter.appointments import services as booking
from schalter.appointments.models import Channel
from schalter.catalog.models import Service
from schalter.offices.models import Desk
from schalter.visits import services as visits
from schalter.visits.models import Ticket
from tests.browser.conftest import assert_accessible
from tests.conftest import build_office, make_bookable

MONDAY_9 = datetime(2031, 3, 3, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))


@pytest.fixture
def on_the_day(transactional_db, make_staff):
    with time_machine.travel(MONDAY_9 - timedelta(days=7), tick=False):
        office = build_office("giessen")
        offered = make_bookable(office, days=14)
        appointment = booking.appointment_book(
            office=office,
            service=offered["long"],
            start=MONDAY_9 + timedelta(minutes=10),
            name="Ayşe Yılmaz",
            email="ayse@example.org",
            language="tr",
            channel=Channel.STAFF,
            now=MONDAY_9 - timedelta(days=7),
            acting_user=COMMAND,
        ).appointment
    visits.service_group_create(
        office=office,
        name={"de": "Aufenthalt", "tr": "Oturum"},
        prefix="B",
        services=[Service.objects.get(slug="residence-permit")],
        waiting_zone={"de": "Wartebereich B", "tr": "Bekleme alanı B"},
        acting_user=COMMAND,
    )
    _kiosk, key = visits.kiosk_create(
        office=office, name="Eingang", public_id="eingang", acting_user=COMMAND
    )
    with scopes_disabled():
        desk = Desk.objects.filter(office=office).order_by("number").first()
        desk.services.clear()  # a desk without services serves every group
    caseworker = make_staff(office, "caseworker")
    return {
        "office": office,
        "appointment": appointment,
        "key": key,
        "desk": desk,
        "caseworker": caseworker,
    }


def test_check_in_in_turkish_call_and_find_the_desk(open_page, on_the_day, live_server):
    with time_machine.travel(MONDAY_9, tick=True):
        kiosk_url = reverse("kiosk", kwargs={"office": "giessen", "kiosk": "eingang"})
        page = open_page(f"{kiosk_url}?key={on_the_day['key']}", "desktop")
        assert_accessible(page)
        page.get_by_role("link", name="Türkçe").or_(
            page.get_by_role("button", name="Türkçe")
        ).first.click()
        # Waits for the Turkish page to load (evaluating during the navigation finds no page).
        expect(page.locator("html")).to_have_attribute("lang", "tr")
        assert_accessible(page)
        page.locator("input[name=code]").fill(on_the_day["appointment"].code)
        page.locator("input[name=code]").press("Enter")
        page.wait_for_url("**/kiosk/eingang/ticket/**")
        assert_accessible(page)
        with scopes_disabled():
            ticket = Ticket.objects.get()
        assert ticket.code in page.content()
        token = page.url.split("/ticket/")[1].split("/")[0]
        live_path = f"/tr/giessen/ticket/{token}/"  # where the ticket's QR code leads

        session = visits.desk_session_open(
            office=on_the_day["office"],
            desk=on_the_day["desk"],
            user=on_the_day["caseworker"],
            now=MONDAY_9,
            acting_user=on_the_day["caseworker"],
        )
        called = visits.ticket_call_next(
            desk_session=session, now=MONDAY_9 + timedelta(minutes=1), acting_user=COMMAND
        )
        assert called.pk == ticket.pk

        phone = open_page(live_path, "phone")
        assert phone.evaluate("document.documentElement.lang") == "tr"
        text = phone.locator("main").inner_text()
        assert str(on_the_day["desk"].number) in text
        assert on_the_day["desk"].room in text
        assert_accessible(phone)
