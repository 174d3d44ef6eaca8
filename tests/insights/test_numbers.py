"""Numbers as the page's language writes them (schalter/numbers.py): "50,0 %" on German pages,
"50.0 %" on English ones, in tables, charts and exports; exports keep the values (XLSX cells
are numbers, CSV has a dot); sheet names are whole words; an empty period says so."""

import csv
import io
from datetime import date
from decimal import Decimal

from bs4 import BeautifulSoup
from django.utils import translation
from openpyxl import load_workbook

from schalter.accounts.roles import Role
from schalter.charts import Chart, Series, bar_chart
from schalter.insights.exports import sheet_title
from schalter.numbers import change_text, day_text, money_text, share_text, tick_text
from tests.conftest import german
from tests.insights.test_pages import PERIOD, history


def test_the_one_rule_follows_the_language():
    with translation.override("de"):
        assert share_text(50.0) == "50,0 %" and money_text(Decimal("1232.5")) == "1.232,50 €"
        assert day_text(date(2031, 3, 3)) == "03.03.2031" and change_text(-1.5) == "-1,5"
        assert [tick_text(v) for v in (0, 0.25, 0.5, 0.75, 1)] == ["0", "0,25", "0,5", "0,75", "1"]
    with translation.override("en"):
        assert share_text(50.0) == "50.0 %" and money_text(Decimal("1232.5")) == "1,232.50 €"
        assert change_text(6) == "+6" and tick_text(0.25) == "0.25"
    assert share_text(None) == "–"


def test_axis_ticks_show_the_decimals_they_need():
    chart = Chart("Rate", "A rate.", "Hour", "Rate", ("8", "9"), (Series("Rate", (0.4, 1.0)),))
    with translation.override("de"):
        labels = [t.text for t in BeautifulSoup(bar_chart(chart), "html.parser").select("text")]
    assert {"0,25", "0,75", "1,0", "0,4"} <= set(labels)  # ticks 0,25 … 1; bars 0,4 and 1,0
    assert "0,2" not in labels and "0,8" not in labels


def test_the_dashboard_in_german_and_english(office, groups, sessions, staff_client):
    history(office, groups, sessions, 3)  # three walk-ins: 100 % of the tickets
    client = staff_client(office, Role.TEAM_LEAD)
    url = f"/staff/{office.slug}/insights/{PERIOD}"
    walk_ins = {"de": german("Share of walk-ins"), "en": "Share of walk-ins"}
    for language, share in (("de", "100,0 %"), ("en", "100.0 %")):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        soup = BeautifulSoup(page, "html.parser")
        rows = {
            row.th.get_text(strip=True): row.td.get_text(strip=True)
            for row in soup.select("#table-counts tbody tr")
        }
        assert rows[walk_ins[language]] == share, language
    export = client.get(
        f"/staff/{office.slug}/insights/export/{PERIOD}&table=counts&kind=xlsx",
        HTTP_ACCEPT_LANGUAGE="de",
    )
    sheet = load_workbook(io.BytesIO(export.content)).active
    by_label = {row[0].value: row[1] for row in sheet.iter_rows(min_row=2)}
    share_cell = by_label[german("Share of walk-ins")]
    assert share_cell.data_type == "n" and share_cell.value == 100.0  # a number, not "100,0 %"
    assert "%" in share_cell.number_format  # shown with its unit in the spreadsheet
    csv_text = b"".join(
        client.get(
            f"/staff/{office.slug}/insights/export/{PERIOD}&table=counts&kind=csv",
            HTTP_ACCEPT_LANGUAGE="de",
        ).streaming_content
    ).decode()
    assert [german("Share of walk-ins"), "100.0"] in list(csv.reader(io.StringIO(csv_text)))


def test_sheet_names_are_whole_words():
    name = sheet_title("Minuten: Median und 90. Perzentil der Wartezeit")
    assert name == "Minuten Median und 90." and len(name) <= 31  # not "… 90. Perzent"
    assert sheet_title("Kosten", taken={"Kosten"}) == "Kosten 2"
    assert sheet_title("a/b [c]?") == "a b c"
    for caption in (
        german("Minutes: median and 90th percentile"),
        german("Appointments by how far ahead they were booked (days)"),
        german("Interpreters: hours and cost against the budget"),
    ):
        title = sheet_title(caption)
        assert len(title) <= 31 and set(title.split()) <= set(
            caption.replace(":", " ").replace("(", " ").replace(")", " ").split()
        ), title


def test_an_empty_period_says_so_once_per_chart(office, staff_client):
    client = staff_client(office, Role.TEAM_LEAD)
    page = client.get(f"/staff/{office.slug}/insights/{PERIOD}").content.decode()
    soup = BeautifulSoup(page, "html.parser")
    assert not soup.select("figure svg")  # no empty picture
    empty = german("No data in this period.")
    assert len(soup.select("figure.chart-empty")) == 2
    assert all(empty in figure.get_text() for figure in soup.select("figure.chart-empty"))
    days = soup.select("#table-days tbody tr")
    assert len(days) == 1 and empty in days[0].get_text()  # not a row of dashes a day
