"""Every QR code Schalter renders decodes, with a real decoder, to the exact address it promises:
on screen at the size a person sees it (kiosk ticket, call display, authenticator enrolment), on
paper (ticket and flyers), in the confirmation e-mail, and in the receipt printer's own QR command.
Signs carry no QR code."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from schalter.accounts.actors import CLIENT, COMMAND
from schalter.accounts.roles import Role
from schalter.appointments import services as booking
from schalter.appointments.models import Channel
from schalter.appointments.notifications import render_appointment_mail
from schalter.catalog.models import Service
from schalter.printing.ticket import GS
from schalter.visits import services as visits
from tests.conftest import PASSWORD, build_office, make_bookable
from tests.qr_decoding import decoded, pdf_pages

MONDAY_9 = datetime(2031, 3, 3, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))
PUBLIC = "http://127.0.0.1:8000"  # SCHALTER_PUBLIC_URL in the test settings


def _group(office):
    return visits.service_group_create(
        office=office,
        name={"de": "Aufenthalt", "ar": "الإقامة"},
        prefix="B",
        services=[Service.objects.get(slug="residence-permit")],
        acting_user=COMMAND,
    )


@pytest.fixture
def office_on_the_day(transactional_db):
    with time_machine.travel(MONDAY_9 - timedelta(days=7), tick=False):
        office = build_office("giessen")
        make_bookable(office, days=14)
    return office


def _seen(page, selector: str) -> list[str]:
    """Decode the element as the screen shows it (CSS pixels, no zoom)."""
    element = page.locator(selector)
    element.scroll_into_view_if_needed()
    return decoded(element.screenshot())


def test_the_kiosk_ticket_page_s_qr_code_reads_as_the_live_ticket_url(
    open_page, office_on_the_day, browser, live_server
):
    office = office_on_the_day
    group = _group(office)
    _kiosk, key = visits.kiosk_create(
        office=office, name="Eingang", public_id="eingang", acting_user=COMMAND
    )
    body = {"lang": "ar", "action": "walk_in", "group": group.pk, "issue_key": "k1"}
    with time_machine.travel(MONDAY_9, tick=True):
        client = Client()
        client.get(f"/giessen/kiosk/eingang/?key={key}")
        ticket_path = client.post("/giessen/kiosk/eingang/", body)["Location"]
        token = ticket_path.split("/ticket/")[1].split("/")[0]
        for viewport in ("desktop", "phone"):  # a landscape kiosk, a narrow portrait one
            page = open_page("/", viewport)
            page.context.add_cookies(
                [
                    {"name": name, "value": morsel.value, "url": live_server.url}
                    for name, morsel in client.cookies.items()
                ]
            )
            page.goto(live_server.url + ticket_path)
            assert _seen(page, ".ticket-qr svg") == [f"{PUBLIC}/ar/giessen/ticket/{token}/"]


def test_the_display_s_qr_code_reads_as_the_queue_page(open_page, office_on_the_day):
    visits.screen_create(
        office=office_on_the_day, name="Wartebereich", public_id="warte", acting_user=COMMAND
    )
    with time_machine.travel(MONDAY_9, tick=True):
        page = open_page(
            reverse("display", kwargs={"office": "giessen", "screen": "warte"}), "desktop"
        )
        queue = reverse("queue_any_language", kwargs={"office": "giessen"})
        assert _seen(page, ".display-qr svg") == [PUBLIC + queue]


def test_the_authenticator_enrolment_qr_code_reads_as_the_new_secret(
    open_page, office_on_the_day, make_staff, live_server
):
    user = make_staff(office_on_the_day, Role.CASEWORKER, enrolled=False)
    page = open_page("/staff/login/", "desktop")
    page.locator("input[name=username]").fill(user.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url("**/staff/login/setup/")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert _seen(page, ".totp-qr svg") == [device.config_url]


def test_the_printed_ticket_s_qr_code_reads_as_the_live_ticket_url(office_on_the_day):
    group = _group(office_on_the_day)
    with time_machine.travel(MONDAY_9, tick=False):
        issued = visits.ticket_issue_walk_in(
            office=office_on_the_day, group=group, now=MONDAY_9, language="tr", acting_user=CLIENT
        )
        pdf = Client().get(f"/tr/giessen/ticket/{issued.token}/ticket.pdf").content
    [page] = pdf_pages(pdf)
    assert decoded(page) == [f"{PUBLIC}/tr/giessen/ticket/{issued.token}/"]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/fa/giessen/flyer.pdf", "/fa/giessen/"),
        ("/fa/giessen/flyer.pdf?size=A5", "/fa/giessen/"),
        (
            "/uk/giessen/services/residence-permit/flyer.pdf",
            "/uk/giessen/services/residence-permit/",
        ),
        (
            "/de/giessen/services/residence-permit/flyer.pdf?lang=ar&size=A5&pair=1",
            "/ar/giessen/services/residence-permit/",
        ),
    ],
)
def test_each_flyer_s_qr_code_reads_as_its_page(office_on_the_day, path, expected):
    response = Client().get(path)
    assert response.status_code == 200
    codes = [code for page in pdf_pages(response.content) for code in decoded(page)]
    assert codes == [PUBLIC + expected]


def test_the_confirmation_mail_s_qr_code_reads_as_the_manage_link(office_on_the_day):
    with time_machine.travel(MONDAY_9 - timedelta(days=7), tick=False):
        appointment = booking.appointment_book(
            office=office_on_the_day,
            service=Service.objects.get(slug="residence-permit"),
            start=MONDAY_9 + timedelta(minutes=30),
            name="Ayşe Yılmaz",
            email="ayse@example.org",
            language="tr",
            channel=Channel.STAFF,
            now=MONDAY_9 - timedelta(days=7),
            acting_user=COMMAND,
        ).appointment
        message = render_appointment_mail(appointment, "confirmed")
    # Each mail carries a manage link of its own (docs/capabilities.md): the one in its text.
    [manage] = re.findall(r"https?://\S+/book/manage/\S+/", message.body)
    [png] = [content for _name, content, kind in message.attachments if kind == "image/png"]
    assert manage.startswith(f"{PUBLIC}/tr/giessen/") and decoded(png) == [manage]


def test_the_receipt_printer_s_qr_payload_is_the_live_ticket_url(office_on_the_day):
    group = _group(office_on_the_day)
    with time_machine.travel(MONDAY_9, tick=False):
        issued = visits.ticket_issue_walk_in(
            office=office_on_the_day, group=group, now=MONDAY_9, language="ar", acting_user=CLIENT
        )
        data = Client().get(f"/de/giessen/ticket/{issued.token}/ticket.escpos").content
    # GS ( k pL pH 49 80 48 <data>: store the QR code's data (cn 49, fn 80, m 48).
    store = GS + b"(k"
    start = data.find(store)
    payloads = []
    while start != -1:
        length = data[start + 3] + 256 * data[start + 4]
        body = data[start + 5 : start + 5 + length]
        if body[:3] == b"\x31\x50\x30":
            payloads.append(body[3:].decode())
        start = data.find(store, start + 5 + length)
    assert payloads == [f"{PUBLIC}/ar/giessen/ticket/{issued.token}/"]
