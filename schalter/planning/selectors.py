"""The office's records as the planning core's inputs (docs/planning.md, "Calibration"): visits
from tickets and their calls, bookings kept or not, desks and the services each serves, opening
hours and availability rules. Reads only; times become minutes after the day's opening."""

import hashlib
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from django_scopes import scope

from schalter.appointments.models import Appointment, AvailabilityRule, OfficeService, Status
from schalter.offices.localtime import local_date, local_midnight, local_time
from schalter.offices.models import Desk, Office, OpeningHours
from schalter.planning.calibration import BookingRecord, VisitRecord, calibrate, scenario_from
from schalter.planning.optimiser import Plan, RuleSpec, booked, plan_from_rules, slot_starts
from schalter.planning.simulator import Appointments, DeskSpec, Scenario, ServiceTime, WalkIns
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


def service_names(office: Office, language: str | None) -> dict[str, str]:
    """The offered services' names in the planning core's terms (their ids as text)."""
    with scope(office=office.pk):
        return {
            str(o.service_id): o.service.name_in(language)
            for o in OfficeService.objects.filter(office=office).select_related("service")
        }


def rules_fingerprint(office: Office, weekday: int) -> str:
    """A digest of every availability rule of the weekday, past and future: a plan computed
    against other rules is stale."""
    with scope(office=office.pk):
        rules = AvailabilityRule.objects.filter(office=office, weekday=weekday).order_by("pk")
        text = ";".join(
            f"{r.pk},{r.start},{r.end},{r.capacity_online},{r.capacity_staff},{r.valid_from},"
            f"{r.valid_until},{sorted(s.pk for s in r.services.all())}"
            for r in rules.prefetch_related("services")
        )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


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


HISTORY_DAYS = 56  # eight weeks of records calibrate the what-if page
MIN_VISITS = 50  # fewer recorded visits: assumed demand instead (said on the page)
BOOKED_SHARE = 0.85  # with assumed demand, this share of today's slots is booked
ASSUMED_WALK_INS = (12.0, 8.0, 6.0, 5.0, 4.0, 4.0, 3.0, 2.0)  # per hour after opening
ASSUMED_WALK_IN_MINUTES = 10.0
WALK_IN = "walk-in"


@dataclass(frozen=True)
class Baseline:
    """The office's day as the planning page starts from it."""

    scenario: Scenario
    weekday: int
    opens: time
    calibrated: bool  # from the office's records, else assumed demand
    visits: int  # recorded visits it was calibrated on
    plan: Plan  # today's plan, from the rules in force


def office_baseline(office: Office, weekday: int, today: date) -> Baseline | None:
    """Today's plan on the weekday, with demand calibrated from the last eight weeks of records
    (or assumed when there are too few); None when the office is closed that weekday."""
    opening = opening_by_weekday(office).get(weekday)
    if opening is None:
        return None
    opens, minutes = opening
    desks = desk_specs(office) or (DeskSpec("1"),)
    durations = slot_minutes_by_service(office)
    day = today + timedelta(days=(weekday - today.weekday()) % 7)
    rules = rule_specs_on(office, day)
    plan = plan_from_rules(rules, durations, label="today")
    # A rule's seats are shared by its services: with assumed demand each service books its
    # part of them, not all of them.
    sharing = {
        service: max(len(r.services) for r in rules if service in r.services)
        for service in plan.services
    }
    first, last = today - timedelta(days=HISTORY_DAYS), today - timedelta(days=1)
    visits = visit_records(office, first, last)
    bookings = booking_records(office, first, last)
    assumed = {
        s: ServiceTime("lognormal", float(d), d / 2.0) for s, d in durations.items() if d > 0
    }
    if len(visits) >= MIN_VISITS:
        calibration = calibrate(visits, bookings, open_minutes=minutes)
        booked_starts = {
            s: [b.start for b in bookings if b.service == s and b.day.weekday() == weekday]
            for s in plan.services
        }
        weeks = max(1, calibration.days_by_weekday.get(weekday, 1))
        booked_starts = {  # a typical day's bookings: every `weeks`-th of them
            s: sorted(starts)[::weeks] for s, starts in booked_starts.items() if starts
        }
        scenario = scenario_from(
            calibration, weekday=weekday, desks=desks, booked_starts=booked_starts
        )
        times = {**assumed, **dict(scenario.service_times)}
        scenario = replace(scenario, service_times=times)
    else:
        appointments = []
        for service, service_plan in sorted(plan.services.items()):
            offered = slot_starts(service_plan, minutes)
            taken = booked(offered, int(len(offered) * BOOKED_SHARE / sharing[service]))
            if taken:
                appointments.append(Appointments(service, tuple(taken), no_show=0.1))
        scenario = Scenario(
            desks=desks,
            open_minutes=minutes,
            service_times={
                **assumed,
                WALK_IN: ServiceTime("lognormal", ASSUMED_WALK_IN_MINUTES, 5.0),
            },
            walk_ins=(WalkIns(WALK_IN, ASSUMED_WALK_INS),),
            appointments=tuple(appointments),
        )
    demand = {w.service for w in scenario.walk_ins} | {a.service for a in scenario.appointments}
    if any(not any(d.services is None or s in d.services for d in scenario.desks) for s in demand):
        scenario = replace(scenario, desks=tuple(replace(d, services=None) for d in scenario.desks))
    return Baseline(scenario, weekday, opens, len(visits) >= MIN_VISITS, len(visits), plan)
