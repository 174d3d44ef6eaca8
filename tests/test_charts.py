"""schalter/charts.py: accessible SVG line and bar charts with their table."""

import xml.etree.ElementTree as ET

from schalter.charts import Chart, Series, bar_chart, line_chart, nice_maximum

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
