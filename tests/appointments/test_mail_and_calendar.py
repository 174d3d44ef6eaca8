"""E-mails leave through a real SMTP exchange and carry a valid .ics in Europe/Berlin time."""

import email
import socket
import threading
from datetime import UTC, date, datetime, time, timedelta
from email import policy

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone
from django_scopes import scopes_disabled
from icalendar import Calendar

from schalter.accounts.actors import COMMAND
from schalter.appointments import services
from schalter.appointments.calendar import appointment_ics
from schalter.appointments.models import Appointment, Status
from tests.conftest import make_bookable

pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.arrived = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        self.arrived.set()
        return "250 OK"


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    with socket.socket() as probe:  # a free port for the receiver
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    yield inbox
    controller.stop()


def book(office, service, language="ar", when=None):
    now = timezone.now()
    from schalter.appointments import selectors

    offered = selectors.offered_service(office, service.pk)
    free = selectors.free_times(
        office, offered, now.date(), now.date() + timedelta(days=14), now=now
    )
    start = when or free[0].start
    return services.appointment_book(
        office=office,
        service=service,
        start=start,
        name="Lina Haddad",
        email="lina@example.org",
        language=language,
        now=now,
        acting_user=COMMAND,
    )


def test_booking_mails_go_through_smtp_in_the_clients_language(
    office, smtp, django_capture_on_commit_callbacks
):
    offered = make_bookable(office)
    with django_capture_on_commit_callbacks(execute=True):
        booked = book(office, offered["long"])
    assert len(smtp.messages) == 1
    request = smtp.messages[0]
    assert request["To"] == "lina@example.org"
    assert request["Content-Language"] == "ar"
    body = request.get_body(("plain",)).get_content()
    assert booked.appointment.code in body
    assert "/ar/giessen/book/confirm/" in body
    assert any("\u0600" <= ch <= "\u06ff" for ch in request["Subject"])
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_confirm(
            appointment=booked.appointment,
            confirm_token=booked.confirm_token,
            now=timezone.now(),
            acting_user=COMMAND,
        )
    confirmation = smtp.messages[1]
    attachments = {part.get_filename(): part for part in confirmation.iter_attachments()}
    ics = next(p for name, p in attachments.items() if name.endswith(".ics"))
    event = Calendar.from_ical(ics.get_content()).walk("VEVENT")[0]
    assert event.decoded("dtstart").astimezone(UTC) == booked.appointment.start
    assert str(event["dtstart"].params["TZID"]) == "Europe/Berlin"
    assert any(name.endswith(".png") for name in attachments)
    html = confirmation.get_body(("html",)).get_content()
    assert 'dir="rtl"' in html


@pytest.mark.parametrize("day", [date(2027, 3, 28), date(2027, 10, 31), date(2027, 3, 27)])
def test_ics_keeps_local_time_on_the_days_the_clocks_change(office, day):
    """09:00 in Gießen is 08:00 UTC in winter and 07:00 UTC in summer, also on switch days."""
    services_offered = make_bookable(office, days=1)
    start = datetime.combine(day, time(9, 0), tzinfo=office.zone)
    with scopes_disabled():
        appointment = Appointment.objects.create(
            office=office,
            service=services_offered["short"],
            code="DST" + day.strftime("%m%d"),
            manage_token_hash="x",
            status=Status.CONFIRMED,
            start=start,
            end=start + timedelta(minutes=10),
            name="A",
            email="a@example.org",
        )
    event = Calendar.from_ical(appointment_ics(appointment)).walk("VEVENT")[0]
    local = event.decoded("dtstart")
    assert (local.hour, local.minute) == (9, 0)
    assert local.astimezone(UTC) == start.astimezone(UTC)
    assert Calendar.from_ical(appointment_ics(appointment)).walk("VTIMEZONE")


def test_mail_server_down_does_not_lose_the_booking(
    office, settings, django_capture_on_commit_callbacks
):
    offered = make_bookable(office)
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 1},
        }
    }
    with django_capture_on_commit_callbacks(execute=True):
        booked = book(office, offered["short"], language="de")
    with scopes_disabled():
        assert Appointment.objects.get(pk=booked.appointment.pk).status == Status.PENDING
