"""The callbacks' and interpreters' figures of a period, read from their daily roll-ups
(part_rollups.py), as the dashboard's tables. A part the office has switched off has no figures
at all (None): not zeros, since it did not take part (issue 17: "figures for a part that is not
there yet appear once it is")."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from schalter.callbacks.parts import CALLBACKS
from schalter.insights.histograms import merged, quantile
from schalter.insights.models import CallbackDay, InterpreterDay
from schalter.insights.selectors import histogram_sums, roll_up_filters, roll_up_rows
from schalter.interpreters.models import InterpreterBudget
from schalter.interpreters.parts import INTERPRETERS
from schalter.numbers import money_text, month_text, number_text, share_text
from schalter.offices.models import Office
from schalter.offices.parts import uses

Table = dict[str, object]
__all__ = ["money_text", "share_text"]  # their home is schalter/numbers.py
CALLBACK_COUNTS = ("closed", "tried", "reached", "timed", "in_time")


@dataclass(frozen=True)
class CallbackFigures:
    counts: dict[str, int]
    hours_median: int | None  # from receipt to the first attempt
    hours_p90: int | None

    def rate(self, part: str, whole: str) -> float | None:
        total = self.counts[whole]
        return None if not total else round(100 * self.counts[part] / total, 1)


@dataclass(frozen=True)
class InterpreterMonth:
    month: date  # its first day
    assignments: int
    minutes: int
    cost: Decimal
    budget: Decimal | None

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.minutes) / 60).quantize(Decimal("0.1"))

    @property
    def remaining(self) -> Decimal | None:
        return None if self.budget is None else self.budget - self.cost

    @property
    def used_percent(self) -> float | None:
        if not self.budget:
            return None
        return round(float(100 * self.cost / self.budget), 1)


def offices_callback_figures(
    offices: Sequence[Office],
    first_day: date,
    last_day: date,
    *,
    service_id: int | None = None,
    language: str = "",
) -> dict[int, CallbackFigures | None]:
    """Each office's callback figures of the period (None: the part is off), summed by the
    database in two queries however many offices: the counts, and the hours histogram."""
    on = [office.pk for office in offices if uses(office, CALLBACKS)]
    figures: dict[int, CallbackFigures | None] = {office.pk: None for office in offices}
    if not on:
        return figures
    rows = roll_up_rows(CallbackDay, on, first_day, last_day, service_id, language)
    totals: dict[int, dict[str, Any]] = {
        row["office_id"]: dict(row)
        for row in rows.values("office_id").annotate(**{n: Sum(n) for n in CALLBACK_COUNTS})
    }
    where, params = roll_up_filters(on, first_day, last_day, service_id, language)
    hours = histogram_sums((CallbackDay._meta.db_table, ("hours_to_attempt",), where, params))
    for office_id in on:
        got = totals.get(office_id, {})
        histogram = merged([hours.get(("hours_to_attempt", office_id, None), {})])
        figures[office_id] = CallbackFigures(
            {name: int(got.get(name) or 0) for name in CALLBACK_COUNTS},
            quantile(histogram, 0.5),
            quantile(histogram, 0.9),
        )
    return figures


def callback_figures(
    office: Office, first_day: date, last_day: date, *, service_id: int | None = None, language=""
) -> CallbackFigures | None:
    return offices_callback_figures(
        [office], first_day, last_day, service_id=service_id, language=language
    )[office.pk]


def _months(first_day: date, last_day: date) -> list[date]:
    months, month = [], first_day.replace(day=1)
    while month <= last_day:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def offices_interpreter_months(
    offices: Sequence[Office], first_day: date, last_day: date, *, language: str = ""
) -> dict[int, list[InterpreterMonth] | None]:
    """Per office (None: the part is off) and month the period touches: assignments, hours and
    cost of the period's days in it, and the month's budget as the office entered it
    (interpreters.InterpreterBudget); two queries however many offices."""
    on = [office.pk for office in offices if uses(office, INTERPRETERS)]
    result: dict[int, list[InterpreterMonth] | None] = {office.pk: None for office in offices}
    if not on:
        return result
    rows = InterpreterDay.objects.filter(office_id__in=on, day__range=(first_day, last_day))
    if language:
        rows = rows.filter(language=language)
    sums: dict[tuple[int, date], dict] = {}
    for office_id, day, n, minutes, cost in rows.values_list(
        "office_id", "day", "assignments", "minutes", "cost"
    ):
        got = sums.setdefault(
            (office_id, day.replace(day=1)), {"n": 0, "minutes": 0, "cost": Decimal(0)}
        )
        got["n"] += n
        got["minutes"] += minutes
        got["cost"] += cost
    months = _months(first_day, last_day)
    with scopes_disabled():
        budgets = {
            (office_id, month): amount
            for office_id, month, amount in InterpreterBudget.objects.filter(
                office_id__in=on, month__in=months
            ).values_list("office_id", "month", "amount")
        }
    empty = {"n": 0, "minutes": 0, "cost": Decimal(0)}
    for office_id in on:
        result[office_id] = [
            InterpreterMonth(
                month,
                sums.get((office_id, month), empty)["n"],
                sums.get((office_id, month), empty)["minutes"],
                sums.get((office_id, month), empty)["cost"],
                budgets.get((office_id, month)),
            )
            for month in months
        ]
    return result


def interpreter_months(
    office: Office, first_day: date, last_day: date, *, language: str = ""
) -> list[InterpreterMonth] | None:
    """Per month the period touches: assignments, hours and cost of the period's days in it,
    and the month's budget as the office entered it (interpreters.InterpreterBudget)."""
    return offices_interpreter_months([office], first_day, last_day, language=language)[office.pk]


def interpreter_cost_of(office: Office, first_day: date, last_day: date) -> Decimal:
    """The period's interpreting cost from the roll-ups (whatever the part's switch)."""
    total = InterpreterDay.objects.filter(office=office, day__range=(first_day, last_day))
    return total.aggregate(cost=Sum("cost"))["cost"] or Decimal(0)


@dataclass(frozen=True)
class InterpreterPeriod:
    """A period's interpreting in one sum, against the budget for exactly its days: each
    month's budget counts by the share of its days in the period (None when a month the period
    touches has no budget entered: no comparison then, rather than one against too little)."""

    assignments: int
    minutes: int
    cost: Decimal
    budget: Decimal | None

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.minutes) / 60).quantize(Decimal("0.1"))

    @property
    def used_percent(self) -> float | None:
        if not self.budget:
            return None
        return round(float(100 * self.cost / self.budget), 1)


def _days_in(month: date) -> int:
    return ((month + timedelta(days=32)).replace(day=1) - month).days


def offices_interpreter_periods(
    offices: Sequence[Office], first_day: date, last_day: date
) -> dict[int, InterpreterPeriod | None]:
    """Each office's assignments, hours and cost of the period, and its budget (None: the part
    is off)."""
    return {
        office_id: None if months is None else _period_of(months, first_day, last_day)
        for office_id, months in offices_interpreter_months(offices, first_day, last_day).items()
    }


def interpreter_period(office: Office, first_day: date, last_day: date) -> InterpreterPeriod | None:
    """The period's assignments, hours and cost, and its budget (None: the part is off)."""
    return offices_interpreter_periods([office], first_day, last_day)[office.pk]


def _period_of(
    months: list[InterpreterMonth], first_day: date, last_day: date
) -> InterpreterPeriod:
    budget: Decimal | None = Decimal(0)
    for month in months:
        if month.budget is None or budget is None:
            budget = None
            continue
        month_last = month.month + timedelta(days=_days_in(month.month) - 1)
        days = (min(month_last, last_day) - max(month.month, first_day)).days + 1
        budget += month.budget * days / _days_in(month.month)
    return InterpreterPeriod(
        sum(month.assignments for month in months),
        sum(month.minutes for month in months),
        sum((month.cost for month in months), Decimal(0)),
        None if budget is None else budget.quantize(Decimal("0.01")),
    )


def part_tables(
    office: Office, first_day: date, last_day: date, *, service_id: int | None = None, language=""
) -> dict[str, Table]:
    """The callbacks' and interpreters' tables; a part switched off has none."""
    tables: dict[str, Table] = {}
    calls = callback_figures(office, first_day, last_day, service_id=service_id, language=language)
    if calls is not None:
        tables["callbacks"] = {
            "caption": _("Callbacks"),
            "header": (_("Figure"), _("Value")),
            "rows": [
                (_("Callbacks closed"), calls.counts["closed"]),
                (_("Reach rate"), share_text(calls.rate("reached", "tried"))),
                (
                    _("First attempt within the deadline"),
                    share_text(calls.rate("in_time", "timed")),
                ),
                (
                    _("Hours to the first attempt (median)"),
                    number_text(calls.hours_median),
                ),
                (
                    _("Hours to the first attempt (90th percentile)"),
                    number_text(calls.hours_p90),
                ),
            ],
        }
    months = interpreter_months(office, first_day, last_day, language=language)
    if months is not None:
        tables["interpreters"] = {
            "caption": _("Interpreters: hours and cost against the budget"),
            "header": (
                _("Month"),
                _("Assignments"),
                _("Hours"),
                _("Cost"),
                _("Budget"),
                _("Budget used"),
            ),
            "rows": [
                (
                    month_text(month.month),
                    month.assignments,
                    number_text(month.hours, "", 1),
                    money_text(month.cost),
                    money_text(month.budget),
                    share_text(month.used_percent),
                )
                for month in months
            ],
        }
    return tables
