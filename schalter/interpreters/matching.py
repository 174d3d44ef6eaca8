"""Who should interpret: a pure ranking over the candidates (no database; the service in
interpreters/services.py loads them and proposes the first). Times are the office's wall clock.

Eligible: she offers the language (or the dialect asked for), the mode, serves the office, is
available (weekly window or a dated exception that adds time, and no dated absence), and is free,
counting the drive from an assignment at another office. Ranked by: the closer language match
first, then the lower cost (the fee estimate with travel), then the fairer spread (fewer hours
already assigned this month), then her id, so equal candidates come in a stable order."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from schalter.interpreters.fees import billed_hours
from schalter.interpreters.languages import serves

ON_SITE = "on_site"
# No routing service is reachable: a drive is estimated from the distances at this speed.
KM_PER_HOUR = Decimal(50)


@dataclass(frozen=True)
class Need:
    office_id: int
    language: str
    mode: str
    start: datetime  # local wall clock, naive
    end: datetime


@dataclass(frozen=True)
class Busy:
    """One of her assignments that holds time."""

    office_id: int
    mode: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Candidate:
    interpreter_id: int
    languages: tuple[str, ...]
    modes: tuple[str, ...]
    distance_km: dict[int, Decimal]  # office id → km, for the offices she serves
    weekly: tuple[tuple[int, time, time], ...]  # (weekday, start, end)
    away: tuple[tuple[date, time | None, time | None], ...] = ()
    extra: tuple[tuple[date, time | None, time | None], ...] = ()  # dated availability
    busy: tuple[Busy, ...] = ()
    minutes_this_month: int = 0
    hourly: Decimal = Decimal(93)
    per_km: Decimal = Decimal("0.42")
    declined: frozenset[int] = field(default_factory=frozenset)  # assignment ids she declined


def drive_minutes(km: Decimal) -> int:
    return int((km * 60 / KM_PER_HOUR).to_integral_value())


def _covers(day: date, start: time | None, end: time | None, need: Need) -> bool:
    """Whether a dated entry (no times: all day) covers the need."""
    if day != need.start.date():
        return False
    if start is None or end is None:
        return True
    return start <= need.start.time() and need.end.time() <= end and need.end.date() == day


def _touches(day: date, start: time | None, end: time | None, need: Need) -> bool:
    if start is None or end is None:
        return need.start.date() <= day <= need.end.date()
    begins, ends = datetime.combine(day, start), datetime.combine(day, end)
    return begins < need.end and need.start < ends


def available(candidate: Candidate, need: Need) -> bool:
    if any(_touches(day, start, end, need) for day, start, end in candidate.away):
        return False
    if any(_covers(day, start, end, need) for day, start, end in candidate.extra):
        return True
    if need.end.date() != need.start.date() and need.end.time() != time.min:
        return False  # weekly windows lie within a day
    end_time = time.max if need.end.time() == time.min else need.end.time()
    return any(
        weekday == need.start.weekday() and start <= need.start.time() and end_time <= end
        for weekday, start, end in candidate.weekly
    )


def gap_needed(candidate: Candidate, need: Need, other: Busy) -> timedelta:
    """Time between two assignments: a drive when both are on site at different offices."""
    if need.mode != ON_SITE or other.mode != ON_SITE or other.office_id == need.office_id:
        return timedelta(0)
    there = candidate.distance_km.get(need.office_id, Decimal(0))
    back = candidate.distance_km.get(other.office_id, Decimal(0))
    return timedelta(minutes=drive_minutes(there + back))  # via her base: an upper bound


def free(candidate: Candidate, need: Need) -> bool:
    for other in candidate.busy:
        gap = gap_needed(candidate, need, other)
        if other.start - gap < need.end and need.start < other.end + gap:
            return False
    return True


def estimated_cost(candidate: Candidate, need: Need) -> Decimal:
    """The fee she would earn, with the drive there and back for on-site work."""
    minutes = int((need.end - need.start).total_seconds() // 60)
    km = Decimal(0)
    if need.mode == ON_SITE:
        km = 2 * candidate.distance_km.get(need.office_id, Decimal(0))
        minutes += 2 * drive_minutes(km / 2)
    return billed_hours(minutes) * candidate.hourly + km * candidate.per_km


def eligible(candidate: Candidate, need: Need, assignment_id: int | None = None) -> bool:
    return (
        assignment_id not in candidate.declined
        and serves(need.language, list(candidate.languages)) > 0
        and need.mode in candidate.modes
        and need.office_id in candidate.distance_km  # the offices she serves, in every mode
        and available(candidate, need)
        and free(candidate, need)
    )


def rank(
    candidates: Iterable[Candidate], need: Need, assignment_id: int | None = None
) -> list[Candidate]:
    """The eligible candidates, best first."""
    chosen = [c for c in candidates if eligible(c, need, assignment_id)]
    return sorted(
        chosen,
        key=lambda c: (
            -serves(need.language, list(c.languages)),
            estimated_cost(c, need),
            c.minutes_this_month,
            c.interpreter_id,
        ),
    )
