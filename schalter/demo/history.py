"""A few weeks of past office days for the demo offices (docs/planning.md, "The demo history"):
kept and missed appointments (early and late arrivals), walk-in tickets peaking in the first hour,
lognormal service times, each ticket with its call and finish events. The planning page and
`manage.py plan_optimise` calibrate on it.

The days come from a known process run through the planning core's own history generator
(`planning/history.py`), deterministic by seed. The visits and appointments services take no
explicit past times (they stamp `now`), so this demo data loader is the ONE place that writes
`Ticket`, `CallEvent` and `Appointment` rows with the model managers directly, in bulk: a few
seconds for all offices and eight weeks. It is a loader of demonstration data, not app code;
nothing else may write these models this way.

The process: each weekday's appointments are those today's availability rules give (the first
services they name, booked evenly), with 12 % no-shows and arrivals N(−4, 6) minutes around the
start; walk-ins for the counter queue (prefix "A") arrive at a rate that peaks in the first hour
after opening and falls off, scaled to the office's desks, and served at only some of them
(STAFFED_SHARE: a desk needs a person), so the morning queue builds up and drains (waits of a few
to some forty minutes). Each day the staffed desks are opened and closed (`DeskSession`, for
tickets per desk hour) and each ticket carries the expected wait a client is told on issue
(`predicted_wait_minutes`: the real wait give or take a few minutes), as the live queue does."""

from __future__ import annotations

import math
import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django_scopes import scope

from schalter.accounts.models import Membership
from schalter.appointments.codes import CODE_ALPHABET, CODE_LENGTH
from schalter.appointments.models import Appointment, Channel, Status
from schalter.offices.localtime import local_midnight
from schalter.offices.models import Desk, Office
from schalter.planning import selectors
from schalter.planning.calibration import VisitRecord
from schalter.planning.history import history_generate
from schalter.planning.optimiser import booked, plan_from_rules, slot_starts
from schalter.planning.simulator import (
    Appointments,
    DeskSpec,
    Punctuality,
    Scenario,
    ServiceTime,
    WalkIns,
)
from schalter.tokens import token_hash
from schalter.visits.models import (
    CallEvent,
    CallKind,
    DeskSession,
    Outcome,
    Priority,
    ServiceGroup,
    Ticket,
    TicketState,
)

# Walk-ins per hour after opening, per desk: the morning peak of a residence office.
WALK_IN_PROFILE = (5.0, 2.0, 1.2, 1.0, 0.8, 0.7, 0.6, 0.6, 0.5, 0.5, 0.4)
WALK_IN_TIME = ServiceTime("lognormal", 9.0, 5.0)
APPOINTMENT_SERVICES = 3  # the first services of today's rules that are booked
BOOKED_SHARE = 0.5  # of the seats today's rules offer each of them
NO_SHOW = 0.12
PUNCTUALITY = Punctuality(mean_minutes=-4.0, sd_minutes=6.0)
STAFFED_SHARE = 0.75  # of the active desks, staffed on a history day
ESTIMATE_SD_MINUTES = 4.0  # how far the expected wait told on issue misses the real one
MAX_OPEN_MINUTES = 12 * 60  # the practice office, open around the clock, gets no history
NAMES = ("Olena K.", "Mehmet D.", "Ahmad K.", "Ioana P.", "Lina H.", "Tomasz W.", "Amina B.")


def _moment(office: Office, day: date, opens: time, minutes: float) -> datetime:
    start = local_midnight(office, day) + timedelta(hours=opens.hour, minutes=opens.minute)
    return start + timedelta(minutes=minutes)


def staffed(count: int) -> int:
    """How many of `count` active desks are staffed on a history day (the first ones)."""
    return max(1, math.ceil(count * STAFFED_SHARE)) if count else 0


def _scenarios(office: Office, today: date) -> dict[int, Scenario]:
    """Each open weekday's true process."""
    desks = selectors.desk_specs(office)
    durations = selectors.slot_minutes_by_service(office)
    found: dict[int, Scenario] = {}
    for weekday, (_opens, minutes) in selectors.opening_by_weekday(office).items():
        if minutes > MAX_OPEN_MINUTES or not desks:
            continue
        day = today + timedelta(days=(weekday - today.weekday()) % 7)
        plan = plan_from_rules(selectors.rule_specs_on(office, day), durations)
        appointments = []
        for service in sorted(plan.services, key=int)[:APPOINTMENT_SERVICES]:
            offered = slot_starts(plan.services[service], minutes)
            taken = booked(offered, int(len(offered) * BOOKED_SHARE))
            if taken:
                appointments.append(
                    Appointments(service, tuple(taken), no_show=NO_SHOW, punctuality=PUNCTUALITY)
                )
        times = {
            s: ServiceTime("lognormal", float(durations[s]), durations[s] / 2.0)
            for s in plan.services
        }
        hours = -(-int(minutes) // 60)
        rates = tuple(WALK_IN_PROFILE[min(h, len(WALK_IN_PROFILE) - 1)] * len(desks) for h in
                      range(hours))  # fmt: skip
        found[weekday] = Scenario(
            desks=tuple(DeskSpec(d.name) for d in desks[: staffed(len(desks))]),
            open_minutes=minutes,
            service_times={**times, "walk-in": WALK_IN_TIME},
            walk_ins=(WalkIns("walk-in", rates, urgent_share=0.05),),
            appointments=tuple(appointments),
        )
    return found


@transaction.atomic
def history_seed(office: Office, *, today: date, weeks: int = 8, seed: int = 1) -> int:
    """`weeks` weeks of past days before `today`; returns the tickets written."""
    scenarios = _scenarios(office, today)
    if not scenarios or weeks <= 0:
        return 0
    opening = selectors.opening_by_weekday(office)
    first = today - timedelta(days=7 * weeks)
    visits, bookings = history_generate(
        lambda day: scenarios.get(day.weekday()), first=first, days=7 * weeks, seed=seed
    )
    rng = random.Random(f"demo-history/{office.slug}/{seed}")
    with scope(office=office.pk):
        groups = {g.prefix: g for g in ServiceGroup.objects.filter(office=office)}
        desks = list(Desk.objects.filter(office=office, active=True).order_by("number"))
        desks = desks[: staffed(len(desks))]
        group = groups.get("A") or next(iter(groups.values()), None)
        if group is None or not desks:
            return 0
        people = list(
            Membership.objects.filter(office=office).order_by("pk").values_list("user", flat=True)
        )

        def appointment(service: str, day: date, start: float, status: str) -> Appointment:
            opens = opening[day.weekday()][0]
            begins = _moment(office, day, opens, start)
            return Appointment(
                office=office,
                service_id=int(service),
                code="".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)),
                status=status,
                channel=Channel.ONLINE,
                start=begins,
                end=begins
                + timedelta(minutes=scenarios[day.weekday()].service_times[service].mean_minutes),
                name=rng.choice(NAMES),
                email="history@demo.schalter.example",
                email_normalised="history@demo.schalter.example",
            )

        kept: list[tuple[VisitRecord, Appointment]] = []
        appointments = []
        for v in visits:
            if v.appointment is not None:
                a = appointment(v.service, v.day, v.appointment, Status.ARRIVED)
                kept.append((v, a))
                appointments.append(a)
        appointments += [
            appointment(b.service, b.day, b.start, Status.NO_SHOW) for b in bookings if not b.kept
        ]
        Appointment.objects.bulk_create(appointments, batch_size=500)
        by_visit = {id(v): a for v, a in kept}
        numbers: dict[date, int] = {}
        tickets, calls = [], []
        for v in visits:
            opens = opening[v.day.weekday()][0]
            number = numbers[v.day] = numbers.get(v.day, 0) + 1
            called = _moment(office, v.day, opens, v.called) if v.called is not None else None
            finished = _moment(office, v.day, opens, v.finished) if v.finished is not None else None
            desk = desks[rng.randrange(len(desks))]
            a = by_visit.get(id(v))
            told = None
            if v.wait is not None:
                told = max(0, round(v.wait + rng.gauss(0.0, ESTIMATE_SD_MINUTES)))
            tickets.append(
                Ticket(
                    office=office,
                    group=group,
                    number=number,
                    code=f"{group.prefix}-{number:03d}",
                    day=v.day,
                    state=TicketState.DONE if finished else TicketState.MISSED,
                    priority=Priority.URGENT if v.urgent else Priority.NORMAL,
                    appointment=a,
                    service_id=a.service_id if a else None,
                    token_hash=token_hash(f"demo-history/{office.slug}/{v.day}/{number}/{seed}"),
                    desk=desk if called else None,
                    created_at=_moment(office, v.day, opens, v.arrival),
                    first_called_at=called,
                    called_at=called,
                    started_at=called,
                    finished_at=finished,
                    call_count=1 if called else 0,
                    predicted_wait_minutes=told,
                    outcome=Outcome.COMPLETED if finished else "",
                )
            )
        Ticket.objects.bulk_create(tickets, batch_size=500)
        for t in tickets:
            if t.first_called_at:
                calls.append(CallEvent(office=office, ticket=t, desk=t.desk, kind=CallKind.CALL,
                                       at=t.first_called_at))  # fmt: skip
            if t.finished_at:
                calls.append(CallEvent(office=office, ticket=t, desk=t.desk, kind=CallKind.FINISH,
                                       at=t.finished_at))  # fmt: skip
        CallEvent.objects.bulk_create(calls, batch_size=1000)
        DeskSession.objects.bulk_create(_sessions(office, desks, people, visits, opening, rng))
    return len(tickets)


def _sessions(
    office: Office,
    desks: list[Desk],
    people: list[int],
    visits: list[VisitRecord],
    opening: dict[int, tuple[time, float]],
    rng: random.Random,
) -> list[DeskSession]:
    """Each history day's staffed desks, opened a few minutes before opening by one of the
    office's staff each and closed when the day's last client is done (at least at closing)."""
    if not people:
        return []
    last: dict[date, float] = {}
    for v in visits:
        last[v.day] = max(last.get(v.day, 0.0), v.finished or v.called or v.arrival)
    sessions = []
    for day, done in sorted(last.items()):
        opens, minutes = opening[day.weekday()]
        for k, desk in enumerate(desks):
            sessions.append(
                DeskSession(
                    office=office,
                    desk=desk,
                    user_id=people[k % len(people)],
                    started_at=_moment(office, day, opens, -rng.uniform(2, 10)),
                    ended_at=_moment(office, day, opens, max(done, minutes) + rng.uniform(2, 15)),
                )
            )
    return sessions
