"""The "Bilanz": the programme's stock-taking as a PDF, for one office (its leads and admins) or
for all offices (the ministry) over a chosen period. Figures, charts with their tables, the change
against the period of the same length just before, costs (interpreters against their budget, desk
hours; staff hours and the programme's budget as the office's admin entered them), client
feedback and the offices' dated practice notes (knowledge base). One chart code path with the
pages (schalter/charts.py via insights.dashboard); rendered by WeasyPrint in the bounded render
processes of schalter/printing.

The all-offices report leaves the office: aggregates only, every figure of a group smaller than
the minimum suppressed (dashboard.suppressed), no comments (free text stays with the office),
offices named only where they agreed (comparison.compared_offices), and only the practice notes
an office shared with the others."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from schalter.charts import Chart, Series, bar_chart, line_chart
from schalter.insights.comparison import earlier_period
from schalter.insights.cost_figures import costs_page_table, office_cost_line, total_line
from schalter.insights.dashboard import (
    Dashboard,
    Table,
    chart_has_values,
    chart_table,
    comparison_cells,
    minimum_group,
    office_dashboard,
    suppressed,
)
from schalter.insights.selectors import (
    FEEDBACK_QUESTIONS,
    PeriodFigures,
    feedback_of,
    monthly_spread,
    offices_period_figures,
    period_figures,
)
from schalter.insights.timeline import NOTE_TEXT_MAX
from schalter.interpreters.models import Assignment, InterpreterBudget
from schalter.interpreters.selectors import cost_report, month_bounds
from schalter.knowledge.models import PracticeNote
from schalter.numbers import (
    MISSING,
    change_text,
    day_text,
    money_text,
    month_text,
    number_text,
    share_text,
)
from schalter.offices.models import Office

# A Bilanz covers at most this many days (the insights form's limit too).
MAX_DAYS = 3 * 366
# From this length on, the waiting time is drawn month by month rather than day by day.
MONTHLY_FROM_DAYS = 62


@dataclass(frozen=True)
class Figure:
    """One chart ready for a document: its SVG and its table."""

    svg: str
    table: Table


@dataclass(frozen=True)
class OfficeSection:
    name: str
    summary: str
    figures: list[Figure]
    tables: list[Table]


@dataclass(frozen=True)
class Bilanz:
    title: str
    first: date
    last: date
    earlier_first: date
    earlier_last: date
    summary: str
    figures: list[Figure]
    tables: list[Table]
    sections: list[OfficeSection]
    minimum: int | None  # the suppression minimum, for the all-offices report


def _text(value: int | float | None) -> str:
    return number_text(value)


def _change(now: float | int | None, before: float | int | None) -> str:
    if now is None or before is None:
        return MISSING
    return change_text(round(float(now) - float(before), 1))


def _key_figures(got: PeriodFigures) -> list[tuple[str, object, int, str]]:
    """(label, value, group size, unit) of the figures the Bilanz compares."""
    waiting = got.spreads["waiting"]
    tickets, booked = got.counts["tickets"], got.counts["booked"]
    return [
        (_("Tickets"), tickets, tickets, ""),
        (_("Served"), got.counts["served"], got.counts["served"], ""),
        (_("Median wait (min)"), waiting.median, waiting.n, "min"),
        (_("90th percentile wait (min)"), waiting.p90, waiting.n, "min"),
        (_("Share of walk-ins"), got.rate("walk_ins", "tickets"), tickets, "%"),
        (_("Appointments booked"), booked, booked, ""),
        (_("No-show rate"), got.rate("no_shows", "booked"), booked, "%"),
        (_("Cancellation rate"), got.rate("cancelled", "booked"), booked, "%"),
    ]


def change_table(now: PeriodFigures, before: PeriodFigures, *, suppress: bool) -> Table:
    """This period beside the one before it, and the change."""
    rows = []
    for (label, value, n, unit), (_label, earlier, n_before, _unit) in zip(
        _key_figures(now), _key_figures(before), strict=True
    ):
        shown = share_text(value) if unit == "%" else _text(value)  # type: ignore[arg-type]
        shown_before = share_text(earlier) if unit == "%" else _text(earlier)  # type: ignore[arg-type]
        change = _change(value, earlier)  # type: ignore[arg-type]
        if suppress:
            small = min(n, n_before) < minimum_group()
            shown, shown_before = suppressed(shown, n), suppressed(shown_before, n_before)
            change = suppressed(change, 0) if small else change
        rows.append((label, shown, shown_before, change))
    return {
        "caption": _("Against the period before"),
        "header": (_("Figure"), _("This period"), _("Period before"), _("Difference")),
        "rows": rows,
    }


def _months(first: date, last: date) -> list[date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


@dataclass(frozen=True)
class Costs:
    interpreters: Decimal
    budget: Decimal | None
    desk_hours: float


def costs_of(office: Office, got: PeriodFigures) -> Costs:
    """Interpreter fees of the months the period touches against their budgets, and the hours
    desks were open (from the roll-ups)."""
    total, budget, budgeted = Decimal(0), Decimal(0), False
    months = _months(got.first_day, got.last_day)
    begins, _end = month_bounds(office, months[0])
    _begin, ends = month_bounds(office, months[-1])
    with scope(office=office):  # most offices book no interpreter: one look, not a month each
        engaged = (
            Assignment.objects.filter(
                office=office, start__gte=begins, start__lt=ends, interpreter__isnull=False
            ).exists()
            or InterpreterBudget.objects.filter(
                office=office, month__range=(months[0], months[-1])
            ).exists()
        )
    for month in months if engaged else []:
        report = cost_report(office, month)
        total += report.total
        if report.budget is not None:
            budget += report.budget
            budgeted = True
    desk_hours = round(sum(got.desk_minutes_by_hour.values()) / 60, 1)
    return Costs(total, budget if budgeted else None, desk_hours)


def costs_table(rows: list[tuple[str, Costs]]) -> Table:
    return {
        "caption": _("Costs"),
        "header": (
            _("Office"),
            _("Interpreters (€)"),
            _("Interpreter budget (€)"),
            _("Desk hours open"),
        ),
        "rows": [
            (
                name,
                money_text(c.interpreters),
                money_text(c.budget),
                number_text(c.desk_hours, "", 1),
            )
            for name, c in rows
        ],
    }


def _figure(chart: Chart, kind: str) -> Figure:
    """The chart and its table; a chart with nothing to draw is left out (no empty picture:
    its table says "No data in this period.")."""
    if not chart_has_values(chart):
        return Figure(svg="", table=chart_table(chart))
    svg = line_chart(chart) if kind == "line" else bar_chart(chart)
    return Figure(svg=str(svg), table=chart.table())


def monthly_chart(office: Office, first: date, last: date) -> Chart:
    months = monthly_spread(office, first, last, "waiting")
    return Chart(
        title=_("Waiting time per month"),
        description=_("Median and 90th percentile of the waiting time, month by month."),
        x_label=_("Month"),
        y_label=_("Minutes"),
        categories=tuple(month_text(month) for month, _spread in months),
        series=(
            Series(_("Median"), tuple(_number(s.median) for _month, s in months)),
            Series(_("90th percentile"), tuple(_number(s.p90) for _month, s in months)),
        ),
        unit="min",
    )


def _number(value: int | None) -> float | None:
    return None if value is None else float(value)


def office_bilanz(office: Office, first: date, last: date, *, language: str) -> Bilanz:
    """One office's Bilanz for its leads and admins: its whole dashboard, the change, the costs,
    the feedback with the (scrubbed) comments."""
    name = office.name_in(language)
    earlier_first, earlier_last = earlier_period(first, last)
    board: Dashboard = office_dashboard(office, first, last)
    before = period_figures(office, earlier_first, earlier_last)
    costs = costs_of(office, board.figures)
    charts = [(item["chart"], str(item["kind"])) for item in board.charts]
    if (last - first).days >= MONTHLY_FROM_DAYS:  # a year of days is no picture: months
        daily = _("Waiting time per day")
        charts = [
            (monthly_chart(office, first, last), "line") if chart.title == daily else (chart, kind)
            for chart, kind in charts
        ]
    figures = [_figure(chart, kind) for chart, kind in charts]  # type: ignore[arg-type]
    chart_captions = {str(item["chart"].title) for item in board.charts}  # type: ignore[attr-defined]
    tables = [
        change_table(board.figures, before, suppress=False),
        *(t for t in board.tables.values() if str(t["caption"]) not in chart_captions),
        costs_table([(name, costs)]),
        costs_page_table(
            office_cost_line(office, first, last, served=board.figures.counts["served"])
        ),
        notes_table(office, first, last, language=language, shared_only=False),
    ]
    return Bilanz(
        title=_("Bilanz: %(office)s") % {"office": name},
        first=first,
        last=last,
        earlier_first=earlier_first,
        earlier_last=earlier_last,
        summary=board.summary,
        figures=figures,
        tables=tables,
        sections=[],
        minimum=None,
    )


def all_offices_bilanz(offices: list[tuple[str, Office]], first: date, last: date) -> Bilanz:
    """The ministry's Bilanz of all offices: aggregates only, small groups suppressed."""
    earlier_first, earlier_last = earlier_period(first, last)
    language = get_language()
    ids = [office.pk for _name, office in offices]  # each period: grouped queries, all offices
    now = offices_period_figures(ids, first, last)
    before = offices_period_figures(ids, earlier_first, earlier_last)
    minimum = minimum_group()
    comparison_rows, medians, p90s, feedback_rows, cost_rows, sections = [], [], [], [], [], []
    cost_lines = []
    for name, office in offices:
        got = now[office.pk]
        waiting = got.spreads["waiting"]
        comparison_rows.append(comparison_cells(name, got))
        big_enough = waiting.n >= minimum
        medians.append(float(waiting.median) if big_enough and waiting.median is not None else None)
        p90s.append(float(waiting.p90) if big_enough and waiting.p90 is not None else None)
        scores = feedback_of(office, first, last)["scores"]
        feedback_rows.append(
            (
                name,
                *(
                    suppressed(_text(scores[q][1]), scores[q][0])  # type: ignore[index]
                    for q in FEEDBACK_QUESTIONS
                ),
            )
        )
        cost_rows.append((name, costs_of(office, got)))
        cost_lines.append(office_cost_line(office, first, last, served=got.counts["served"]))
        sections.append(
            OfficeSection(
                name=name,
                summary="",
                figures=[],
                tables=[
                    change_table(got, before[office.pk], suppress=True),
                    costs_page_table(cost_lines[-1], hide=suppressed),
                    # Only what the office shared with the others, under its label.
                    notes_table(office, first, last, language=language, shared_only=True),
                ],
            )
        )
    names = tuple(name for name, _office in offices)
    waits = Chart(
        title=_("Waiting time by office"),
        description=_(
            "Median and 90th percentile of the waiting time in each office; offices with fewer "
            "clients than the minimum are left out."
        ),
        x_label=_("Office"),
        y_label=_("Minutes"),
        categories=names,
        series=(Series(_("Median"), tuple(medians)), Series(_("90th percentile"), tuple(p90s))),
        unit="min",
    )
    comparison: Table = {
        "caption": _("Figures of all offices"),
        "header": (
            _("Office"),
            _("Tickets"),
            _("Median wait (min)"),
            _("90th percentile wait (min)"),
            _("Share of walk-ins"),
            _("No-show rate"),
        ),
        "rows": comparison_rows,
    }
    feedback: Table = {
        "caption": _("Client feedback (1: not at all, 5: very much)"),
        "header": (
            _("Office"),
            _("Was the waiting time acceptable?"),
            _("Were the staff friendly?"),
            _("Did you find your way easily?"),
            _("Was the information clear?"),
        ),
        "rows": feedback_rows,
    }
    total = sum(got.spreads["waiting"].n for got in now.values())
    summary = _("%(offices)s offices; %(count)s clients were called in this period.") % {
        "offices": len(offices),
        "count": suppressed(total, total),
    }
    return Bilanz(
        title=_("Bilanz of all offices"),
        first=first,
        last=last,
        earlier_first=earlier_first,
        earlier_last=earlier_last,
        summary=summary,
        figures=[_figure(waits, "bar")],
        tables=[
            comparison,
            feedback,
            costs_table(cost_rows),
            costs_page_table(total_line(cost_lines), hide=suppressed),  # summed
        ],
        sections=sections,
        minimum=minimum,
    )


def notes_table(
    office: Office, first: date, last: date, *, language: str, shared_only: bool
) -> Table:
    """The office's practice notes dated in the period, oldest first (those on the figures'
    timeline); the all-offices report lists only what the office shared with the others."""
    with scopes_disabled():
        notes = PracticeNote.objects.filter(office=office, since__range=(first, last))
        if shared_only:
            notes = notes.filter(shared=True)
        found = list(notes.select_related("service").order_by("since", "id"))
    return {
        "caption": _("Practice notes"),
        "header": (_("Day"), _("Service"), _("Practice note")),
        "rows": [
            (
                day_text(note.since),
                note.service.name_in(language),
                " ".join(note.text.split())[:NOTE_TEXT_MAX],
            )
            for note in found
        ],
    }
