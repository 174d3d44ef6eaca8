"""The entered costs (insights/costs.py) of a chosen period, beside what Schalter records: staff
hours and the programme's budget count by the share of their days that fall in the period, so a
month's hours count by half for half the month. A figure made from them is shown only where the
entries cover every day of the period (else it would compare a part with the whole)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from schalter.insights.models import ProgrammeBudget, StaffHours
from schalter.insights.part_figures import interpreter_cost_of
from schalter.insights.selectors import period_figures
from schalter.numbers import money_text, number_text, share_text
from schalter.offices.models import Office

Table = dict[str, object]


@dataclass(frozen=True)
class EnteredCosts:
    days: int  # days in the period
    staff_hours: Decimal | None  # the period's share of the hours entered; None: none entered
    staff_days: int  # days of the period with hours entered
    budget: Decimal | None  # the period's share of the programme budget; None: none entered
    budget_days: int


def _share(rows: list[tuple[date, date, Decimal]], first: date, last: date, places: str):
    total, covered = Decimal(0), 0
    for begins, ends, value in rows:
        days = (min(ends, last) - max(begins, first)).days + 1
        if days > 0:
            covered += days
            total += value * days / ((ends - begins).days + 1)
    return (total.quantize(Decimal(places)) if rows else None), covered


def entered_costs(office: Office, first: date, last: date) -> EnteredCosts:
    def entries(model, field: str) -> list[tuple[date, date, Decimal]]:
        return list(
            model.objects.filter(office=office, first_day__lte=last, last_day__gte=first)
            .order_by("first_day")
            .values_list("first_day", "last_day", field)
        )

    hours, hour_days = _share(entries(StaffHours, "hours"), first, last, "0.1")
    budget, budget_days = _share(entries(ProgrammeBudget, "amount"), first, last, "0.01")
    return EnteredCosts((last - first).days + 1, hours, hour_days, budget, budget_days)


@dataclass(frozen=True)
class CostLine:
    """One office's (or all offices') costs of a period."""

    entered: EnteredCosts
    served: int  # clients served at a desk
    interpreting: Decimal  # interpreting cost of the period

    @property
    def staff_minutes_per_client(self) -> Decimal | None:
        e = self.entered
        if e.staff_hours is None or e.staff_days < e.days or not self.served:
            return None
        return (e.staff_hours * 60 / self.served).quantize(Decimal("0.1"))

    @property
    def interpreting_per_client(self) -> Decimal | None:
        if not self.served:
            return None
        return (self.interpreting / self.served).quantize(Decimal("0.01"))

    @property
    def budget_used(self) -> float | None:
        """The interpreting cost as a share of the programme budget for the whole period."""
        e = self.entered
        if not e.budget or e.budget_days < e.days:
            return None
        return round(float(100 * self.interpreting / e.budget), 1)


def total_line(lines: list[CostLine]) -> CostLine:
    """All offices in one line: sums; a share of the budget only where every office's entries
    cover the period (else the sum would mix a part with the whole)."""

    def summed(values: list[Decimal | None]) -> Decimal | None:
        known = [v for v in values if v is not None]
        return sum(known, Decimal(0)) if known else None

    days = lines[0].entered.days if lines else 0
    entered = EnteredCosts(
        days,
        summed([line.entered.staff_hours for line in lines]),
        min((line.entered.staff_days for line in lines), default=0),
        summed([line.entered.budget for line in lines]),
        min((line.entered.budget_days for line in lines), default=0),
    )
    return CostLine(
        entered,
        sum(line.served for line in lines),
        sum((line.interpreting for line in lines), Decimal(0)),
    )


def _hours_text(e: EnteredCosts) -> str:
    if e.staff_hours is None:
        return "–"
    return _("%(hours)s h (days entered: %(covered)s of %(days)s)") % {
        "hours": number_text(e.staff_hours, "", 1),
        "covered": e.staff_days,
        "days": e.days,
    }


def cost_header() -> tuple[str, ...]:
    return (
        _("Staff hours"),
        _("Served"),
        _("Staff minutes per client served"),
        _("Interpreting cost"),
        _("Interpreting cost per client served"),
        _("Programme budget"),
        _("Interpreting cost against the programme budget"),
    )


def cost_cells(line: CostLine, hide=None) -> tuple[object, ...]:
    """The line's cells; `hide(value, n)` suppresses what is made of few clients (the
    ministry's report: dashboard.suppressed)."""
    keep = hide or (lambda value, _n: value)
    return (
        _hours_text(line.entered),
        keep(line.served, line.served),
        keep(number_text(line.staff_minutes_per_client, "", 1), line.served),
        money_text(line.interpreting),
        keep(money_text(line.interpreting_per_client), line.served),
        money_text(line.entered.budget),
        share_text(line.budget_used),
    )


def costs_page_table(line: CostLine, hide=None) -> Table:
    """The costs of an office (or of all offices), one figure a row: the dashboard's costs
    table and the Bilanz's."""
    return {
        "caption": _("Staff hours and programme budget"),
        "header": (_("Figure"), _("Value")),
        "rows": list(zip(cost_header(), cost_cells(line, hide), strict=True)),
    }


def office_cost_line(
    office: Office, first: date, last: date, *, served: int | None = None
) -> CostLine:
    """The office's costs of the period; `served` when the caller has the period's figures
    (for the whole office, not filtered by service or language)."""
    if served is None:
        served = period_figures(office, first, last).counts["served"]
    return CostLine(
        entered_costs(office, first, last), served, interpreter_cost_of(office, first, last)
    )


def cost_entries(
    office: Office, *, most: int = 24
) -> tuple[list[StaffHours], list[ProgrammeBudget]]:
    """The latest entries of each kind, newest first (the insights page lists them)."""
    return (
        list(StaffHours.objects.filter(office=office).order_by("-first_day")[:most]),
        list(ProgrammeBudget.objects.filter(office=office).order_by("-first_day")[:most]),
    )
