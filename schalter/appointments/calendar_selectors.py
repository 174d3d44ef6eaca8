"""Reads for the staff calendar: appointments and capacity of a day or week, time blocks, and
appointments that no rule covers any more. Every read is scoped to one office; times come back
in the office's zone."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_scopes import scope

from schalter.appointments.models import (
    ACTIVE_STATUSES,
    Appointment,
    AvailabilityRule,
    Channel,
    Seat,
    Status,
    TimeBlock,
)
from schalter.appointments.seats import SEAT_STATE_FIELDS, booked_seat_q, seat_state
from schalter.offices import selectors as office_selectors
from schalter.offices.localtime import local_date, local_midnight, local_time
from schalter.offices.models import Closure, Office
from schalter.offices.selectors import owned_by

# Statuses a calendar shows; cancelled and expired bookings hold no time.
SHOWN_STATUSES = (*ACTIVE_STATUSES, Status.ARRIVED, Status.NO_SHOW)


def day_bounds(office: Office, first_day: date, days: int = 1) -> tuple[datetime, datetime]:
    """The office's local midnights around these days, as aware datetimes."""
    return local_midnight(office, first_day), local_midnight(
        office, first_day + timedelta(days=days)
    )


@dataclass(frozen=True)
class CancellationWindow:
    """The time a mass cancellation covers: a day, or part of it, in the office's zone."""

    start: datetime  # as chosen (the day's start without a start time)
    end: datetime
    block_start: datetime  # the time block starts no earlier than now: the past needs none


def cancellation_window(
    office: Office, day: date, start_time: time | None, end_time: time | None, *, now: datetime
) -> CancellationWindow:
    """The one computation of a mass cancellation's time, for its preview and for the service
    (`services.appointments_cancel_by_office`), which refuses an empty or past window."""
    day_start, day_end = day_bounds(office, day)
    start = datetime.combine(day, start_time, tzinfo=office.zone) if start_time else day_start
    end = datetime.combine(day, end_time, tzinfo=office.zone) if end_time else day_end
    return CancellationWindow(start, end, max(start, now))


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def live(now: datetime) -> Q:
    """Appointments that still take time: not a hold or pending booking whose window ran out."""
    return Q(status__in=SHOWN_STATUSES) & ~Q(
        status__in=(Status.HELD, Status.PENDING), hold_expires_at__lt=now
    )


def appointment_get(office: Office, pk: int) -> Appointment:
    """An office's appointment by id: 404 alike for missing ones and other offices' ones."""
    return owned_by(office, Appointment, pk, "service", "office")


def cancellable_appointments(
    office: Office, start: datetime, end: datetime, *, now: datetime
) -> QuerySet[Appointment]:
    """Active appointments starting in [start, end) that can still be cancelled (not begun)."""
    return (
        Appointment.objects.filter(
            live(now),
            office=office,
            status__in=ACTIVE_STATUSES,
            start__gte=max(start, now),
            start__lt=end,
        )
        .select_related("service", "office")
        .order_by("start", "pk")
    )


@dataclass
class Capacity:
    """Seats of one slot unit (or a sum of them), by state."""

    total: int = 0
    booked: int = 0
    free_online: int = 0
    free_staff: int = 0
    blocked: int = 0
    withheld: int = 0  # not released yet, or in the anti-trading delay after a cancellation

    @property
    def free(self) -> int:
        return self.free_online + self.free_staff

    def add(self, other: "Capacity") -> None:
        for name in ("total", "booked", "free_online", "free_staff", "blocked", "withheld"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _count(capacity: Capacity, seat: dict[str, Any], now: datetime) -> None:
    state = seat_state(seat, now)
    capacity.total += 1
    if state == "free":
        if seat["channel"] == Channel.ONLINE:
            capacity.free_online += 1
        else:
            capacity.free_staff += 1
    else:
        setattr(capacity, state, getattr(capacity, state) + 1)


def _seats(
    office: Office, start: datetime, end: datetime, service_id: int | None
) -> list[dict[str, Any]]:
    seats = Seat.objects.filter(office=office, start__gte=start, start__lt=end)
    if service_id:
        seats = seats.filter(rule__services=service_id)
    fields = ("start", "channel", *SEAT_STATE_FIELDS)
    return [dict(seat) for seat in seats.values(*fields).order_by("start")]


def _appointments(
    office: Office, start: datetime, end: datetime, service_id: int | None, now: datetime
) -> list[Appointment]:
    found = Appointment.objects.filter(
        live(now), office=office, start__gte=start, start__lt=end
    ).select_related("service")
    if service_id:
        found = found.filter(service_id=service_id)
    return list(found.order_by("start", "pk"))


def blocks_between(office: Office, start: datetime, end: datetime) -> list[TimeBlock]:
    with scope(office=office):
        return list(
            TimeBlock.objects.filter(office=office, start__lt=end, end__gt=start).select_related(
                "created_by"
            )
        )


def upcoming_blocks(office: Office, now: datetime) -> list[TimeBlock]:
    with scope(office=office):
        return list(
            TimeBlock.objects.filter(office=office, end__gt=now).select_related("created_by")
        )


def time_block_get(office: Office, pk: int) -> TimeBlock:
    return owned_by(office, TimeBlock, pk)


@dataclass
class SlotRow:
    start: datetime  # local
    capacity: Capacity = field(default_factory=Capacity)
    appointments: list[Appointment] = field(default_factory=list)


@dataclass
class DayCalendar:
    day: date
    schedule: office_selectors.Day
    rows: list[SlotRow]
    totals: Capacity
    blocks: list[TimeBlock]
    appointment_count: int


def day_calendar(
    office: Office, day: date, *, now: datetime, language: str, service_id: int | None = None
) -> DayCalendar:
    """A day by slot unit: capacity per state, and the appointments that start in each unit."""
    start, end = day_bounds(office, day)
    rows: dict[datetime, SlotRow] = {}
    totals = Capacity()
    with scope(office=office):
        for seat in _seats(office, start, end, service_id):
            local = local_time(office, seat["start"])
            row = rows.setdefault(local, SlotRow(local))
            _count(row.capacity, seat, now)
            _count(totals, seat, now)
        appointments = _appointments(office, start, end, service_id, now)
    for appointment in appointments:
        local = local_time(office, appointment.start)
        rows.setdefault(local, SlotRow(local)).appointments.append(appointment)
    return DayCalendar(
        day=day,
        schedule=office_selectors.week_schedule(office, day, language, days=1)[0],
        rows=[rows[key] for key in sorted(rows)],
        totals=totals,
        blocks=blocks_between(office, start, end),
        appointment_count=len(appointments),
    )


@dataclass
class WeekCell:
    capacity: Capacity = field(default_factory=Capacity)
    appointments: int = 0


@dataclass
class WeekRow:
    time: time
    cells: list[WeekCell]


@dataclass
class WeekDay:
    schedule: office_selectors.Day
    totals: Capacity
    appointments: int


@dataclass
class WeekCalendar:
    first_day: date
    days: list[WeekDay]
    rows: list[WeekRow]


def week_calendar(
    office: Office,
    first_day: date,
    *,
    now: datetime,
    language: str,
    service_id: int | None = None,
) -> WeekCalendar:
    """Seven days from first_day: a grid of local unit times × days with capacity and the
    number of appointments that start there."""
    start, end = day_bounds(office, first_day, days=7)
    grid: dict[time, list[WeekCell]] = defaultdict(lambda: [WeekCell() for _ in range(7)])
    totals = [Capacity() for _ in range(7)]
    counts = [0] * 7
    with scope(office=office):
        for seat in _seats(office, start, end, service_id):
            local = local_time(office, seat["start"])
            offset = (local.date() - first_day).days
            _count(grid[local.time()][offset].capacity, seat, now)
            _count(totals[offset], seat, now)
        appointments = _appointments(office, start, end, service_id, now)
    for appointment in appointments:
        local = local_time(office, appointment.start)
        offset = (local.date() - first_day).days
        grid[local.time()][offset].appointments += 1
        counts[offset] += 1
    schedule = office_selectors.week_schedule(office, first_day, language, days=7)
    return WeekCalendar(
        first_day=first_day,
        days=[WeekDay(schedule[i], totals[i], counts[i]) for i in range(7)],
        rows=[WeekRow(key, grid[key]) for key in sorted(grid)],
    )


# Why a booked appointment no longer sits on a current rule.
CONFLICT_REASONS: dict[str, Promise] = {
    "rule_deleted": _("Its availability rule was deleted."),
    "rule_moved": _("Its rule no longer covers this weekday or time."),
    "rule_ended": _("Its rule is no longer valid on this day."),
    "service_removed": _("Its rule no longer offers this service."),
    "no_seat": _("It holds no capacity."),
    "closed": _("The office is closed on this day."),
}


@dataclass
class Conflict:
    appointment: Appointment
    reasons: list[str]

    @property
    def reason_texts(self) -> list[Promise]:
        return [CONFLICT_REASONS[reason] for reason in self.reasons]


def _seat_conflicts(seat: Seat, appointment: Appointment, zone: Any) -> set[str]:
    rule = seat.rule
    if rule is None:
        return {"rule_deleted"}
    local = seat.start.astimezone(zone)
    reasons = set()
    if local.weekday() != rule.weekday or not (rule.start <= local.time() < rule.end):
        reasons.add("rule_moved")
    if local.date() < rule.valid_from or (rule.valid_until and local.date() > rule.valid_until):
        reasons.add("rule_ended")
    if appointment.service_id not in {service.pk for service in rule.services.all()}:
        reasons.add("service_removed")
    return reasons


def appointment_conflicts(office: Office, *, now: datetime, language: str) -> list[Conflict]:
    """Active future appointments whose seats no current availability rule covers, or that fall
    on a closure or public holiday. Rule changes never drop them: staff move or cancel them."""
    zone = office.zone
    today = local_date(office, now)
    with scope(office=office):
        appointments = list(
            Appointment.objects.filter(
                live(now), office=office, status__in=ACTIVE_STATUSES, start__gt=now
            )
            .select_related("service")
            .prefetch_related(
                Prefetch(
                    "seats",
                    queryset=Seat.objects.select_related("rule").prefetch_related("rule__services"),
                )
            )
            .order_by("start", "pk")
        )
        closures = list(Closure.objects.filter(office=office, last_day__gte=today))
    conflicts = []
    for appointment in appointments:
        reasons: set[str] = set()
        seats = list(appointment.seats.all())
        if not seats:
            reasons.add("no_seat")
        for seat in seats:
            reasons |= _seat_conflicts(seat, appointment, zone)
        day = local_date(office, appointment.start)
        if office_selectors.public_holiday(office, day, language) or any(
            c.first_day <= day <= c.last_day for c in closures
        ):
            reasons.add("closed")
        if reasons:
            conflicts.append(Conflict(appointment, sorted(reasons)))
    return conflicts


def current_rules(office: Office, today: date) -> list[AvailabilityRule]:
    """Rules still valid today or later, with their services."""
    with scope(office=office):
        return list(
            AvailabilityRule.objects.filter(office=office)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
            .prefetch_related("services")
        )


def rule_get(office: Office, pk: int) -> AvailabilityRule:
    return owned_by(office, AvailabilityRule, pk, prefetch=("services",))


def rule_booked_seats_after(rule: AvailabilityRule, last_day: date, *, now: datetime) -> int:
    """How many booked seats of the rule lie after last_day: they would become conflicts."""
    cutoff = max(now, day_bounds(rule.office, last_day + timedelta(days=1))[0])
    with scope(office=rule.office):
        return Seat.objects.filter(booked_seat_q(now), rule=rule, start__gte=cutoff).count()
