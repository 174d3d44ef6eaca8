"""Availability invariants under random bookings, cancellations and the passing of time.

Each example runs a random sequence of operations through the service functions and, after
every step, checks the database against a plain model of the rules: no start holds more
appointments than it has seats, a live appointment holds exactly the units it needs, free_times
offers exactly the starts whose units are all free, and a booking succeeds exactly when the model
says it should.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.db import transaction
from django_scopes import scopes_disabled
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from schalter.accounts.actors import COMMAND
from schalter.appointments import selectors, services, slots
from schalter.appointments.errors import AlreadyBooked, OutsideWindow, SlotUnavailable
from schalter.appointments.models import (
    ACTIVE_STATUSES,
    Appointment,
    Channel,
    OfficeService,
    Seat,
    Status,
)
from schalter.catalog.models import Service
from schalter.offices.models import Office
from tests.conftest import make_bookable

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
START_NOW = datetime(2027, 6, 7, 7, 0, tzinfo=UTC)  # Monday 09:00 in Giessen, no holiday near
BOOKABLE_DAYS = (date(2027, 6, 8), date(2027, 6, 9))  # the window opens one day ahead
UNIT = 10  # BookingPolicy.slot_minutes default
SERVICES = ("short", "long", "odd")  # 10 min; 30 min up to 3 persons; 15 min up to 2 persons


@dataclass(frozen=True)
class World:
    office: Office
    offered: dict[str, OfficeService]


@pytest.fixture
def world(office):
    # Small capacity (one online and one staff seat per unit) so bookings collide often.
    with time_machine.travel(START_NOW, tick=False):
        catalogue = make_bookable(office, capacity_online=1, capacity_staff=1, days=0)
        odd = Service.objects.create(slug="fifteen-minutes", name={"de": "Viertelstunde"})
        services.office_service_set(
            office=office, service=odd, duration_minutes=15, max_persons=2, acting_user=COMMAND
        )
        with scopes_disabled():
            for rule in office.availability_rules.all():
                rule.services.add(odd)
        services.seats_generate(
            office=office, first_day=BOOKABLE_DAYS[0], last_day=BOOKABLE_DAYS[-1]
        )
        with scopes_disabled():
            offered = {
                name: OfficeService.objects.get(office=office, service=service)
                for name, service in (
                    ("short", catalogue["short"]),
                    ("long", catalogue["long"]),
                    ("odd", odd),
                )
            }
        yield World(office, offered)


# Operations

people = st.integers(0, 6)
spellings = st.sampled_from(["p{n}@example.com", "P{n}+abh@Example.COM", " p{n}+x@example.com"])
book_op = st.tuples(
    st.just("book"),
    st.sampled_from(SERVICES),
    st.sampled_from([BOOKABLE_DAYS[0]] * 3 + [BOOKABLE_DAYS[1]]),  # mostly one crowded day
    st.integers(15, 23),  # units from 10:30 to 11:50: crowded, and some run past the rule's end
    st.integers(1, 3),  # persons; above the service's maximum on purpose
    people,
    spellings,
    st.sampled_from([Channel.STAFF, Channel.ONLINE]),
)
book_offered_op = st.tuples(
    st.just("book_offered"),
    st.sampled_from(SERVICES),
    st.integers(1, 3),
    st.integers(0, 200),  # which offered time, modulo how many there are
    people,
    st.sampled_from([Channel.STAFF, Channel.ONLINE]),
)
cancel_op = st.tuples(st.just("cancel"), st.integers(0, 50))
# Time passes: unconfirmed holds last 60 minutes, cancelled seats return after 15.
advance_op = st.tuples(st.just("advance"), st.integers(1, 80))
# After each step one (service, persons, channel) is compared with free_times; all at the end.
probe = st.tuples(
    st.sampled_from(SERVICES), st.integers(1, 3), st.sampled_from([Channel.STAFF, Channel.ONLINE])
)
operations = st.lists(
    st.tuples(st.one_of(book_op, book_op, book_offered_op, cancel_op, advance_op), probe),
    min_size=4,
    max_size=12,
)


# A model of the rules, computed from plain rows


class SeatRow(NamedTuple):
    pk: int
    start: datetime
    channel: str
    appointment_id: int | None
    held_until: datetime | None
    released_at: datetime
    free_from: datetime | None


def seat_rows(**filters) -> list[SeatRow]:
    with scopes_disabled():
        return [
            SeatRow(*row)
            for row in Seat.objects.filter(**filters).values_list(*SeatRow._fields).order_by("pk")
        ]


def is_free(seat: SeatRow, now: datetime) -> bool:
    unheld = seat.appointment_id is None or (seat.held_until is not None and seat.held_until < now)
    returned = seat.free_from is None or seat.free_from <= now
    return unheld and seat.released_at <= now and returned


def channels_for(channel: str) -> set[str]:
    return {Channel.ONLINE} if channel == Channel.ONLINE else {Channel.ONLINE, Channel.STAFF}


def free_by_start(seats, now, channel) -> dict[datetime, int]:
    free: dict[datetime, int] = {}
    for seat in seats:
        if seat.channel in channels_for(channel) and is_free(seat, now):
            free[seat.start] = free.get(seat.start, 0) + 1
    return free


def needed_units(offered: OfficeService, persons: int) -> int:
    return slots.units_needed(
        duration_minutes=offered.duration_minutes, persons=persons, unit_minutes=UNIT
    )


def unit_times(start: datetime, count: int) -> list[datetime]:
    return [start + timedelta(minutes=UNIT * i) for i in range(count)]


def is_live(appointment: Appointment, now: datetime) -> bool:
    """Counts against capacity: confirmed, or waiting for confirmation within its window."""
    if appointment.status == Status.CONFIRMED:
        return True
    return appointment.status in (Status.HELD, Status.PENDING) and (
        appointment.hold_expires_at is not None and appointment.hold_expires_at >= now
    )


def expected_free_times(seats, offered, persons, channel, now) -> dict[datetime, int]:
    today = now.astimezone(BERLIN).date()
    first = max(BOOKABLE_DAYS[0], today + timedelta(days=offered.booking_window_start_days))
    last = min(BOOKABLE_DAYS[-1], today + timedelta(days=offered.booking_window_end_days))
    free = free_by_start(seats, now, channel)
    count = needed_units(offered, persons)
    expected = {}
    for start in free:
        fits = min(free.get(unit, 0) for unit in unit_times(start, count))
        if fits > 0 and start > now and first <= start.astimezone(BERLIN).date() <= last:
            expected[start] = fits
    return expected


def offered_times(world, offered, persons, channel, now) -> dict[datetime, int]:
    cache.clear()  # free_times may be a second stale by design; the model is not
    times = selectors.free_times(
        world.office,
        offered,
        BOOKABLE_DAYS[0],
        BOOKABLE_DAYS[-1],
        now=now,
        persons=persons,
        channel=channel,
    )
    assert [t.start for t in times] == sorted(t.start for t in times)
    return {t.start: t.available for t in times}


def check_invariants(world: World, now: datetime, probes=None) -> None:
    seats = seat_rows()
    with scopes_disabled():
        appointments = list(Appointment.objects.filter(office=world.office))
    by_service = {o.service_id: o for o in world.offered.values()}
    seats_at: dict[datetime, list[SeatRow]] = {}
    for seat in seats:
        seats_at.setdefault(seat.start, []).append(seat)

    # A live appointment holds exactly the units it needs: one seat at each, in its channels.
    covering: dict[datetime, int] = {}
    covering_online: dict[datetime, int] = {}
    for appointment in appointments:
        held = [seat for seat in seats if seat.appointment_id == appointment.pk]
        if not is_live(appointment, now):
            if appointment.status == Status.CANCELLED:
                assert held == []
            else:  # a lapsed or expired hold may still point at seats, but they are free
                assert all(is_free(seat, now) for seat in held)
            continue
        units = unit_times(
            appointment.start, needed_units(by_service[appointment.service_id], appointment.persons)
        )
        assert sorted(seat.start for seat in held) == units
        assert {seat.channel for seat in held} <= channels_for(appointment.channel)
        for seat in held:
            assert seat.held_until == appointment.hold_expires_at
            assert not is_free(seat, now)
        for unit in units:
            covering[unit] = covering.get(unit, 0) + 1
            if appointment.channel == Channel.ONLINE:
                covering_online[unit] = covering_online.get(unit, 0) + 1

    # Never overbooked: at no start more live appointments than seats (online: online seats).
    for unit, count in covering.items():
        assert count <= len(seats_at.get(unit, []))
    for unit, count in covering_online.items():
        assert count <= len([s for s in seats_at.get(unit, []) if s.channel == Channel.ONLINE])

    # free_times offers exactly the starts whose consecutive units are all free.
    if probes is None:  # every service, number of persons and channel
        probes = [
            (name, persons, channel)
            for name, offered in world.offered.items()
            for persons in range(1, offered.max_persons + 1)
            for channel in (Channel.ONLINE, Channel.STAFF)
        ]
    for name, persons, channel in probes:
        offered = world.offered[name]
        persons = min(persons, offered.max_persons)
        assert offered_times(world, offered, persons, channel, now) == expected_free_times(
            seats, offered, persons, channel, now
        )


def seat_snapshot():
    return seat_rows()


def book(world, now, name, start, persons, person, spelling, channel):
    """Book and compare the outcome with the model's prediction."""
    offered = world.offered[name]
    email = spelling.format(n=person)
    with scopes_disabled():
        same_person_live = any(
            is_live(a, now)
            for a in Appointment.objects.filter(
                office=world.office,
                service=offered.service,
                email_normalised=f"p{person}@example.com",
            )
        )
    free = free_by_start(seat_rows(), now, channel)
    if persons > offered.max_persons:
        expected = OutsideWindow
    elif same_person_live:
        expected = AlreadyBooked
    elif all(free.get(u, 0) > 0 for u in unit_times(start, needed_units(offered, persons))):
        expected = None
    else:
        expected = SlotUnavailable
    before = seat_snapshot()
    with scopes_disabled():
        appointments_before = Appointment.objects.count()
    try:
        booked = services.appointment_book(
            office=world.office,
            service=offered.service,
            start=start,
            name=f"Person {person}",
            email=email,
            persons=persons,
            channel=channel,
            now=now,
            acting_user=COMMAND,
        )
    except (OutsideWindow, AlreadyBooked, SlotUnavailable) as refused:
        event(f"booking refused: {type(refused).__name__}")  # --hypothesis-show-statistics
        assert type(refused) is expected
        # No partial booking left behind.
        assert seat_snapshot() == before
        with scopes_disabled():
            assert Appointment.objects.count() == appointments_before
        return
    event(f"booked: {channel}")
    assert expected is None
    appointment = booked.appointment
    assert appointment.email_normalised == f"p{person}@example.com"
    assert appointment.status == (Status.PENDING if channel == Channel.ONLINE else Status.CONFIRMED)
    assert appointment.end - appointment.start == timedelta(
        minutes=offered.duration_minutes * persons
    )


def cancel(world, now, pick):
    with scopes_disabled():
        cancellable = list(
            Appointment.objects.filter(
                office=world.office, status__in=ACTIVE_STATUSES, start__gt=now
            ).order_by("pk")
        )
    if not cancellable:
        return
    appointment = cancellable[pick % len(cancellable)]
    with scopes_disabled():
        held = list(Seat.objects.filter(appointment=appointment).values_list("pk", flat=True))
    services.appointment_cancel(appointment=appointment, now=now, notify=False, acting_user=COMMAND)
    assert appointment.status == Status.CANCELLED
    released = seat_rows(pk__in=held)
    # Against appointment trading, a cancelled seat is not free again at once.
    for seat in released:
        assert seat.appointment_id is None
        assert seat.free_from == now + timedelta(minutes=15)
        assert not is_free(seat, now)


# The database is shared by the examples of one test: each runs in a savepoint rolled back at
# its end, so function-scoped fixtures (the office and its seats) are safe to reuse.
@settings(
    max_examples=20,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=operations)
def test_random_bookings_and_cancellations_never_break_availability(world, steps):
    now = START_NOW
    with transaction.atomic():
        check_invariants(world, now)
        for step, probed in steps:
            kind, *args = step
            if kind == "book":
                name, day, unit, persons, person, spelling, channel = args
                start = datetime.combine(day, time(8), tzinfo=BERLIN) + timedelta(
                    minutes=UNIT * unit
                )
                book(world, now, name, start, persons, person, spelling, channel)
            elif kind == "book_offered":
                name, persons, pick, person, channel = args
                offered = world.offered[name]
                persons = min(persons, offered.max_persons)
                times = sorted(offered_times(world, offered, persons, channel, now))
                if times:
                    start = times[pick % len(times)]
                    # What is offered can be booked (unless this person already has one).
                    book(world, now, name, start, persons, person, "p{n}@example.com", channel)
            elif kind == "cancel":
                cancel(world, now, *args)
            else:
                now += timedelta(minutes=args[0])
            check_invariants(world, now, probes=[probed])
        check_invariants(world, now)
        transaction.set_rollback(True)


def test_an_offered_start_stops_being_offered_when_its_last_seat_is_taken(world):
    now = START_NOW
    short = world.offered["short"]
    start = datetime.combine(BOOKABLE_DAYS[0], time(9), tzinfo=BERLIN)
    assert offered_times(world, short, 1, Channel.STAFF, now)[start] == 2
    assert offered_times(world, short, 1, Channel.ONLINE, now)[start] == 1
    services.appointment_book(
        office=world.office,
        service=short.service,
        start=start,
        name="Jane",
        email="jane@example.com",
        channel=Channel.STAFF,
        now=now,
        acting_user=COMMAND,
    )
    # Staff bookings use the staff seat first and leave the online seat to the public.
    assert offered_times(world, short, 1, Channel.ONLINE, now)[start] == 1
    assert offered_times(world, short, 1, Channel.STAFF, now)[start] == 1
    services.appointment_book(
        office=world.office,
        service=short.service,
        start=start,
        name="John",
        email="john@example.com",
        now=now,
        acting_user=COMMAND,
    )
    assert start not in offered_times(world, short, 1, Channel.ONLINE, now)
    assert start not in offered_times(world, short, 1, Channel.STAFF, now)
    # The 30-minute service starting 20 minutes earlier needs this unit too.
    long = world.offered["long"]
    assert start - timedelta(minutes=20) not in offered_times(world, long, 1, Channel.STAFF, now)
    assert start - timedelta(minutes=30) in offered_times(world, long, 1, Channel.STAFF, now)
    check_invariants(world, now)


def test_a_cancelled_seat_returns_only_after_the_delay(world):
    now = START_NOW
    short = world.offered["short"]
    start = datetime.combine(BOOKABLE_DAYS[0], time(9), tzinfo=BERLIN)
    booked = services.appointment_book(
        office=world.office,
        service=short.service,
        start=start,
        name="Jane",
        email="jane@example.com",
        now=now,
        acting_user=COMMAND,
    )
    assert start not in offered_times(world, short, 1, Channel.ONLINE, now)
    services.appointment_cancel(
        appointment=booked.appointment, now=now, notify=False, acting_user=COMMAND
    )
    for minutes, offered in ((0, False), (14, False), (15, True)):
        later = now + timedelta(minutes=minutes)
        assert (start in offered_times(world, short, 1, Channel.ONLINE, later)) is offered
        check_invariants(world, later)


def test_an_unconfirmed_hold_lapses_after_the_activation_window(world):
    now = START_NOW
    short = world.offered["short"]
    start = datetime.combine(BOOKABLE_DAYS[0], time(9), tzinfo=BERLIN)
    services.appointment_book(
        office=world.office,
        service=short.service,
        start=start,
        name="Jane",
        email="jane@example.com",
        now=now,
        acting_user=COMMAND,
    )
    assert start not in offered_times(world, short, 1, Channel.ONLINE, now + timedelta(minutes=60))
    later = now + timedelta(minutes=61)
    assert start in offered_times(world, short, 1, Channel.ONLINE, later)
    # The same person may book again once her unconfirmed booking has lapsed.
    services.appointment_book(
        office=world.office,
        service=short.service,
        start=start,
        name="Jane",
        email="Jane+again@example.com",
        now=later,
        acting_user=COMMAND,
    )
    check_invariants(world, later)
