"""What the insights pages show: tables (caption, header, rows) and charts built from the
period's roll-ups, one code path for the page and the exports (schalter/charts.py draws them).
Small groups are suppressed where figures leave the office (`suppressed`)."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from schalter.charts import Chart, Series
from schalter.insights.part_figures import part_tables
from schalter.insights.selectors import (
    LEADS,
    PeriodFigures,
    Spread,
    daily_spread,
    feedback_of,
    free_days_latest,
    offices_period_figures,
    period_figures,
)
from schalter.insights.timeline import note_marks, table_with_notes
from schalter.numbers import day_text, month_text, number_text, share_text
from schalter.offices.models import Office

Table = dict[str, object]


def minimum_group() -> int:
    """Groups smaller than this are never shown outside the office (setting)."""
    return int(getattr(settings, "SCHALTER_INSIGHTS_MIN_GROUP", 5))


def _minutes(value: int | float | None) -> str:
    return number_text(value)


def comparison_cells(name: str, got: PeriodFigures) -> tuple:
    """One office's row of the offices' comparison (ministry table and Bilanz): tickets, waiting
    median and p90, walk-in and no-show shares, each suppressed below the minimum group."""
    waiting = got.spreads["waiting"]
    tickets, booked = got.counts["tickets"], got.counts["booked"]
    return (
        name,
        suppressed(tickets, tickets),
        suppressed(_minutes(waiting.median), waiting.n),
        suppressed(_minutes(waiting.p90), waiting.n),
        suppressed(share_text(got.rate("walk_ins", "tickets")), tickets),
        suppressed(share_text(got.rate("no_shows", "booked")), booked),
    )


def chart_has_values(chart: Chart) -> bool:
    """Whether the chart has anything to draw (an empty period shows a sentence instead)."""
    return any(value is not None for series in chart.series for value in series.values)


def chart_table(chart: Chart) -> Table:
    """The chart's table; no rows where the chart has no values (not a row of dashes a day)."""
    table = chart.table()
    return table if chart_has_values(chart) else {**table, "rows": []}


def spread_names() -> dict[str, str]:
    return {
        "waiting": _("Waiting time (arrival or booked start to call)"),
        "way": _("Way time (call to desk)"),
        "service_time": _("Service time"),
        "lateness": _("Minutes late (appointments)"),
        "estimate_error": _("Real wait minus expected wait"),
    }


def lead_names() -> dict[str, str]:
    return {
        "booked_by_lead": _("Booked"),
        "no_shows_by_lead": _("Did not come"),
        "cancelled_by_lead": _("Cancelled"),
    }


@dataclass(frozen=True)
class Dashboard:
    figures: PeriodFigures
    tables: dict[str, Table]
    charts: list[dict[str, object]]
    summary: str


def _spread_row(name: str, spread: Spread) -> tuple:
    return (name, spread.n, _minutes(spread.median), _minutes(spread.p90))


def office_dashboard(
    office: Office, first: date, last: date, *, service_id: int | None = None, language: str = ""
) -> Dashboard:
    got = period_figures(office, first, last, service_id=service_id, language=language)
    names = spread_names()
    minutes_table: Table = {
        "caption": _("Minutes: median and 90th percentile"),
        "header": (_("Figure"), _("Count"), _("Median (min)"), _("90th percentile (min)")),
        "rows": [_spread_row(label, got.spreads[key]) for key, label in names.items()],
    }
    counts_table: Table = {
        "caption": _("Visits and appointments"),
        "header": (_("Figure"), _("Value")),
        "rows": [
            (_("Tickets"), got.counts["tickets"]),
            (_("Walk-ins"), got.counts["walk_ins"]),
            (_("Share of walk-ins"), share_text(got.rate("walk_ins", "tickets"))),
            (_("Served"), got.counts["served"]),
            (_("Called, did not come"), got.counts["missed"]),
            (_("Appointments booked"), got.counts["booked"]),
            (_("No-show rate"), share_text(got.rate("no_shows", "booked"))),
            (_("Late rate"), share_text(got.rate("late", "arrived"))),
            (_("Cancellation rate"), share_text(got.rate("cancelled", "booked"))),
        ],
    }
    buckets = sorted({key for name in LEADS for key in got.leads[name]}, key=_bucket_order)
    lead_table: Table = {
        "caption": _("Appointments by how far ahead they were booked (days)"),
        "header": (_("Days ahead"), *lead_names().values()),
        "rows": [(b, *(got.leads[name].get(b, 0) for name in LEADS)) for b in buckets],
    }
    per_hour = got.tickets_per_desk_hour()
    hours_chart = Chart(
        title=_("Tickets per hour a desk was open"),
        description=_("Tickets issued in each hour of the day, per desk hour open."),
        x_label=_("Hour"),
        y_label=_("Tickets per desk hour"),
        categories=tuple(f"{hour:02d}:00" for hour in per_hour),
        series=(Series(_("Tickets per desk hour"), tuple(per_hour.values())),),
    )
    days = daily_spread(office, first, last, "waiting", service_id=service_id, language=language)
    waits_chart = Chart(
        title=_("Waiting time per day"),
        description=_("Median and 90th percentile of the waiting time, day by day."),
        x_label=_("Day"),
        y_label=_("Minutes"),
        categories=tuple(day_text(day) for day, _spread in days),
        series=(
            Series(_("Median"), tuple(_num(s.median) for _day, s in days)),
            Series(_("90th percentile"), tuple(_num(s.p90) for _day, s in days)),
        ),
        unit="min",
    )
    marks = note_marks(office, first, last, service_id=service_id)  # practice notes
    free = free_days_latest(office)
    free_table: Table = {
        "caption": _("Days until the next free appointment"),
        "header": (_("Service"), _("Days")),
        "rows": [
            (sample.service.name_in(get_language()), _minutes(sample.days)) for sample in free
        ],
    }
    waiting = got.spreads["waiting"]
    if waiting.n:
        summary = _(
            "Half of the %(count)s clients waited at most %(median)s minutes, nine in ten at "
            "most %(p90)s minutes."
        ) % {"count": waiting.n, "median": waiting.median, "p90": waiting.p90}
    else:
        summary = _("No recorded visits in this period.")
    feedback = feedback_of(office, first, last)
    questions = {
        "waiting": _("Was the waiting time acceptable?"),
        "friendliness": _("Were the staff friendly?"),
        "found_way": _("Did you find your way easily?"),
        "information": _("Was the information clear?"),
    }
    feedback_table: Table = {
        "caption": _("Client feedback (1: not at all, 5: very much)"),
        "header": (_("Figure"), _("Count"), _("Mean")),
        "rows": [
            (label, n, _minutes(mean))
            for key, label in questions.items()
            for n, mean in [feedback["scores"][key]]  # type: ignore[index]
        ],
    }
    comments_table: Table = {
        "caption": _("Comments (e-mail addresses and phone numbers removed)"),
        "header": (_("Month"), _("Comment")),
        "rows": [(month_text(month), text) for month, text in feedback["comments"]],  # type: ignore[attr-defined]
    }
    tables = {
        "minutes": minutes_table,
        "counts": counts_table,
        "leads": lead_table,
        "hours": chart_table(hours_chart),
        # A practice note keeps the days: it stands on its day's row (and the chart's line).
        "days": table_with_notes(waits_chart.table() if marks else chart_table(waits_chart), marks),
        "free": free_table,
        "feedback": feedback_table,
        "comments": comments_table,
    }
    # Issue 17, part B: the callbacks' and interpreters' figures (parts switched on only).
    tables.update(part_tables(office, first, last, service_id=service_id, language=language))
    charts = [  # each with the name of its table in `tables`
        {
            "chart": waits_chart,
            "kind": "line",
            "marks": marks,
            "table": "days",
            "empty": not (marks or chart_has_values(waits_chart)),
        },
        {
            "chart": hours_chart,
            "kind": "bar",
            "table": "hours",
            "empty": not chart_has_values(hours_chart),
        },
    ]
    return Dashboard(got, tables, charts, summary)


def table_rows_html(table: Table) -> SafeString:
    """A table's rows as the pages show them (each row a <tr>, its first cell the row's header),
    rendered once in Python with the template engine's own formatting and escaping: a year has
    365 day rows, shown under their chart and again among the tables."""
    context = Context()  # autoescape on, numbers localised: what {{ cell }} renders
    return mark_safe(  # noqa: S308 - every cell escaped by render_value_in_context
        "".join(
            "<tr>"
            + "".join(
                f'<th scope="row">{render_value_in_context(cell, context)}</th>'
                if n == 0
                else f"<td>{render_value_in_context(cell, context)}</td>"
                for n, cell in enumerate(row)
            )
            + "</tr>"
            for row in table["rows"]  # type: ignore[attr-defined]
        )
    )


def _num(value: int | None) -> float | None:
    return None if value is None else float(value)


def _bucket_order(name: str) -> int:
    return int(name.split("-")[0].rstrip("+"))


def suppressed(value: object, n: int) -> object:
    """A figure of a group smaller than the minimum is not shown."""
    return (
        value
        if n >= minimum_group()
        else _("fewer than %(minimum)s clients") % {"minimum": minimum_group()}
    )


def offices_table(
    offices: list[tuple[str, Office]],
    first: date,
    last: date,
    *,
    known: dict[int, PeriodFigures] | None = None,
) -> Table:
    """The ministry's comparison: every office side by side, aggregates only, each figure of a
    group below the minimum suppressed (its count too). The offices' figures are read in one
    grouped query for all of them, except those `known` already (unfiltered, of this period)."""
    rows = []
    known = known or {}
    figures = {
        **offices_period_figures(
            [office.pk for _name, office in offices if office.pk not in known],
            first,
            last,
            histograms=("waiting",),
            hours=False,
        ),
        **known,
    }
    for name, office in offices:
        rows.append(comparison_cells(name, figures[office.pk]))
    return {
        "caption": _("Figures of all offices"),
        "header": (
            _("Office"),
            _("Tickets"),
            _("Median wait (min)"),
            _("90th percentile wait (min)"),
            _("Share of walk-ins"),
            _("No-show rate"),
        ),
        "rows": rows,
    }
