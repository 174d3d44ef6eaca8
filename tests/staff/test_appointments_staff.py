"""The staff side of appointments: calendars, audited reads, booking for a caller, moving and
cancelling, arrivals and no-shows, time blocks, mass cancellation in each client's language, and
rule changes that never drop a booked appointment."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.formats import date_format
from django_scopes import scopes_disabled

from schalter.accounts.actors import COMMAND
from schalter.accounts.models import AuditEvent
from schalter.accounts.roles import Role
from schalter.appointments import calendar_selectors, selectors, services
from schalter.appointments.errors import NotChangeable, SlotUnavailable
from schalter.appointments.models import (
    Appointment,
    AvailabilityRule,
    Channel,
    Seat,
    Status,
    TimeBlock,
)
from schalter.appointments.notifications import SUBJECTS
from schalter.offices.services import closure_add
from tests.conftest import german, make_bookable, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.office_per_module(bookable=True)]


@pytest.fixture(autouse=True)
def fresh_availability_cache():
    cache.clear()  # free times are cached for a second; tests reuse office ids


@pytest.fixture
def day(office, bookable) -> date:
    """The first day with free times (tomorrow or later, never a holiday)."""
    return free_starts(office, bookable["short"])[0].astimezone(office.zone).date()


def at(office, day: date, hhmm: str) -> datetime:
    hour, minute = map(int, hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=office.zone)


def free_starts(office, service, *, channel=Channel.ONLINE, persons=1, now=None) -> list[datetime]:
    offered = selectors.offered_service(office, service.pk)
    today = timezone.localdate()
    return [
        t.start
        for t in selectors.free_times(
            office,
            offered,
            today,
            today + timedelta(days=25),
            now=now or timezone.now(),
            persons=persons,
            channel=channel,
            cached=False,
        )
    ]


def book(
    office,
    service,
    start,
    *,
    name="Lina Haddad",
    email="",
    phone="",
    language="de",
    persons=1,
    interpreter="",
    channel=Channel.STAFF,
    now=None,
) -> Appointment:
    if not email and not phone:
        local = "".join(c for c in name.lower() if c.isascii() and c.isalnum()) or "client"
        email = f"{local}-{start:%H%M}@example.org"
    return services.appointment_book(
        office=office,
        service=service,
        start=start,
        name=name,
        email=email,
        phone=phone,
        language=language,
        persons=persons,
        interpreter_language=interpreter,
        channel=channel,
        now=now or timezone.now(),
        acting_user=COMMAND,
    ).appointment


def page(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def error_of(response, field: str) -> str:
    """The error shown next to a field, with the field marked invalid."""
    soup = page(response)
    widget = soup.select_one(f"[name={field}]")
    assert widget is not None and widget.get("aria-invalid") == "true", field
    return soup.select_one(f"#{widget['id']}-error").get_text(strip=True)


def url(office, name="", **query) -> str:
    base = f"/staff/{office.slug}/appointments/{name}"
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def status_of(appointment) -> str:
    with scopes_disabled():
        return Appointment.objects.get(pk=appointment.pk).status


# Calendars ------------------------------------------------------------------------------------


def test_day_calendar_shows_times_capacity_and_appointments_but_no_names(
    staff_client, office, bookable, day
):
    first = book(office, bookable["short"], at(office, day, "08:00"), channel=Channel.ONLINE)
    family = book(
        office,
        bookable["long"],
        at(office, day, "09:00"),
        name="Maryam Rahimi",
        persons=2,
        interpreter="ar",
    )
    client = staff_client(office, Role.CASEWORKER)
    response = client.get(url(office, day=day.isoformat()))
    assert response.status_code == 200
    text = page(response).get_text(" ", strip=True)
    assert first.code in text and family.code in text
    assert "Lina" not in text and "Maryam" not in text  # names are read on the audited page
    assert "Aufenthaltserlaubnis erteilen" in text and "العربية" in text
    assert german("waiting for e-mail confirmation") in text and german("confirmed") in text
    rows = {row["id"]: row.get_text(" ", strip=True) for row in page(response).select("tr[id]")}
    assert len(rows) == 24  # 08:00–12:00 in 10-minute units
    assert first.code in rows["t-0800"] and family.code in rows["t-0900"]
    # Capacity of the 08:00 unit: 2 online + 1 staff seat, one online seat taken.
    calendar = calendar_selectors.day_calendar(office, day, now=timezone.now(), language="de")
    eight = calendar.rows[0].capacity
    assert (eight.total, eight.booked, eight.free_online, eight.free_staff) == (3, 1, 1, 1)
    nine = calendar.rows[6].capacity  # the family of two takes 60 minutes: 09:00–10:00
    assert nine.booked == 1 and calendar.rows[11].capacity.booked == 1
    assert calendar.rows[12].capacity.booked == 0
    assert not AuditEvent.objects.filter(action="appointments.appointment.viewed").exists()


def test_calendar_filters_by_service_and_shows_no_other_office(
    staff_client, office, other_office, bookable, day
):
    make_bookable(other_office)
    short = book(office, bookable["short"], at(office, day, "08:00"))
    long = book(office, bookable["long"], at(office, day, "10:00"))
    foreign = book(other_office, bookable["short"], at(other_office, day, "08:00"))
    client = staff_client(office, Role.FRONT_DESK)
    text = page(client.get(url(office, day=day.isoformat()))).get_text()
    assert short.code in text and long.code in text and foreign.code not in text
    filtered = client.get(url(office, day=day.isoformat(), service=bookable["long"].pk))
    assert long.code in filtered.content.decode() and short.code not in filtered.content.decode()
    assert client.get(f"/staff/{other_office.slug}/appointments/").status_code == 404


def test_week_calendar_counts_per_day_and_time(staff_client, office, bookable, day):
    book(office, bookable["short"], at(office, day, "08:00"))
    book(office, bookable["short"], at(office, day, "08:00"), name="Olena Koval")
    client = staff_client(office, Role.CASEWORKER)
    response = client.get(url(office, "week/", day=day.isoformat()))
    assert response.status_code == 200
    soup = page(response)
    headers = [th.get_text(" ", strip=True) for th in soup.select("thead th")]
    assert len(headers) == 8  # time + seven days
    column = day.weekday() + 1
    eight = soup.select("tbody tr")[0]
    assert eight.select_one("th").get_text() == "08:00"
    assert eight.select("td")[column - 1].get_text(" ", strip=True).startswith("1/3")
    week = calendar_selectors.week_calendar(
        office, calendar_selectors.week_start(day), now=timezone.now(), language="de"
    )
    assert week.days[day.weekday()].appointments == 2
    assert client.get(url(office, "week/", week=day.isoformat())).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        {"day": "2026-13-45"},
        {"day": "tomorrow"},
        {"day": "9999-01-01"},
        {"day": "1900-01-01"},
        {"day": "2026-01-01", "service": "abc"},
        {"day": "2026-01-01", "service": "987654"},
        {"day": "\u202e2026-01-01"},
    ],
)
def test_calendar_refuses_bad_queries_next_to_the_field(staff_client, office, bookable, query):
    client = staff_client(office, Role.CASEWORKER)
    for name in ("", "week/"):
        response = client.get(url(office, name, **query))
        assert response.status_code == 400
        field = "service" if "service" in query else "day"
        assert error_of(response, field)


def test_day_view_queries_do_not_grow_with_appointments(staff_client, office, bookable, day):
    client = staff_client(office, Role.CASEWORKER)
    client.get(url(office, day=day.isoformat()))  # warm up the session
    book(office, bookable["short"], at(office, day, "08:00"))
    with CaptureQueriesContext(connection) as one:
        assert client.get(url(office, day=day.isoformat())).status_code == 200
    for hhmm in ("08:30", "09:00", "09:30", "10:00", "10:30"):
        book(office, bookable["long"], at(office, day, hhmm), name=f"Client {hhmm}")
    with CaptureQueriesContext(connection) as six:
        assert client.get(url(office, day=day.isoformat())).status_code == 200
    assert len(six) == len(one)


# Reading one appointment -----------------------------------------------------------------------


def test_reading_an_appointment_writes_an_audit_row(
    staff_client, make_staff, office, bookable, day
):
    appointment = book(
        office, bookable["short"], at(office, day, "08:00"), name="Ayşe Yılmaz", language="tr"
    )
    user = make_staff(office, Role.CASEWORKER)
    client = sign_in(Client(), user)
    response = client.get(url(office, f"{appointment.pk}/"))
    assert response.status_code == 200
    assert "Ayşe Yılmaz" in response.content.decode()
    assert "Türkisch (Türkçe)" in response.content.decode()  # her language, readable for staff
    viewed = AuditEvent.objects.filter(action="appointments.appointment.viewed")
    assert list(viewed.values_list("actor", "office", "target_id")) == [
        (user.pk, office.pk, str(appointment.pk))
    ]
    # A caseworker reads but does not change.
    assert not page(response).select("form[method=post] input[name=action]")
    assert client.post(url(office, f"{appointment.pk}/"), {"action": "cancel"}).status_code == 403
    assert status_of(appointment) == Status.CONFIRMED


def test_other_offices_appointment_is_404(staff_client, office, other_office, bookable, day):
    make_bookable(other_office)
    foreign = book(other_office, bookable["short"], at(other_office, day, "08:00"))
    client = staff_client(office, Role.OFFICE_ADMIN)
    assert client.get(url(office, f"{foreign.pk}/")).status_code == 404
    assert client.post(url(office, f"{foreign.pk}/"), {"action": "cancel"}).status_code == 404
    assert status_of(foreign) == Status.CONFIRMED
    assert not AuditEvent.objects.filter(action="appointments.appointment.viewed").exists()


# Booking for a caller ---------------------------------------------------------------------------


def booking_form(offered, on_day, hhmm="08:00", /, **changes) -> dict:
    return {
        "service": offered.pk,
        "day": on_day.isoformat(),
        "time": hhmm,
        "persons": 1,
        "name": "Олена Коваль",
        "email": "olena@example.org",
        "phone": "",
        "language": "uk",
        "interpreter_language": "uk",
        **changes,
    }


def test_staff_books_for_a_caller_on_staff_capacity(
    staff_client, office, bookable, day, mailoutbox, django_capture_on_commit_callbacks
):
    start = at(office, day, "08:00")
    book(office, bookable["short"], start, name="One", channel=Channel.ONLINE)
    book(office, bookable["short"], start, name="Two", channel=Channel.ONLINE)
    assert start not in free_starts(office, bookable["short"])  # online capacity is gone
    client = staff_client(office, Role.FRONT_DESK)
    form = client.get(url(office, "book/", day=day.isoformat(), time="08:00"))
    assert form.status_code == 200
    assert page(form).select_one("[name=time]")["value"] == "08:00"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(office, "book/"), booking_form(bookable["short"], day))
    assert response.status_code == 302, response.content.decode()[:2000]
    with scopes_disabled():
        appointment = Appointment.objects.get(email="olena@example.org")
        seat = Seat.objects.get(appointment=appointment)
    assert response["Location"] == url(office, f"{appointment.pk}/")
    assert (appointment.status, appointment.channel) == (Status.CONFIRMED, Channel.STAFF)
    assert (appointment.language, appointment.interpreter_language) == ("uk", "uk")
    assert seat.channel == Channel.STAFF
    event = AuditEvent.objects.get(
        action="appointments.appointment.booked", target_id=appointment.pk
    )
    assert event.actor is not None and event.data["channel"] == "staff"
    assert len(mailoutbox) == 1 and mailoutbox[0].extra_headers["Content-Language"] == "uk"
    # The slot is full now, also for staff.
    again = client.post(
        url(office, "book/"), booking_form(bookable["short"], day, email="x@example.org")
    )
    assert again.status_code == 400
    assert error_of(again, "time") == german(str(SlotUnavailable.message))


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"name": "Eve\x00"}, "name"),
        ({"email": "not-an-address"}, "email"),
        ({"email": "", "phone": ""}, "email"),
        ({"email": "", "phone": "12"}, "phone"),
        ({"time": "25:99"}, "time"),
        ({"time": "08:05"}, "time"),  # not the start of a unit
        ({"time": "07:00"}, "time"),  # before appointment hours
        ({"day": "31.02.2026"}, "day"),
        ({"day": "2999-01-01"}, "day"),
        ({"service": "987654"}, "service"),
        ({"service": "'; DROP TABLE appointments_seat; --"}, "service"),
        ({"persons": "0"}, "persons"),
        ({"persons": "50"}, "persons"),
        ({"persons": "3"}, "persons"),  # more than this service takes
        ({"language": "xx"}, "language"),
        ({"interpreter_language": "klingon"}, "interpreter_language"),
    ],
)
def test_staff_booking_refuses_bad_input_next_to_the_field(
    staff_client, office, bookable, day, changes, field
):
    client = staff_client(office, Role.FRONT_DESK)
    response = client.post(url(office, "book/"), booking_form(bookable["short"], day, **changes))
    assert response.status_code == 400
    assert error_of(response, field)
    with scopes_disabled():
        assert not Appointment.objects.exists()
        assert not Seat.objects.filter(appointment__isnull=False).exists()


def test_staff_booking_outside_the_window_and_twice_for_one_person(
    staff_client, office, bookable, day
):
    client = staff_client(office, Role.CALLBACK_AGENT)
    today = timezone.localdate()
    too_soon = client.post(url(office, "book/"), booking_form(bookable["short"], today))
    assert too_soon.status_code == 400 and error_of(too_soon, "time")
    first = client.post(url(office, "book/"), booking_form(bookable["short"], day, name="مريم"))
    assert first.status_code == 302
    twice = client.post(url(office, "book/"), booking_form(bookable["short"], day, "09:00"))
    assert twice.status_code == 400
    assert german("This person already has an active appointment for this service.") in (
        twice.content.decode()
    )
    with scopes_disabled():
        assert Appointment.objects.get().name == "مريم"


def test_caseworkers_cannot_book(staff_client, office, bookable, day):
    client = staff_client(office, Role.CASEWORKER)
    assert client.get(url(office, "book/")).status_code == 403
    assert (
        client.post(url(office, "book/"), booking_form(bookable["short"], day)).status_code == 403
    )
    with scopes_disabled():
        assert not Appointment.objects.exists()


# Moving and cancelling ---------------------------------------------------------------------------


def test_move_and_cancel_from_the_detail_page(
    staff_client, office, bookable, day, mailoutbox, django_capture_on_commit_callbacks
):
    appointment = book(office, bookable["short"], at(office, day, "08:00"), language="tr")
    client = staff_client(office, Role.FRONT_DESK)
    detail = url(office, f"{appointment.pk}/")
    with django_capture_on_commit_callbacks(execute=True):
        moved = client.post(
            detail, {"action": "move", "move-day": day.isoformat(), "move-time": "10:20"}
        )
    assert moved.status_code == 302 and moved["Location"] == detail
    with scopes_disabled():
        assert Appointment.objects.get(pk=appointment.pk).start == at(office, day, "10:20")
    assert mailoutbox[-1].extra_headers["Content-Language"] == "tr"
    # Bad moves change nothing and say why next to the field.
    for bad, field in (
        ({"move-day": day.isoformat(), "move-time": "10:25"}, "move-time"),
        ({"move-day": "yesterday", "move-time": "10:00"}, "move-day"),
        ({"move-day": day.isoformat(), "move-time": ""}, "move-time"),
        ({"move-day": timezone.localdate().isoformat(), "move-time": "10:00"}, "move-time"),
    ):
        response = client.post(detail, {"action": "move", **bad})
        assert response.status_code == 400, bad
        assert error_of(response, field)
    assert client.post(detail, {"action": "explode"}).status_code == 400
    with scopes_disabled():
        assert Appointment.objects.get(pk=appointment.pk).start == at(office, day, "10:20")
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = client.post(detail, {"action": "cancel"})
    assert cancelled.status_code == 302
    assert status_of(appointment) == Status.CANCELLED
    assert mailoutbox[-1].extra_headers["Content-Language"] == "tr"
    with translation.override("tr"):
        assert mailoutbox[-1].subject.startswith(translation.gettext(SUBJECTS["cancelled"]))
    again = client.post(detail, {"action": "cancel"})
    assert again.status_code == 400
    assert german("This appointment can no longer be changed.") in again.content.decode()


# Arrived and no-show ---------------------------------------------------------------------------


def test_arrival_and_no_show_only_for_confirmed_appointments_that_are_due(office, bookable, day):
    booked_at = at(office, day, "07:00") - timedelta(days=2)
    early = book(office, bookable["short"], at(office, day, "08:00"), now=booked_at)
    late = book(office, bookable["short"], at(office, day, "11:00"), name="Sara", now=booked_at)
    pending = book(
        office,
        bookable["short"],
        at(office, day, "09:00"),
        name="Pia",
        channel=Channel.ONLINE,
        now=booked_at,
    )
    with pytest.raises(NotChangeable):  # not today yet
        services.appointment_mark_arrived(
            appointment=early, now=at(office, day, "07:00") - timedelta(days=1), acting_user=COMMAND
        )
    with pytest.raises(NotChangeable):  # her time has not begun
        services.appointment_mark_no_show(
            appointment=early, now=at(office, day, "07:55"), acting_user=COMMAND
        )
    with pytest.raises(NotChangeable):  # never confirmed
        services.appointment_mark_arrived(
            appointment=pending, now=at(office, day, "08:55"), acting_user=COMMAND
        )
    services.appointment_mark_arrived(
        appointment=early, now=at(office, day, "07:55"), acting_user=COMMAND
    )
    assert early.status == Status.ARRIVED
    with pytest.raises(NotChangeable):  # arrived already
        services.appointment_mark_no_show(
            appointment=early, now=at(office, day, "08:30"), acting_user=COMMAND
        )
    services.appointment_mark_no_show(
        appointment=late, now=at(office, day, "11:20"), acting_user=COMMAND
    )
    assert late.status == Status.NO_SHOW
    assert list(
        AuditEvent.objects.filter(
            action__in=["appointments.appointment.arrived", "appointments.appointment.no_show"]
        )
        .order_by("pk")
        .values_list("action", "target_id")
    ) == [
        ("appointments.appointment.arrived", str(early.pk)),
        ("appointments.appointment.no_show", str(late.pk)),
    ]


def test_marking_through_the_detail_page_on_the_day(make_staff, office, bookable, day):
    booked_at = at(office, day, "07:00") - timedelta(days=2)
    here = book(office, bookable["short"], at(office, day, "08:00"), now=booked_at)
    away = book(office, bookable["short"], at(office, day, "08:10"), name="Sara", now=booked_at)
    user = make_staff(office, Role.FRONT_DESK)
    with time_machine.travel(at(office, day, "08:30"), tick=False):
        client = sign_in(Client(), user)
        detail = client.get(url(office, f"{here.pk}/"))
        actions = {i["value"] for i in page(detail).select("input[name=action]")}
        assert {"arrived", "no_show"} <= actions and "move" not in actions
        assert client.post(url(office, f"{here.pk}/"), {"action": "arrived"}).status_code == 302
        assert client.post(url(office, f"{away.pk}/"), {"action": "no_show"}).status_code == 302
        assert client.post(url(office, f"{away.pk}/"), {"action": "arrived"}).status_code == 400
        calendar = client.get(url(office, day=day.isoformat())).content.decode()
    assert (status_of(here), status_of(away)) == (Status.ARRIVED, Status.NO_SHOW)
    assert german("did not come") in calendar and german("arrived") in calendar


# Time blocks -------------------------------------------------------------------------------------


def released(office, first: datetime, last: datetime) -> dict[int, datetime]:
    with scopes_disabled():
        return dict(
            Seat.objects.filter(office=office, start__gte=first, start__lt=last).values_list(
                "pk", "released_at"
            )
        )


def test_a_block_takes_free_times_out_and_gives_them_back_exactly(
    staff_client, office, bookable, day
):
    inside = book(office, bookable["short"], at(office, day, "08:30"))
    before = released(office, at(office, day, "08:00"), at(office, day, "12:00"))
    client = staff_client(office, Role.FRONT_DESK)
    response = client.post(
        url(office, "blocks/"),
        {"day": day.isoformat(), "start_time": "08:00", "end_time": "09:00", "reason": "Team"},
    )
    assert response.status_code == 302
    with scopes_disabled():
        block = TimeBlock.objects.get()
    assert (block.start, block.end) == (at(office, day, "08:00"), at(office, day, "09:00"))
    free = free_starts(office, bookable["short"], channel=Channel.STAFF)
    assert not [t for t in free if block.start <= t < block.end]
    assert at(office, day, "09:00") in free
    with pytest.raises(SlotUnavailable):
        book(office, bookable["short"], at(office, day, "08:10"), name="Late")
    # The appointment booked before keeps its time; cancelling it does not reopen the seat.
    services.appointment_cancel(appointment=inside, now=timezone.now(), acting_user=COMMAND)
    later = timezone.now() + timedelta(hours=1)
    assert at(office, day, "08:30") not in free_starts(
        office, bookable["short"], channel=Channel.STAFF, now=later
    )
    calendar = calendar_selectors.day_calendar(office, day, now=timezone.now(), language="de")
    assert calendar.rows[0].capacity.blocked == 3 and calendar.blocks == [block]
    page_text = page(client.get(url(office, day=day.isoformat()))).get_text()
    assert "Team" in page_text
    removed = client.post(url(office, f"blocks/{block.pk}/delete/"))
    assert removed.status_code == 302
    assert released(office, at(office, day, "08:00"), at(office, day, "12:00")) == before
    assert at(office, day, "08:10") in free_starts(office, bookable["short"])
    actions = list(
        AuditEvent.objects.filter(action__startswith="appointments.time.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["appointments.time.blocked", "appointments.time.unblocked"]


def test_overlapping_blocks_release_only_what_no_block_covers(office, bookable, day):
    before = released(office, at(office, day, "08:00"), at(office, day, "12:00"))
    now = timezone.now()
    a = services.time_block_add(
        office=office,
        start=at(office, day, "08:00"),
        end=at(office, day, "10:00"),
        reason="",
        now=now,
        acting_user=COMMAND,
    )
    b = services.time_block_add(
        office=office,
        start=at(office, day, "09:00"),
        end=at(office, day, "11:00"),
        reason="",
        now=now,
        acting_user=COMMAND,
    )
    assert (a.seats, b.seats) == (36, 18)  # B shifts only what A had not
    services.time_block_remove(block=a.block, acting_user=COMMAND)
    free = set(free_starts(office, bookable["short"], channel=Channel.STAFF))
    assert at(office, day, "08:50") in free
    assert at(office, day, "09:00") not in free and at(office, day, "10:50") not in free
    assert services.time_block_remove(block=b.block, acting_user=COMMAND) == 36
    assert released(office, at(office, day, "08:00"), at(office, day, "12:00")) == before


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"end_time": "07:00"}, "end_time"),
        ({"start_time": "9"}, "start_time"),
        ({"day": "2020-01-01"}, "day"),
        ({"day": ""}, "day"),
        ({"reason": "x" * 201}, "reason"),
    ],
)
def test_bad_blocks_are_refused(staff_client, office, bookable, day, changes, field):
    client = staff_client(office, Role.FRONT_DESK)
    data = {
        "day": day.isoformat(),
        "start_time": "08:00",
        "end_time": "09:00",
        "reason": "",
        **changes,
    }
    response = client.post(url(office, "blocks/"), data)
    assert response.status_code == 400
    assert error_of(response, field)
    with scopes_disabled():
        assert not TimeBlock.objects.exists()
        assert not Seat.objects.filter(blocked=True).exists()


def test_blocks_of_other_offices_cannot_be_removed(
    staff_client, office, other_office, bookable, day
):
    make_bookable(other_office)
    foreign = services.time_block_add(
        office=other_office,
        start=at(office, day, "08:00"),
        end=at(office, day, "09:00"),
        reason="",
        now=timezone.now(),
        acting_user=COMMAND,
    )
    client = staff_client(office, Role.OFFICE_ADMIN)
    assert client.post(url(office, f"blocks/{foreign.block.pk}/delete/")).status_code == 404
    assert client.get(url(office, f"blocks/{foreign.block.pk}/delete/")).status_code == 405
    with scopes_disabled():
        assert TimeBlock.objects.filter(pk=foreign.block.pk).exists()


# Mass cancellation -----------------------------------------------------------------------------


CLIENTS = [
    # name, language, e-mail, time
    ("Lina Haddad", "ar", "lina@example.org", "08:00"),
    ("Ayşe Yılmaz", "tr", "ayse@example.org", "09:00"),
    ("Jonas Becker", "de", "jonas@example.org", "10:00"),
]


def test_mass_cancellation_tells_each_client_in_her_language(
    staff_client, office, bookable, day, mailoutbox, django_capture_on_commit_callbacks
):
    booked = [
        book(
            office,
            bookable["long"],
            at(office, day, hhmm),
            name=name,
            email=email,
            language=language,
        )
        for name, language, email, hhmm in CLIENTS
    ]
    by_phone = book(
        office,
        bookable["short"],
        at(office, day, "11:00"),
        name="Dara",
        phone="+4915112345678",
        language="fa",
    )
    next_day = free_starts(office, bookable["short"])
    other_day = next(t for t in next_day if t.astimezone(office.zone).date() > day)
    untouched = book(office, bookable["short"], other_day, name="Other Day")
    client = staff_client(office, Role.TEAM_LEAD)
    form = {"day": day.isoformat(), "start_time": "", "end_time": "", "reason": "illness"}
    preview = client.post(url(office, "cancel-day/"), form)
    assert preview.status_code == 200
    listed = page(preview).get_text()
    assert all(a.code in listed for a in [*booked, by_phone]) and untouched.code not in listed
    assert all(status_of(a) == Status.CONFIRMED for a in booked)  # a preview changes nothing

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url(office, "cancel-day/"), {**form, "confirm": "yes"})
    assert done.status_code == 200
    summary = page(done).select_one("#mass-cancel-summary").get_text(" ", strip=True)
    assert summary.startswith("4 ") and " 3 " in summary
    assert by_phone.code in page(done).get_text()  # to be called
    assert [status_of(a) for a in [*booked, by_phone]] == [Status.CANCELLED] * 4
    assert status_of(untouched) == Status.CONFIRMED
    assert not [
        t
        for t in free_starts(office, bookable["short"], channel=Channel.STAFF)
        if t.astimezone(office.zone).date() == day
    ]  # the day is blocked

    assert sorted(m.to[0] for m in mailoutbox) == sorted(email for _, _, email, _ in CLIENTS)
    for (name, language, email, _), appointment in zip(CLIENTS, booked, strict=True):
        mail = next(m for m in mailoutbox if m.to == [email])
        html = mail.alternatives[0].content
        assert mail.extra_headers["Content-Language"] == language
        alternatives = [
            t.astimezone(office.zone)
            for t in free_starts(office, bookable["long"])[: services.ALTERNATIVES_OFFERED]
        ]
        assert len(alternatives) == 3 and all(t.date() != day for t in alternatives)
        with translation.override(language):
            assert mail.subject.startswith(translation.gettext(SUBJECTS["cancelled_by_office"]))
            for expected in (
                translation.gettext("Hello %(name)s,") % {"name": name},
                translation.gettext("Booking code"),
                str(services.CANCELLATION_REASONS["illness"]),
                date_format(alternatives[0], "l"),
                f"{alternatives[0]:%H:%M}",
                appointment.code,
            ):
                assert expected in mail.body, (language, expected)
                assert expected in html, (language, expected)
    assert "رمز الحجز" in next(m for m in mailoutbox if m.to == ["lina@example.org"]).body
    assert "Buchungscode" in next(m for m in mailoutbox if m.to == ["jonas@example.org"]).body
    event = AuditEvent.objects.get(action="appointments.appointment.mass_cancelled")
    assert (event.data["cancelled"], event.data["notified"]) == (4, 3)


def test_mass_cancellation_of_a_time_range_leaves_the_rest(office, bookable, day):
    morning = book(office, bookable["short"], at(office, day, "08:00"))
    noon = book(office, bookable["short"], at(office, day, "11:00"), name="Noon")
    result = services.appointments_cancel_by_office(
        office=office,
        day=day,
        start_time=at(office, day, "10:00").time(),
        end_time=at(office, day, "12:00").time(),
        reason="closed",
        now=timezone.now(),
        acting_user=COMMAND,
    )
    assert [a.pk for a in result.cancelled] == [noon.pk]
    assert (status_of(morning), status_of(noon)) == (Status.CONFIRMED, Status.CANCELLED)
    assert (result.block.start, result.block.end) == (
        at(office, day, "10:00"),
        at(office, day, "12:00"),
    )


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"day": "2020-01-01"}, "day"),
        ({"day": "not a day"}, "day"),
        ({"start_time": "11:00", "end_time": "10:00"}, "end_time"),
        ({"reason": "because"}, "reason"),
        ({"reason": ""}, "reason"),
    ],
)
def test_mass_cancellation_refuses_bad_input(staff_client, office, bookable, day, changes, field):
    appointment = book(office, bookable["short"], at(office, day, "08:00"))
    client = staff_client(office, Role.OFFICE_ADMIN)
    data = {
        "day": day.isoformat(),
        "start_time": "",
        "end_time": "",
        "reason": "closed",
        **changes,
        "confirm": "yes",
    }
    response = client.post(url(office, "cancel-day/"), data)
    assert response.status_code == 400
    assert error_of(response, field)
    assert status_of(appointment) == Status.CONFIRMED
    with scopes_disabled():
        assert not TimeBlock.objects.exists()


def test_only_planners_cancel_a_day(staff_client, office, bookable, day):
    appointment = book(office, bookable["short"], at(office, day, "08:00"))
    client = staff_client(office, Role.FRONT_DESK)
    data = {"day": day.isoformat(), "reason": "closed", "confirm": "yes"}
    assert client.post(url(office, "cancel-day/"), data).status_code == 403
    assert status_of(appointment) == Status.CONFIRMED


# Rule changes and conflicts ----------------------------------------------------------------------


def rule_of(office, day: date) -> AvailabilityRule:
    with scopes_disabled():
        return AvailabilityRule.objects.get(office=office, weekday=day.weekday())


def test_ending_a_rule_keeps_booked_seats_and_lists_them_as_conflicts(
    staff_client, office, bookable, day
):
    kept = book(office, bookable["long"], at(office, day, "09:00"))
    rule = rule_of(office, day)
    client = staff_client(office, Role.OFFICE_ADMIN)
    assert page(client.get(url(office, "conflicts/"))).select_one("#no-conflicts")
    form = client.get(url(office, f"rules/{rule.pk}/"))
    assert form.status_code == 200
    response = client.post(
        url(office, f"rules/{rule.pk}/"), {"last_day": (day - timedelta(days=1)).isoformat()}
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.valid_until == day - timedelta(days=1)
    with scopes_disabled():
        remaining = Seat.objects.filter(rule=rule, start__gte=at(office, day, "00:00"))
        assert sorted(s.appointment_id for s in remaining) == [kept.pk] * 3  # 30 minutes
    assert status_of(kept) == Status.CONFIRMED
    assert not [
        t
        for t in free_starts(office, bookable["short"], channel=Channel.STAFF)
        if t.astimezone(office.zone).weekday() == day.weekday()
    ]
    conflicts = client.get(url(office, "conflicts/"))
    rows = page(conflicts).select("tbody tr")
    assert len(rows) == 1 and kept.code in rows[0].get_text()
    assert german("Its rule is no longer valid on this day.") in rows[0].get_text()
    event = AuditEvent.objects.get(action="appointments.rule.ended")
    assert event.data["kept"] == 3 and event.data["deleted"] > 0
    # Moving the appointment to a day a rule covers resolves the conflict.
    other = next(
        t
        for t in free_starts(office, bookable["long"])
        if t.astimezone(office.zone).weekday() != day.weekday()
    )
    services.appointment_reschedule(
        appointment=kept, start=other, now=timezone.now(), acting_user=COMMAND
    )
    assert calendar_selectors.appointment_conflicts(office, now=timezone.now(), language="de") == []


def test_conflicts_name_deleted_rules_moved_hours_and_closed_days(office, bookable, day):
    first = book(office, bookable["short"], at(office, day, "08:00"))
    late = book(office, bookable["short"], at(office, day, "11:30"), name="Late")
    rule = rule_of(office, day)
    with scopes_disabled():
        AvailabilityRule.objects.filter(pk=rule.pk).update(end=at(office, day, "11:00").time())
    now = timezone.now()
    found = {
        c.appointment.pk: c.reasons
        for c in calendar_selectors.appointment_conflicts(office, now=now, language="de")
    }
    assert found == {late.pk: ["rule_moved"]}
    closure_add(
        office=office, first_day=day, last_day=day, reason={"de": "Umzug"}, acting_user=COMMAND
    )
    found = {
        c.appointment.pk: c.reasons
        for c in calendar_selectors.appointment_conflicts(office, now=now, language="de")
    }
    assert found == {first.pk: ["closed"], late.pk: ["closed", "rule_moved"]}
    with scopes_disabled():
        rule.delete()
    found = {
        c.appointment.pk: c.reasons
        for c in calendar_selectors.appointment_conflicts(office, now=now, language="de")
    }
    assert found[first.pk] == ["closed", "rule_deleted"]


@pytest.mark.parametrize("last_day", ["2020-01-01", "soon", "", "2026-02-30"])
def test_ending_a_rule_refuses_bad_days(staff_client, office, bookable, day, last_day):
    rule = rule_of(office, day)
    with scopes_disabled():
        seats = Seat.objects.filter(rule=rule).count()
    client = staff_client(office, Role.OFFICE_ADMIN)
    response = client.post(url(office, f"rules/{rule.pk}/"), {"last_day": last_day})
    assert response.status_code == 400
    assert error_of(response, "last_day")
    rule.refresh_from_db()
    assert rule.valid_until is None
    with scopes_disabled():
        assert Seat.objects.filter(rule=rule).count() == seats


def test_a_rule_cannot_be_extended_by_ending_it_later(staff_client, office, bookable, day):
    rule = rule_of(office, day)
    services.availability_rule_end(rule=rule, last_day=day, now=timezone.now(), acting_user=COMMAND)
    client = staff_client(office, Role.OFFICE_ADMIN)
    response = client.post(
        url(office, f"rules/{rule.pk}/"), {"last_day": (day + timedelta(days=7)).isoformat()}
    )
    assert response.status_code == 400 and error_of(response, "last_day")
    rule.refresh_from_db()
    assert rule.valid_until == day


def test_front_desk_sees_conflicts_but_cannot_end_rules(staff_client, office, bookable, day):
    rule = rule_of(office, day)
    client = staff_client(office, Role.FRONT_DESK)
    assert client.get(url(office, "conflicts/")).status_code == 200
    assert client.get(url(office, f"rules/{rule.pk}/")).status_code == 403
    assert (
        client.post(url(office, f"rules/{rule.pk}/"), {"last_day": day.isoformat()}).status_code
        == 403
    )
    rule.refresh_from_db()
    assert rule.valid_until is None
