"""schalter/charts.py: accessible SVG line and bar charts with their table."""

import itertools
import xml.etree.ElementTree as ET

from schalter.charts import Chart, Series, bar_chart, line_chart, nice_maximum, text_width

NS = "{http://www.w3.org/2000/svg}"
CHART = Chart(
    title="Wait by hour <today & plan>",
    description="Mean wait falls from 12 to 3 minutes.",
    x_label="Hour",
    y_label="Minutes",
    categories=("8", "9", "10"),
    series=(Series("Today", (12.0, 8.0, None)), Series("Plan", (3.0, 2.5, 2.0))),
    unit="min",
)


def parsed(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own markup


def test_line_chart_is_an_accessible_image_without_colour_as_the_only_signal():
    root = parsed(line_chart(CHART))
    assert root.get("role") == "img"
    title, desc = root.find(f"{NS}title"), root.find(f"{NS}desc")
    assert title.text == "Wait by hour <today & plan>"  # escaped in the markup, intact here
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    paths = [p for p in root.iter(f"{NS}path") if p.get("fill") == "none"]
    assert len(paths) == 2 and paths[0].get("stroke-dasharray") != paths[1].get("stroke-dasharray")
    assert root.find(f".//{NS}circle") is not None and root.find(f".//{NS}rect") is not None
    labels = [t.text for t in root.iter(f"{NS}text")]
    assert "Today" in labels and "Plan" in labels  # direct labels, not a colour legend


def test_bar_chart_patterns_values_and_legend():
    root = parsed(bar_chart(CHART))
    assert root.get("role") == "img"
    assert len(root.findall(f".//{NS}pattern")) == 2
    labels = [t.text for t in root.iter(f"{NS}text")]
    assert "12,0" in labels and "2,5" in labels and "Plan" in labels  # German: the default


def test_the_table_holds_the_same_figures():
    table = CHART.table()
    assert table["header"] == ("Hour", "Today", "Plan")
    assert table["rows"][0] == ("8", "12,0 min", "3,0 min")  # German: the default
    assert table["rows"][2] == ("10", "–", "2,0 min")


def test_nice_maximum():
    assert nice_maximum(0) == 1 and nice_maximum(7.3) == 10 and nice_maximum(12) == 20
    assert nice_maximum(230) == 250


def axis_labels(root: ET.Element, categories: tuple[str, ...]) -> list[ET.Element]:
    return [t for t in root.iter(f"{NS}text") if t.text in categories]


def test_axis_labels_never_overlap_and_the_table_keeps_every_day():
    for count in (2, 7, 14, 31, 90, 365):
        days = tuple(f"2026-{1 + i // 28:02d}-{1 + i % 28:02d}" for i in range(count))
        chart = Chart("t", "d", "Day", "Minutes", days, (Series("Median", (5.0,) * count),))
        for draw in (line_chart, bar_chart):
            shown = axis_labels(parsed(draw(chart)), days)
            xs = [float(t.get("x")) for t in shown]
            assert shown and len(shown) <= count
            assert all(b - a >= text_width(days[0]) for a, b in itertools.pairwise(xs)), (
                count,
                draw.__name__,
            )
        assert len(chart.table()["rows"]) == count
    few = Chart("t", "d", "Hour", "Minutes", ("8", "9", "10"), (Series("a", (1.0, 2.0, 3.0)),))
    assert len(axis_labels(parsed(line_chart(few)), few.categories)) == 3  # room for all


def test_legends_and_line_labels_fit_inside_the_picture_and_apart():
    long = "Mit den Änderungen"
    chart = Chart("t", "d", "Hour", "Minutes", ("8", "9"), (
        Series("Heute", (1.0, 0.0)), Series(long, (0.5, 0.0)),
    ))  # fmt: skip
    for draw in (line_chart, bar_chart):
        root = parsed(draw(chart))
        width = float(root.get("viewBox").split()[2])
        label = next(t for t in root.iter(f"{NS}text") if " ".join(t.itertext()) == long)
        assert width == 640, draw.__name__  # the name wraps: the chart keeps its size
        lines = [span.text for span in label.iter(f"{NS}tspan")] or [label.text]
        widest = max(text_width(line) for line in lines)
        assert float(label.get("x")) + widest <= width, draw.__name__
    crossing = Chart("t", "d", "Hour", "Minutes", ("8", "9"), (
        Series("Heute", (1.0, 0.0)), Series(long, (0.5, 0.4)),
    ))  # fmt: skip
    root = parsed(line_chart(crossing))  # the second ends just above the first
    texts = {" ".join(t.itertext()): float(t.get("y")) for t in root.iter(f"{NS}text")}
    assert texts[long] - texts["Heute"] >= 14 or texts["Heute"] - texts[long] >= 2 * 14
