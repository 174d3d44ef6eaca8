"""The offices' dated practice notes (knowledge base) on the timelines of the figures they were
meant to move: a marked line at the note's day in the chart, with its words in the chart's
accessible description and in a title of its own, and the note in the table beside the chart."""

from dataclasses import dataclass, replace
from datetime import date
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from schalter.charts import BOTTOM, HEIGHT, LEFT, RIGHT, TOP, WIDTH, Chart, line_chart
from schalter.knowledge.models import PracticeNote
from schalter.numbers import day_text
from schalter.offices.models import Office

NOTE_COLOUR = "#6a1b9a"
NOTE_TEXT_MAX = 200


@dataclass(frozen=True)
class Mark:
    label: str  # "N1", as on the chart and in the table
    day: date
    text: str

    def sentence(self) -> str:
        return _("Practice note %(label)s from %(day)s: %(text)s") % {
            "label": self.label,
            "day": day_text(self.day),
            "text": self.text,
        }


def note_marks(
    office: Office, first_day: date, last_day: date, *, service_id: int | None = None
) -> list[Mark]:
    """The office's practice notes dated within the period (of one service, if chosen), oldest
    first, labelled N1, N2, …"""
    with scopes_disabled():
        notes = PracticeNote.objects.filter(office=office, since__range=(first_day, last_day))
        if service_id is not None:
            notes = notes.filter(service_id=service_id)
        found = list(notes.order_by("since", "id").values_list("since", "text"))
    return [
        Mark(f"N{n}", since, " ".join(text.split())[:NOTE_TEXT_MAX])
        for n, (since, text) in enumerate(found, start=1)
    ]


def with_notes(chart: Chart, marks: list[Mark]) -> Chart:
    """The chart whose description also reads out the notes (screen readers hear them)."""
    if not marks:
        return chart
    return replace(
        chart, description=" ".join([chart.description, *(mark.sentence() for mark in marks)])
    )


def marked_line_chart(chart: Chart, marks: list[Mark]) -> SafeString:
    """A line chart over days (categories are numbers.day_text) with each note's day marked."""
    svg = str(line_chart(with_notes(chart, marks)))
    days = list(chart.categories)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    n = max(1, len(days) - 1)
    drawn = []
    for mark in marks:
        if day_text(mark.day) not in days:
            continue
        i = days.index(day_text(mark.day))
        x = LEFT + plot_w * i / n if len(days) > 1 else LEFT + plot_w / 2
        drawn.append(
            f'<g class="chart-note"><title>{escape(mark.sentence())}</title>'
            f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{TOP + plot_h}" '
            f'stroke="{NOTE_COLOUR}" stroke-width="2" stroke-dasharray="4 3"/>'
            f'<text x="{x + 3:.1f}" y="{TOP + 12}" fill="{NOTE_COLOUR}" font-weight="bold">'
            f"{escape(mark.label)}</text></g>"
        )
    return mark_safe(svg.replace("</svg>", "".join(drawn) + "</svg>"))  # noqa: S308 - escaped


def table_with_notes(table: dict[str, object], marks: list[Mark]) -> dict[str, object]:
    """A day-by-day table (first cell a numbers.day_text), a column for the notes of each day."""
    if not marks:
        return table
    by_day: dict[str, list[str]] = {}
    for mark in marks:
        by_day.setdefault(day_text(mark.day), []).append(f"{mark.label}: {mark.text}")
    return {
        **table,
        "header": (*table["header"], _("Practice note")),  # type: ignore[misc]
        "rows": [
            (*row, " · ".join(by_day.get(str(row[0]), [])))
            for row in table["rows"]  # type: ignore[attr-defined]
        ],
    }
