"""When a callback is due: the office's promise applied to the moment the message came in, free of
the database. The office's days (opening periods, public holidays, closures) come from
`offices.selectors.week_schedule` as `Day`s through `day_of`; `selectors.deadline_for` wires the
two together. Invariants (tests/callbacks/test_deadlines.py): a deadline falls in an opening period
of a working day, is never earlier than the message, and a later message is never due earlier."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from schalter.offices.selectors import Day

# How far ahead a working day is looked for; an office open on no day in a year has no deadline.
HORIZON_DAYS = 400


@dataclass(frozen=True)
class Promise:
    """What the office promises its callers (CallbackPolicy): by the close of the `working_days`th
    working day after the day of the message ("working_days", 1: "by the end of the next working
    day"; 0: the same day if it is a working day and the office has not yet closed), or within
    `hours` of opening time ("opening_hours")."""

    kind: str = "working_days"
    working_days: int = 1
    hours: int = 8


def _periods(day: date, day_of: Callable[[date], Day], zone) -> list[tuple[datetime, datetime]]:
    """The day's opening periods in order, overlapping ones merged; none on a closed day."""
    found = day_of(day)
    if not found.is_open:
        return []
    merged: list[tuple[datetime, datetime]] = []
    for period in sorted(found.periods, key=lambda p: (p.opens, p.closes)):
        opens = datetime.combine(day, period.opens, tzinfo=zone)
        closes = datetime.combine(day, period.closes, tzinfo=zone)
        if merged and opens <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], closes))
        else:
            merged.append((opens, closes))
    return merged


def callback_deadline(
    received_local: datetime, *, promise: Promise, day_of: Callable[[date], Day]
) -> datetime | None:
    """The deadline of a message received at `received_local` (aware, on the office's wall clock:
    `offices.localtime.local_time`), as an aware datetime in the same zone; None when the office
    has no working day within HORIZON_DAYS."""
    zone = received_local.tzinfo
    first = received_local.date()
    if promise.kind == "opening_hours":
        return _within_opening_hours(received_local, promise.hours, day_of, zone)
    wanted = promise.working_days
    for offset in range(HORIZON_DAYS):
        day = first + timedelta(days=offset)
        periods = _periods(day, day_of, zone)
        if not periods:
            continue
        closes = periods[-1][1]
        if offset == 0:
            # The day of the message counts only for a same-day promise, before closing time.
            if wanted == 0 and received_local < closes:
                return closes
            continue
        wanted -= 1
        if wanted <= 0:
            return closes
    return None


def _within_opening_hours(
    received_local: datetime, hours: int, day_of: Callable[[date], Day], zone
) -> datetime | None:
    left = timedelta(hours=hours)
    first = received_local.date()
    for offset in range(HORIZON_DAYS):
        for opens, closes in _periods(first + timedelta(days=offset), day_of, zone):
            start = max(opens, received_local)
            if start >= closes:
                continue
            # Wall-clock arithmetic within one opening period (no period spans a clock change
            # by more than the change itself, which only shortens or lengthens it).
            if start + left <= closes:
                return start + left
            left -= closes - start
    return None
