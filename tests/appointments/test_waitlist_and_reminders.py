from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_scopes import scopes_disabled

from schalter.accounts.actors import COMMAND
from schalter.appointments import selectors, services, waitlist
from schalter.appointments.errors import AlreadyWaiting
from schalter.appointments.models import (
    Appointment,
    Channel,
    Status,
    Urgency,
    WaitlistEntry,
    WaitlistStatus,
)
from schalter.appointments.reminders import reminders_send
from tests.appointments.links import mail_token
from tests.conftest import book_earliest_by_phone, make_bookable

pytestmark = pytest.mark.django_db


def fill_all_times(office, service, now):
    """Book every online seat of the service by phone, so nothing is free."""
    offered = selectors.offered_service(office, service.pk)
    booked = []
    n = 0
    while True:
        free = selectors.free_times(
            office,
            offered,
            now.date(),
            now.date() + timedelta(days=30),
            now=now,
            persons=1,
            channel=Channel.ONLINE,
            cached=False,
        )
        if not free:
            return booked
        n += 1
        booked.append(
            services.appointment_book(
                office=office,
                service=service,
                start=free[0].start,
                name=f"P{n}",
                email=f"p{n}@example.org",
                channel=Channel.STAFF,
                now=now,
                acting_user=COMMAND,
            ).appointment
        )


@pytest.fixture
def full_office(office):
    # A week: whatever the day, it holds working days after tomorrow (Christmas, New Year and
    # Easter fall on weekdays next to weekends).
    offered = make_bookable(office, capacity_online=1, capacity_staff=0, days=7)
    # Early in the office's day: the tests move hours ahead and must stay on the same day (the
    # freed time, tomorrow, would otherwise fall out of the booking window in the evening).
    now = datetime.combine(timezone.localdate(timezone=office.zone), time(6, 0), tzinfo=office.zone)
    booked = fill_all_times(office, offered["long"], now)
    return {"service": offered["long"], "booked": booked, "now": now}


def join(office, service, email, now, expires=None, language="uk"):
    return waitlist.waitlist_join(
        office=office,
        service=service,
        name=email.split("@")[0],
        email=email,
        language=language,
        permit_expires=expires,
        now=now,
        acting_user=COMMAND,
    )


def test_freed_times_go_to_urgent_clients_first_then_first_come(
    office, full_office, mailoutbox, django_capture_on_commit_callbacks
):
    service, now = full_office["service"], full_office["now"]
    early = join(office, service, "early@example.org", now)
    urgent = join(
        office,
        service,
        "urgent@example.org",
        now + timedelta(minutes=1),
        expires=now.date() + timedelta(days=10),
        language="ar",
    )
    assert urgent.urgency == Urgency.URGENT and early.urgency == Urgency.NORMAL
    assert [e.email for e in waitlist.waiting_in_order(office, service)] == [
        "urgent@example.org",
        "early@example.org",
    ]
    with pytest.raises(AlreadyWaiting):
        join(office, service, "Urgent+x@example.org", now)
    services.appointment_cancel(appointment=full_office["booked"][0], now=now, acting_user=COMMAND)
    later = now + timedelta(minutes=20)  # after the anti-trading delay
    with django_capture_on_commit_callbacks(execute=True):
        assert waitlist.waitlist_offer_freed(office=office, now=later, acting_user=COMMAND) == 1
    with scopes_disabled():
        urgent.refresh_from_db()
        early.refresh_from_db()
    assert urgent.status == WaitlistStatus.OFFERED and early.status == WaitlistStatus.WAITING
    offer = mailoutbox[-1]
    assert offer.to == ["urgent@example.org"] and offer.extra_headers["Content-Language"] == "ar"
    assert "/ar/giessen/book/confirm/" in offer.body
    # Accepting the offer (the confirmation link) books it and ends the wait.
    services.appointment_confirm(
        appointment=urgent.appointment,
        confirm_token=mail_token(offer, "confirm"),
        now=later + timedelta(minutes=5),
        acting_user=COMMAND,
    )
    with scopes_disabled():
        urgent.refresh_from_db()
    assert urgent.status == WaitlistStatus.BOOKED


def test_an_unanswered_offer_passes_to_the_next_client(office, full_office):
    service, now = full_office["service"], full_office["now"]
    first = join(office, service, "first@example.org", now)
    second = join(office, service, "second@example.org", now + timedelta(minutes=1))
    services.appointment_cancel(appointment=full_office["booked"][0], now=now, acting_user=COMMAND)
    t1 = now + timedelta(minutes=20)
    assert waitlist.waitlist_offer_freed(office=office, now=t1, acting_user=COMMAND) == 1
    t2 = t1 + timedelta(hours=5)  # the offer (4 hours) ran out
    with time_machine.travel(t2):
        waitlist.waitlist_offer_freed(office=office, now=t2, acting_user=COMMAND)
    with scopes_disabled():
        first.refresh_from_db()
        second.refresh_from_db()
        assert first.offers_missed == 1 and first.status == WaitlistStatus.WAITING
        assert second.status == WaitlistStatus.OFFERED  # the freed time moved on
        expired = Appointment.objects.filter(email_normalised="first@example.org").first()
        assert expired.status == Status.EXPIRED


def test_reminders_by_mail_and_text_message_through_the_gateway(
    office, sms_gateway, mailoutbox, django_capture_on_commit_callbacks
):
    received = sms_gateway.received
    offered = make_bookable(office)
    appointment = book_earliest_by_phone(
        office,
        offered["short"],
        name="Mehmet",
        email="mehmet@example.org",
        phone="0151 23456789",
        language="tr",
    )
    before = appointment.start - timedelta(hours=30)
    assert reminders_send(office=office, now=before) == 0
    day_before = appointment.start - timedelta(hours=20)
    with django_capture_on_commit_callbacks(execute=True):  # the mail is queued with the mark
        assert reminders_send(office=office, now=day_before) == 1
    assert reminders_send(office=office, now=day_before + timedelta(minutes=1)) == 0  # once
    assert received[0][0] == "Bearer k3y"
    assert received[0][1]["to"] == "+4915123456789"
    assert appointment.code in received[0][1]["text"]
    assert mailoutbox[-1].extra_headers["Content-Language"] == "tr"
    assert any(name.endswith(".ics") for name, *_ in mailoutbox[-1].attachments)


def test_tick_command_runs_for_every_office(office, capsys):
    make_bookable(office, days=1)
    call_command("appointments_tick")
    assert "giessen:" in capsys.readouterr().out


def test_waitlist_page_joins_and_refuses_twice(client, office, bookable):
    url = "/de/giessen/book/residence-permit/waitlist/"
    assert client.get(url).status_code == 200
    data = {
        "name": "Lina",
        "email": "lina@example.org",
        "script": "off",
        "permit_expires": (timezone.localdate() + timedelta(days=20)).isoformat(),
    }
    assert client.post(url, data).status_code == 302
    again = client.post(url, data)
    assert again.status_code == 409
    with scopes_disabled():
        assert WaitlistEntry.objects.get().urgency == Urgency.URGENT
    assert client.post(url, {"name": "", "email": "x", "script": "off"}).status_code == 400
