"""Server-rendered charts as accessible SVG: line and bar charts with a title and a description
for screen readers (role="img", <title>, <desc>), series told apart by dash pattern, marker
shape and fill pattern as well as colour, each value labelled, and the same figures as a table
(`Chart.table`) for the page to render beside it. No JavaScript, no models; the planning page
uses it, the figures pages and their PDFs can too."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

from schalter.numbers import MISSING, number_text, tick_text

# Colours with contrast ≥ 3:1 on white, told apart without colour too.
COLOURS = ("#1f4e99", "#b3541e", "#2e7d32", "#6a1b9a", "#37474f")
DASHES = ("", "6 4", "2 3", "10 3 2 3", "1 6")
MARKERS = ("circle", "square", "triangle", "diamond", "cross")
WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 120, 16, 40
FONT_SIZE = 12
LABEL_GAP = 6  # room between two axis labels
LINE_GAP = 14  # room between two end-of-line labels
NARROW = frozenset(" .,:;'|!()[]-/iljtfI")
_ids = itertools.count(1)


def text_width(text: str) -> float:
    """The width a text takes at the charts' font size, from the widths of a sans-serif
    font's character classes rounded up (narrow signs, digits, capitals, the rest)."""
    em = 0.0
    for char in text:
        em += 0.3 if char in NARROW else 0.6 if char.isdigit() else 0.68 if char.isupper() else 0.56
    return em * FONT_SIZE


def label_step(categories: tuple[str, ...], plot_width: float) -> int:
    """Label only every n-th category so that no two axis labels overlap: the smallest n for
    which n ticks' distance is wider than the widest label and a gap. The chart's table keeps
    every category."""
    count = len(categories)
    if count <= 1:
        return 1
    widest = max(text_width(c) for c in categories) + LABEL_GAP
    spacing = plot_width / count
    return max(1, math.ceil(widest / spacing))


def wrapped(text: str, width: float) -> list[str]:
    """The text's words in lines no wider than width (a longer word keeps a line of its own)."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def _lines(x: float, y: float, lines: list[str], attributes: str = "") -> str:
    """A text of several lines, one tspan each, the first at y."""
    if len(lines) == 1:
        return f'<text x="{x:.1f}" y="{y:.1f}"{attributes}>{escape(lines[0])}</text>'
    spans = "".join(
        f'<tspan x="{x:.1f}" dy="{0 if j == 0 else LINE_GAP}">{escape(line)}</tspan>'
        for j, line in enumerate(lines)
    )
    return f'<text x="{x:.1f}" y="{y:.1f}"{attributes}>{spans}</text>'


def _spread(wanted: list[float], heights: list[float]) -> list[float]:
    """Heights for labels (each `heights` tall) wanted at these heights, moved down as little
    as needed so that none overprints another (in the wanted order from top to bottom)."""
    order = sorted(range(len(wanted)), key=lambda k: wanted[k])
    placed = list(wanted)
    below = -math.inf
    for k in order:
        placed[k] = max(wanted[k], below)
        below = placed[k] + heights[k]
    return placed


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class Chart:
    """What both the SVG and the table show."""

    title: str
    description: str
    x_label: str
    y_label: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = ""

    def table(self) -> dict[str, object]:
        """Caption, header and rows for the matching data table."""
        return {
            "caption": self.title,
            "header": (self.x_label, *(s.name for s in self.series)),
            "rows": [
                (category, *(_number(s.values[i], self.unit) for s in self.series))
                for i, category in enumerate(self.categories)
            ],
        }


def _number(value: float | None, unit: str = "") -> str:
    """A value as the active language writes it (schalter/numbers.py), one decimal below 100."""
    if value is None:
        return MISSING
    return number_text(value, unit, 1 if abs(value) < 100 else 0)


def nice_maximum(value: float) -> float:
    """The next 1, 2, 2.5 or 5 × 10^n at or above value (an axis that ends on a round number)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _frame(
    chart: Chart, top: float, body: list[str], defs: str = "", right_edge: float = WIDTH
) -> SafeString:
    """The axes, title and description around the body; the picture widens beyond WIDTH (the
    plot itself keeps its place) when a legend or line label reaches to right_edge."""
    uid = next(_ids)
    width = max(WIDTH, math.ceil(right_edge))
    title_id, desc_id = f"chart-title-{uid}", f"chart-desc-{uid}"
    plot_h = HEIGHT - TOP - BOTTOM
    axis = [
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="#333"/>',
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" '
        'stroke="#333"/>',
    ]
    for k in range(5):
        value = top * k / 4
        y = TOP + plot_h - plot_h * k / 4
        axis.append(
            f'<line x1="{LEFT - 4}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            f'stroke="#ddd"/><text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(tick_text(value))}</text>"
        )
    axis.append(
        f'<text x="{LEFT}" y="{TOP - 4}" text-anchor="start" font-weight="bold">'
        f"{escape(chart.y_label)}</text>"
    )
    axis.append(
        f'<text x="{(LEFT + WIDTH - RIGHT) / 2:.0f}" y="{HEIGHT - 6}" text-anchor="middle">'
        f"{escape(chart.x_label)}</text>"
    )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {HEIGHT}" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" class="chart" font-size="{FONT_SIZE}" '
        f'font-family="system-ui, sans-serif">'
        f'<title id="{title_id}">{escape(chart.title)}</title>'
        f'<desc id="{desc_id}">{escape(chart.description)}</desc>'
        f"{defs}{''.join(axis)}{''.join(body)}</svg>"
    )
    return mark_safe(svg)  # noqa: S308 - every text above is escaped


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'
    if kind == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if kind == "triangle":
        return (
            f'<polygon points="{x:.1f},{y - 5:.1f} {x - 5:.1f},{y + 4:.1f} {x + 5:.1f},{y + 4:.1f}"'
            f' fill="{colour}"/>'
        )
    if kind == "diamond":
        return (
            f'<polygon points="{x:.1f},{y - 5:.1f} {x - 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} '
            f'{x + 5:.1f},{y:.1f}" fill="{colour}"/>'
        )
    return (
        f'<path d="M{x - 4:.1f},{y - 4:.1f}L{x + 4:.1f},{y + 4:.1f}M{x - 4:.1f},{y + 4:.1f}'
        f'L{x + 4:.1f},{y - 4:.1f}" stroke="{colour}" stroke-width="2"/>'
    )


def line_chart(chart: Chart) -> SafeString:
    """One line per series over the categories; a gap where a value is missing; the series'
    name at the end of its line, with its own dash pattern and marker."""
    values = [v for s in chart.series for v in s.values if v is not None]
    top = nice_maximum(max(values, default=0.0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    n = max(1, len(chart.categories) - 1)

    def x_of(i: int) -> float:
        return LEFT + plot_w * i / n if len(chart.categories) > 1 else LEFT + plot_w / 2

    def y_of(v: float) -> float:
        return TOP + plot_h - plot_h * v / top

    step = label_step(chart.categories, plot_w)
    body = [
        f'<text x="{x_of(i):.1f}" y="{TOP + plot_h + 16}" text-anchor="middle">{escape(c)}</text>'
        for i, c in enumerate(chart.categories)
        if i % step == 0
    ]
    drawn = []
    for k, series in enumerate(chart.series):
        points = [(x_of(i), y_of(v)) for i, v in enumerate(series.values) if v is not None]
        if points:
            drawn.append((k, series, points))
    names = [wrapped(series.name, WIDTH - points[-1][0] - 16) for _k, series, points in drawn]
    label_ys = _spread(
        [points[-1][1] + 4 + LINE_GAP * k for k, _s, points in drawn],
        [LINE_GAP * len(lines) for lines in names],
    )
    right_edge = float(WIDTH)
    for (k, _series, points), label_y, lines in zip(drawn, label_ys, names, strict=True):
        colour, dash, marker = (
            COLOURS[k % len(COLOURS)],
            DASHES[k % len(DASHES)],
            MARKERS[k % len(MARKERS)],
        )
        path = " ".join(
            f"{'M' if j == 0 else 'L'}{x:.1f},{y:.1f}" for j, (x, y) in enumerate(points)
        )
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        body.append(f'<g aria-hidden="true"><path d="{path}" fill="none" stroke="{colour}" '
                    f'stroke-width="2.5"{dash_attr}/>')  # fmt: skip
        body += [_marker(marker, x, y, colour) for x, y in points]
        last_x = points[-1][0]
        right_edge = max(right_edge, last_x + 8 + max(map(text_width, lines)))
        body.append(_lines(last_x + 8, label_y, lines, f' fill="{colour}"') + "</g>")
    return _frame(chart, top, body, right_edge=right_edge)


def bar_chart(chart: Chart) -> SafeString:
    """Grouped bars: one group per category, one bar per series, each with its own fill
    pattern and its value written above it."""
    values = [v for s in chart.series for v in s.values if v is not None]
    top = nice_maximum(max(values, default=0.0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    groups = max(1, len(chart.categories))
    per = max(1, len(chart.series))
    group_w = plot_w / groups
    bar_w = group_w * 0.8 / per
    uid = next(_ids)
    patterns = []
    for k in range(per):
        colour = COLOURS[k % len(COLOURS)]
        lines = (
            ""
            if k == 0
            else '<path d="M0,8 L8,0" stroke="#fff" stroke-width="2"/>'
            if k == 1
            else '<circle cx="4" cy="4" r="1.6" fill="#fff"/>'
        )
        patterns.append(
            f'<pattern id="bar-{uid}-{k}" width="8" height="8" patternUnits="userSpaceOnUse">'
            f'<rect width="8" height="8" fill="{colour}"/>{lines}</pattern>'
        )
    defs = f"<defs>{''.join(patterns)}</defs>"
    body = []
    step = label_step(chart.categories, plot_w)
    for i, category in enumerate(chart.categories):
        x0 = LEFT + group_w * i + group_w * 0.1
        if i % step == 0:
            body.append(
                f'<text x="{LEFT + group_w * (i + 0.5):.1f}" y="{TOP + plot_h + 16}" '
                f'text-anchor="middle">{escape(category)}</text>'
            )
        for k, series in enumerate(chart.series):
            value = series.values[i]
            if value is None:
                continue
            h = plot_h * value / top
            x = x0 + bar_w * k
            body.append(
                f'<rect x="{x:.1f}" y="{TOP + plot_h - h:.1f}" width="{bar_w - 2:.1f}" '
                f'height="{h:.1f}" fill="url(#bar-{uid}-{k})" stroke="#222"/>'
                f'<text x="{x + bar_w / 2:.1f}" y="{TOP + plot_h - h - 4:.1f}" '
                f'text-anchor="middle">{escape(_number(value))}</text>'
            )
    right_edge = float(WIDTH)
    y = TOP + 10
    for k, series in enumerate(chart.series):  # the legend, with the same fill
        text_x = WIDTH - RIGHT + 28
        lines = wrapped(series.name, WIDTH - text_x)
        right_edge = max(right_edge, text_x + max(map(text_width, lines)))
        body.append(
            f'<rect x="{WIDTH - RIGHT + 8}" y="{y - 10}" width="14" height="14" '
            f'fill="url(#bar-{uid}-{k})" stroke="#222"/>' + _lines(text_x, y + 1, lines)
        )
        y += 20 + LINE_GAP * (len(lines) - 1)
    return _frame(chart, top, body, defs, right_edge)
