"""An interpreter's fee for one assignment, free of the database (JVEG applied by analogy).

Everything the law or an agreement sets is an argument (`FeeRate` rows, the holiday calendar);
this module only applies the rules, in `Decimal`, rounding each line once to the cent with the
project's one rounding helper. docs/interpreters.md walks through an example.

- § 24: the rate in force on the day she was engaged, not the day she worked.
- § 8 (2): time counts with travel and waiting; the last begun hour counts in full when more than
  30 minutes of it were needed, otherwise half.
- § 9 (6): +20 % for the part between 23:00 and 06:00 or on Sundays and public holidays, when the
  office states it was necessary. The whole time is rounded first, the unfavourable part by the same
  rule on its own; that part is paid with the surcharge and subtracted from the rounded total.
- § 9 (5): a cancellation not caused by her, announced on the day or one of the two days before,
  pays her declared loss, at most two hours' fee; otherwise nothing.
- § 5: kilometres driven at the km rate; rail fares and parking as on the receipts. § 12: VAT on
  top where she is liable.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo

import holidays
from django.utils.translation import gettext, gettext_noop

from schalter.catalog.fees import round_money

ZERO = Decimal(0)
HUNDRED = Decimal(100)
# More than this is not one assignment but a typing error (reported or entered times).
MAX_MINUTES = 24 * 60
NIGHT_STARTS = time(23)
NIGHT_ENDS = time(6)
SUNDAY = 6  # date.weekday()
# How many days before the assignment a cancellation still pays the declared loss (§ 9 (5)).
CANCELLATION_DAYS_BEFORE = 2
BERLIN = ZoneInfo("Europe/Berlin")


class FeeInputError(ValueError):
    """Input the engine refuses (over 24 hours, negative distances or amounts, no rate)."""

    def __init__(self, message: str, **params: object):
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


@dataclass(frozen=True)
class Rate:
    """One version of the rules, in force from `valid_from` to `valid_until` (both inclusive)."""

    valid_from: date
    valid_until: date | None
    hourly: Decimal  # € per begun (half) hour as § 8 (2) counts it
    per_km: Decimal
    surcharge_percent: Decimal = Decimal(20)  # unfavourable times, § 9 (6)
    cancellation_hours: Decimal = Decimal(2)  # the declared loss is paid up to this many hours
    vat_percent: Decimal = Decimal(19)

    def in_force(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


# JVEG as it stands; the FeeRate table is seeded with these and an operator may add versions.
JVEG_RATES = (
    Rate(
        valid_from=date(2021, 1, 1),
        valid_until=date(2025, 5, 31),
        hourly=Decimal(85),
        per_km=Decimal("0.42"),
    ),
    Rate(valid_from=date(2025, 6, 1), valid_until=None, hourly=Decimal(93), per_km=Decimal("0.42")),
)


def rate_in_force(rates: Iterable[Rate], engaged_on: date) -> Rate:
    """The rate of the day she was engaged (§ 24); the latest start wins where versions overlap."""
    candidates = [rate for rate in rates if rate.in_force(engaged_on)]
    if not candidates:
        raise FeeInputError(
            gettext_noop("No fee rate is in force on %(day)s."), day=engaged_on.isoformat()
        )
    return max(candidates, key=lambda rate: rate.valid_from)


@dataclass(frozen=True)
class Receipt:
    kind: str  # "rail" or "parking"
    amount: Decimal


RECEIPT_KINDS = ("rail", "parking")


@dataclass(frozen=True)
class Assignment:
    """What happened, on the office's wall clock. Waiting lies just before `start` (she arrived,
    the visit began late), travel before that and after `end`."""

    day: date
    start: time
    end: time  # before `start`: the next day
    engaged_on: date
    travel_before_minutes: int = 0
    travel_after_minutes: int = 0
    waiting_minutes: int = 0
    km: Decimal = ZERO  # driven in total, there and back
    unfavourable_time_necessary: bool = False
    cancelled_on: date | None = None
    cancelled_by_interpreter: bool = False
    declared_loss: Decimal | None = None
    vat_liable: bool = False
    receipts: tuple[Receipt, ...] = ()


@dataclass(frozen=True)
class FeeLine:
    """One explained amount. `label` is an untranslated message with named placeholders, so the
    statement, the report and the command each show it in their reader's language."""

    code: str
    label: str
    params: dict[str, str] = field(default_factory=dict)
    amount: Decimal = ZERO

    def text(self) -> str:
        return gettext(self.label) % self.params


@dataclass(frozen=True)
class Fee:
    total: Decimal
    lines: tuple[FeeLine, ...]
    rate: Rate
    minutes: int  # worked, with travel and waiting
    billed_hours: Decimal
    unfavourable_minutes: int
    unfavourable_hours: Decimal  # billed at the surcharge


def billed_hours(minutes: int) -> Decimal:
    """§ 8 (2): full hours, then the last begun hour in full if more than 30 minutes, else half."""
    if minutes < 0:
        raise FeeInputError(gettext_noop("A time cannot be negative."))
    full, rest = divmod(minutes, 60)
    if rest == 0:
        return Decimal(full)
    return Decimal(full) + (Decimal(1) if rest > 30 else Decimal("0.5"))


@cache
def hessian_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("DE", subdiv="HE", years=year))


def is_hessian_holiday(day: date) -> bool:
    return day in hessian_holidays(day.year)


def _utc(day: date, moment: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, moment, tzinfo=zone).astimezone(UTC)


def block_of(assignment: Assignment, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The whole time she gave, travel and waiting included, as UTC instants (real minutes, so a
    night across a change of the clocks counts what it lasted)."""
    for value in (
        assignment.travel_before_minutes,
        assignment.travel_after_minutes,
        assignment.waiting_minutes,
    ):
        if value < 0:
            raise FeeInputError(gettext_noop("A time cannot be negative."))
    begins = _utc(assignment.day, assignment.start, zone)
    end_day = (
        assignment.day + timedelta(days=1) if assignment.end < assignment.start else assignment.day
    )
    ends = _utc(end_day, assignment.end, zone)
    before = assignment.travel_before_minutes + assignment.waiting_minutes
    return (
        begins - timedelta(minutes=before),
        ends + timedelta(minutes=assignment.travel_after_minutes),
    )


def unfavourable_windows(
    day: date, is_holiday: Callable[[date], bool], zone: ZoneInfo
) -> list[tuple[datetime, datetime]]:
    """The local day's unfavourable times as UTC intervals, disjoint: all of a Sunday or holiday,
    else 00:00-06:00 and 23:00-24:00. Windows that overlap are one window here, so no minute
    counts twice."""
    midnight = _utc(day, time.min, zone)
    next_midnight = _utc(day + timedelta(days=1), time.min, zone)
    if day.weekday() == SUNDAY or is_holiday(day):
        return [(midnight, next_midnight)]
    return [(midnight, _utc(day, NIGHT_ENDS, zone)), (_utc(day, NIGHT_STARTS, zone), next_midnight)]


def unfavourable_minutes(
    begins: datetime,
    ends: datetime,
    *,
    first_day: date,
    is_holiday: Callable[[date], bool],
    zone: ZoneInfo,
) -> int:
    """Minutes of [begins, ends) inside an unfavourable window. `first_day` is a local day on or
    before the one `begins` falls on; the block lasts at most a day, so four days cover it."""
    seconds = 0.0
    for offset in range(4):
        for window_begins, window_ends in unfavourable_windows(
            first_day + timedelta(days=offset), is_holiday, zone
        ):
            overlap = (min(ends, window_ends) - max(begins, window_begins)).total_seconds()
            if overlap > 0:
                seconds += overlap
    return int(seconds // 60)


def _money(amount: Decimal) -> str:
    return f"{round_money(amount):.2f}"


def _hours(hours: Decimal) -> str:
    return f"{hours.normalize():f}"


def fee_compute(
    assignment: Assignment,
    *,
    rates: Sequence[Rate] = JVEG_RATES,
    zone: ZoneInfo = BERLIN,
    is_holiday: Callable[[date], bool] = is_hessian_holiday,
) -> Fee:
    """The fee for one assignment, every amount a line of its own; total = the sum of the lines."""
    if assignment.km < 0:
        raise FeeInputError(gettext_noop("Kilometres cannot be negative."))
    for receipt in assignment.receipts:
        if receipt.amount is None or receipt.amount < 0:
            raise FeeInputError(gettext_noop("Every receipt needs an amount of zero or more."))
    if assignment.declared_loss is not None and assignment.declared_loss < 0:
        raise FeeInputError(gettext_noop("A declared loss cannot be negative."))
    rate = rate_in_force(rates, assignment.engaged_on)
    begins, ends = block_of(assignment, zone)
    minutes = int((ends - begins).total_seconds() // 60)
    if minutes > MAX_MINUTES:
        raise FeeInputError(
            gettext_noop(
                "%(minutes)s minutes are more than one assignment can last (at most 24 hours)."
            ),
            minutes=minutes,
        )
    lines: list[FeeLine] = []
    hours = unfavourable_hours = ZERO
    unfavourable = 0
    if assignment.cancelled_on is not None:
        minutes = 0
        days_before = (assignment.day - assignment.cancelled_on).days
        inside = 0 <= days_before <= CANCELLATION_DAYS_BEFORE
        if assignment.cancelled_by_interpreter or not inside:
            lines.append(
                FeeLine(
                    code="cancellation",
                    label=gettext_noop("Cancelled on %(day)s: no fee is due"),
                    params={"day": assignment.cancelled_on.isoformat()},
                    amount=ZERO,
                )
            )
        else:
            ceiling = rate.cancellation_hours * rate.hourly
            loss = min(assignment.declared_loss or ZERO, ceiling)
            lines.append(
                FeeLine(
                    code="cancellation",
                    label=gettext_noop(
                        "Cancelled on %(day)s: declared loss %(loss)s €, "
                        "at most %(hours)s hours × %(rate)s €"
                    ),
                    params={
                        "day": assignment.cancelled_on.isoformat(),
                        "loss": _money(assignment.declared_loss or ZERO),
                        "hours": _hours(rate.cancellation_hours),
                        "rate": _money(rate.hourly),
                    },
                    amount=round_money(loss),
                )
            )
    else:
        hours = billed_hours(minutes)
        if assignment.unfavourable_time_necessary:
            unfavourable = unfavourable_minutes(
                begins,
                ends,
                first_day=assignment.day - timedelta(days=1),
                is_holiday=is_holiday,
                zone=zone,
            )
            unfavourable_hours = billed_hours(unfavourable)
        normal_hours = hours - unfavourable_hours
        lines.append(
            FeeLine(
                code="time",
                label=gettext_noop(
                    "Time with travel and waiting: %(minutes)s minutes, "
                    "billed as %(billed)s hours; %(hours)s hours × %(rate)s €"
                ),
                params={
                    "minutes": str(minutes),
                    "billed": _hours(hours),
                    "hours": _hours(normal_hours),
                    "rate": _money(rate.hourly),
                },
                amount=round_money(normal_hours * rate.hourly),
            )
        )
        if unfavourable_hours:
            raised = rate.hourly * (HUNDRED + rate.surcharge_percent) / HUNDRED
            lines.append(
                FeeLine(
                    code="unfavourable",
                    label=gettext_noop(
                        "Night, Sunday or holiday: %(minutes)s minutes, "
                        "billed as %(hours)s hours × %(rate)s € (+%(percent)s %%)"
                    ),
                    params={
                        "minutes": str(unfavourable),
                        "hours": _hours(unfavourable_hours),
                        "rate": _money(raised),
                        "percent": _hours(rate.surcharge_percent),
                    },
                    amount=round_money(unfavourable_hours * raised),
                )
            )
    if assignment.km:
        lines.append(
            FeeLine(
                code="km",
                label=gettext_noop("Travel by car: %(km)s km × %(rate)s €"),
                params={"km": _hours(assignment.km), "rate": _money(rate.per_km)},
                amount=round_money(assignment.km * rate.per_km),
            )
        )
    for receipt in assignment.receipts:
        label = (
            gettext_noop("Rail fare (receipt)")
            if receipt.kind == "rail"
            else gettext_noop("Parking (receipt)")
        )
        lines.append(FeeLine(code=receipt.kind, label=label, amount=round_money(receipt.amount)))
    net = sum((line.amount for line in lines), ZERO)
    if assignment.vat_liable:
        lines.append(
            FeeLine(
                code="vat",
                label=gettext_noop("VAT %(percent)s %% on %(net)s €"),
                params={"percent": _hours(rate.vat_percent), "net": _money(net)},
                amount=round_money(net * rate.vat_percent / HUNDRED),
            )
        )
    return Fee(
        total=sum((line.amount for line in lines), ZERO),
        lines=tuple(lines),
        rate=rate,
        minutes=minutes,
        billed_hours=hours,
        unfavourable_minutes=unfavourable,
        unfavourable_hours=unfavourable_hours,
    )
