"""The office's records as the planning core's inputs (docs/planning.md, "Calibration"): visits
from tickets and their calls, bookings kept or not, desks and the services each serves, opening
hours and availability rules. Reads only; times become minutes after the day's opening."""

from datetime import date, datetime, time, timedelta

from django_scopes import scope

from schalter.appointments.models import Appointment, AvailabilityRule, OfficeService, Status
from schalter.offices.localtime import local_date, local_midnight, local_time
from schalter.offices.models import Desk, Office, OpeningHours
from schalter.planning.calibration import BookingRecord, VisitRecord
from schalter.planning.optimiser import RuleSpec
from schalter.planning.simulator import DeskSpec
from schalter.visits.models import Priority, Ticket


def service_key(service_id: int | None, group_prefix: str = "") -> str:
    """The name a service goes by in the planning core: its id, or the queue's prefix for a
    ticket without a service."""
    return str(service_id) if service_id is not None else f"group {group_prefix}"


def opening_by_weekday(office: Office) -> dict[int, tuple[time, float]]:
    """Weekday → (opening time, minutes open from the first opening to the last closing)."""
    found: dict[int, tuple[time, time]] = {}
    with scope(office=office.pk):
        rows = list(OpeningHours.objects.filter(office=office))
    for hours in rows:
        opens, closes = found.get(hours.weekday, (hours.opens, hours.closes))
        found[hours.weekday] = (min(opens, hours.opens), max(closes, hours.closes))
    return {
        weekday: (opens, _minutes_between(opens, closes))
        for weekday, (opens, closes) in found.items()
    }


def _minutes_between(early: time, late: time) -> float:
    return (late.hour * 60 + late.minute) - (early.hour * 60 + early.minute)


def _after_opening(office: Office, moment: datetime, opens: time) -> float:
    local = local_time(office, moment)
    return (local.hour * 60 + local.minute + local.second / 60) - (opens.hour * 60 + opens.minute)


def visit_records(office: Office, first: date, last: date) -> list[VisitRecord]:
    """Every ticket of these days as a visit: arrival at issue or check-in, called at its first
    call (the call events' first `called`), finished when the desk finished it."""
    opening = opening_by_weekday(office)
    records = []
    with scope(office=office.pk):
        tickets = (
            Ticket.objects.filter(office=office, day__range=(first, last))
            .select_related("appointment", "group")
            .order_by("day", "created_at")
        )
        for t in tickets:
            opens = opening.get(t.day.weekday(), (time(8, 0), 0.0))[0]
            called = t.first_called_at
            appointment = t.appointment
            records.append(
                VisitRecord(
                    day=t.day,
                    service=service_key(t.service_id, t.group.prefix),
                    arrival=_after_opening(office, t.created_at, opens),
                    called=_after_opening(office, called, opens) if called else None,
                    finished=_after_opening(office, t.finished_at, opens)
                    if called and t.finished_at
                    else None,
                    appointment=_after_opening(office, appointment.start, opens)
                    if appointment
                    else None,
                    urgent=t.priority > Priority.NORMAL,
                )
            )
    return records


def booking_records(office: Office, first: date, last: date) -> list[BookingRecord]:
    """Appointments of these days that came or did not (cancelled ones never counted)."""
    opening = opening_by_weekday(office)
    records = []
    with scope(office=office.pk):
        for a in Appointment.objects.filter(
            office=office,
            status__in=(Status.ARRIVED, Status.NO_SHOW),
            start__gte=local_midnight(office, first),
            start__lt=local_midnight(office, last + timedelta(days=1)),
        ).order_by("start"):
            day = local_date(office, a.start)
            opens = opening.get(day.weekday(), (time(8, 0), 0.0))[0]
            records.append(
                BookingRecord(
                    day=day,
                    service=service_key(a.service_id),
                    start=_after_opening(office, a.start, opens),
                    kept=a.status == Status.ARRIVED,
                )
            )
    return records


def desk_specs(office: Office) -> tuple[DeskSpec, ...]:
    """The active desks with the services each serves (none: every service)."""
    with scope(office=office.pk):
        desks = Desk.objects.filter(office=office, active=True).prefetch_related("services")
        return tuple(
            DeskSpec(
                str(d.number),
                frozenset(str(s.pk) for s in d.services.all()) or None,
            )
            for d in desks.order_by("number")
        )


def rules_on(office: Office, day: date) -> list[AvailabilityRule]:
    """The availability rules in force on a day: today's plan."""
    with scope(office=office.pk):
        rules = AvailabilityRule.objects.filter(
            office=office, weekday=day.weekday(), valid_from__lte=day
        ).prefetch_related("services")
        return [r for r in rules if r.valid_until is None or r.valid_until >= day]


def rule_specs_on(office: Office, day: date) -> list[RuleSpec]:
    """Today's plan in the planning core's terms: the rules in force, minutes after opening."""
    opening = opening_by_weekday(office).get(day.weekday())
    if opening is None:
        return []
    opens = opening[0]
    return [
        RuleSpec(
            start_minute=int(_minutes_between(opens, r.start)),
            end_minute=int(_minutes_between(opens, r.end)),
            capacity_online=r.capacity_online,
            capacity_staff=r.capacity_staff,
            services=frozenset(str(s.pk) for s in r.services.all()),
        )
        for r in rules_on(office, day)
    ]


def slot_minutes_by_service(office: Office) -> dict[str, int]:
    """How long a booking of each offered service takes (OfficeService.duration_minutes)."""
    with scope(office=office.pk):
        return {
            str(o.service_id): o.duration_minutes
            for o in OfficeService.objects.filter(office=office, enabled=True)
        }
