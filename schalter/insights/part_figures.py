"""The callbacks' and interpreters' figures of a period, read from their daily roll-ups
(part_rollups.py), as the dashboard's tables. A part the office has switched off has no figures
at all (None): not zeros, since it did not take part (issue 17: "figures for a part that is not
there yet appear once it is")."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from schalter.callbacks.parts import CALLBACKS
from schalter.insights.histograms import merged, quantile
from schalter.insights.models import CallbackDay, InterpreterDay
from schalter.interpreters.models import InterpreterBudget
from schalter.interpreters.parts import INTERPRETERS
from schalter.offices.models import Office
from schalter.offices.parts import uses

Table = dict[str, object]
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


def callback_figures(
    office: Office, first_day: date, last_day: date, *, service_id: int | None = None, language=""
) -> CallbackFigures | None:
    if not uses(office, CALLBACKS):
        return None
    rows = CallbackDay.objects.filter(office=office, day__range=(first_day, last_day))
    if service_id is not None:
        rows = rows.filter(service_id=service_id)
    if language:
        rows = rows.filter(language=language)
    got = list(rows.values(*CALLBACK_COUNTS, "hours_to_attempt"))
    counts = {name: sum(int(row[name]) for row in got) for name in CALLBACK_COUNTS}
    hours = merged(row["hours_to_attempt"] for row in got)
    return CallbackFigures(counts, quantile(hours, 0.5), quantile(hours, 0.9))


def _months(first_day: date, last_day: date) -> list[date]:
    months, month = [], first_day.replace(day=1)
    while month <= last_day:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def interpreter_months(
    office: Office, first_day: date, last_day: date, *, language: str = ""
) -> list[InterpreterMonth] | None:
    """Per month the period touches: assignments, hours and cost of the period's days in it,
    and the month's budget as the office entered it (interpreters.InterpreterBudget)."""
    if not uses(office, INTERPRETERS):
        return None
    rows = InterpreterDay.objects.filter(office=office, day__range=(first_day, last_day))
    if language:
        rows = rows.filter(language=language)
    sums: dict[date, dict] = {}
    for day, n, minutes, cost in rows.values_list("day", "assignments", "minutes", "cost"):
        got = sums.setdefault(day.replace(day=1), {"n": 0, "minutes": 0, "cost": Decimal(0)})
        got["n"] += n
        got["minutes"] += minutes
        got["cost"] += cost
    months = _months(first_day, last_day)
    with scopes_disabled():
        budgets = dict(
            InterpreterBudget.objects.filter(office=office, month__in=months).values_list(
                "month", "amount"
            )
        )
    empty = {"n": 0, "minutes": 0, "cost": Decimal(0)}
    return [
        InterpreterMonth(
            month,
            sums.get(month, empty)["n"],
            sums.get(month, empty)["minutes"],
            sums.get(month, empty)["cost"],
            budgets.get(month),
        )
        for month in months
    ]


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


def interpreter_period(office: Office, first_day: date, last_day: date) -> InterpreterPeriod | None:
    """The period's assignments, hours and cost, and its budget (None: the part is off)."""
    months = interpreter_months(office, first_day, last_day)
    if months is None:
        return None
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


def share_text(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} %"


def money_text(value: Decimal | None) -> str:
    return "–" if value is None else f"{value:.2f} €"


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
                    "–" if calls.hours_median is None else calls.hours_median,
                ),
                (
                    _("Hours to the first attempt (90th percentile)"),
                    "–" if calls.hours_p90 is None else calls.hours_p90,
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
                    month.month.strftime("%Y-%m"),
                    month.assignments,
                    f"{month.hours}",
                    money_text(month.cost),
                    money_text(month.budget),
                    share_text(month.used_percent),
                )
                for month in months
            ],
        }
    return tables
