"""Issue 12: the move page offers booking's own times (never the time now or past, even from the
availability cache), a few days with a handful of times each and a button after each day, later
and earlier days and all times of a day as links (no JavaScript needed); a double tap or going
back loses nothing. The manage page carries what the e-mail does: the address, the .ics file and
the QR code (decoded in tests/browser/test_move_and_manage.py)."""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.utils import timezone
from django_scopes import scopes_disabled
from icalendar import Calendar

from schalter.accounts.actors import COMMAND
from schalter.appointments import services as booking
from schalter.appointments.models import Appointment, Channel
from tests.conftest import make_bookable

MOVE_DAYS_SHOWN, MOVE_TIMES_PER_DAY = 3, 6  # what a phone shows before a button

pytestmark = pytest.mark.django_db


def page(response) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content.decode(), "html.parser")


def next_weekday(now: datetime) -> datetime:
    day = now.date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


@pytest.fixture
def booked(office):
    """A confirmed appointment a week after the next weekday (`day`), at 08:00."""
    services = make_bookable(office, capacity_online=2, days=28)
    offered = booking.office_service_set(
        office=office,
        service=services["short"],
        duration_minutes=10,
        booking_window_start_days=0,  # today bookable too: "now" must never be offered
        acting_user=COMMAND,
    )
    now = timezone.now()
    day = next_weekday(now)
    start = datetime.combine(day + timedelta(days=7), time(8, 0), tzinfo=office.zone)
    made = booking.appointment_book(
        office=office,
        service=offered.service,
        start=start,
        name="Amina Haidari",
        email="amina@example.org",
        language="fa-af",
        channel=Channel.STAFF,
        now=now,
        acting_user=COMMAND,
    )
    appointment = made.appointment
    token = made.manage_token
    return {
        "appointment": appointment,
        "move": f"/de/giessen/book/move/{appointment.code}/{token}/",
        "manage": f"/de/giessen/book/manage/{appointment.code}/{token}/",
        "day": day,  # the first weekday: all its times free
        "window_end_days": offered.booking_window_end_days,
    }


def offered_starts(soup: BeautifulSoup) -> list[str]:
    return [radio["value"] for radio in soup.select("input[name=start]")]


def test_never_the_time_now_or_past_even_from_the_cache(client, office, booked):
    day = booked["day"]
    at = datetime.combine(day, time(8, 59, 59, 500_000), tzinfo=office.zone)
    with time_machine.travel(at, tick=False):
        first = offered_starts(page(client.get(booked["move"])))
    assert first[0] == f"{day:%Y%m%d}T0900", first[:3]
    # Nine o'clock has struck; the availability cache still holds the list read just before.
    with time_machine.travel(at + timedelta(milliseconds=700), tick=False):
        later = offered_starts(page(client.get(booked["move"])))
    assert f"{day:%Y%m%d}T0900" not in later
    assert later[0] > f"{day:%Y%m%d}T0900"


def test_her_own_time_is_no_choice(client, booked):
    day = booked["day"] + timedelta(days=7)
    assert f"{day:%Y%m%d}T0800" not in offered_starts(
        page(client.get(booked["move"] + f"?day={day}"))
    )


def test_a_few_days_a_handful_each_and_a_button_after_each_day(client, booked):
    soup = page(client.get(booked["move"]))
    forms = soup.select("main form.move-day")
    assert 1 <= len(forms) <= MOVE_DAYS_SHOWN
    for form in forms:
        radios = form.select("input[name=start]")
        assert 1 <= len(radios) <= MOVE_TIMES_PER_DAY
        assert form.select_one("button[type=submit]") is not None
        assert all(radio.has_attr("required") for radio in radios)
    assert len(offered_starts(soup)) <= MOVE_DAYS_SHOWN * MOVE_TIMES_PER_DAY
    # The first day's morning has 24 free times: a handful shown, the rest one link away.
    more = forms[0].select_one("a[href^='?day=']")
    whole_day = offered_starts(page(client.get(booked["move"] + more["href"])))
    assert len(whole_day) > MOVE_TIMES_PER_DAY


def test_later_days_up_to_the_end_of_the_window_and_back(client, booked):
    seen: list[str] = []
    path, pages = booked["move"], 0
    while True:
        soup = page(client.get(path))
        days = [s[:8] for s in offered_starts(soup)]
        assert not set(days) & set(seen)  # each page shows new days
        seen += sorted(set(days))
        later = soup.select_one("a[rel=next]")
        if later is None:
            break
        path = booked["move"] + later["href"]
        pages += 1
        assert pages < 30
    assert pages >= 3  # four weeks of weekdays, three days a page
    last_allowed = timezone.localdate() + timedelta(days=booked["window_end_days"])
    assert seen[-1] <= f"{last_allowed:%Y%m%d}"
    earlier = soup.select_one("a[rel=prev]")
    back = page(client.get(booked["move"] + earlier["href"]))
    assert offered_starts(back) and offered_starts(back)[0][:8] < seen[-1]


def test_double_tap_and_going_back_lose_nothing(client, office, booked):
    soup = page(client.get(booked["move"]))
    new_start = offered_starts(soup)[2]
    first = client.post(booked["move"], {"start": new_start})
    second = client.post(booked["move"], {"start": new_start})  # the same tap again
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == booked["manage"]
    with scopes_disabled():
        moved = Appointment.objects.get(pk=booked["appointment"].pk)
    assert f"{moved.start.astimezone(office.zone):%Y%m%dT%H%M}" == new_start
    manage = page(client.get(booked["manage"]))
    assert not manage.select(".kern-alert--danger, .kern-alert--error")
    # Back on the move page: the new time is hers, no longer offered; the old one is free again.
    old_day = booked["day"] + timedelta(days=7)
    back = offered_starts(page(client.get(booked["move"] + f"?day={old_day}")))
    assert f"{old_day:%Y%m%d}T0800" in back
    assert new_start not in offered_starts(page(client.get(booked["move"])))


def test_no_time_chosen_is_said_not_a_404(client, booked):
    answer = client.post(booked["move"], {})
    assert answer.status_code == 302
    assert answer["Location"] == booked["move"]
    assert "Bitte wählen Sie eine Uhrzeit" in page(client.get(answer["Location"])).get_text()


def test_the_manage_page_has_the_address_and_the_calendar_file(client, office, booked):
    soup = page(client.get(booked["manage"]))
    text = soup.select_one("main").get_text(" ", strip=True)
    assert office.street in text and office.postcode in text and office.city in text
    assert soup.select_one("main svg") is not None  # the QR code (decoded in the browser test)
    link = soup.select_one("a[type='text/calendar']")["href"]
    answer = client.get(link)
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/calendar")
    event = Calendar.from_ical(answer.content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == booked["appointment"].start
    assert client.get(link.replace(booked["appointment"].code, "XXXXXX")).status_code in (403, 404)
