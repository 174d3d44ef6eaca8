"""Issue 17: the ministry's comparison shows each office's callback and interpreter figures
beside its own (hand-computed; suppressed below the minimum; "not in use" while a part is off;
anonymised), and the closed-days roll-up rolls up callback days of an office without tickets."""

import csv
import io
from datetime import timedelta

from bs4 import BeautifulSoup
from django_scopes import scopes_disabled
from openpyxl import load_workbook

from schalter.accounts.roles import Role
from schalter.callbacks.models import AttemptOutcome, Outcome
from schalter.insights.models import CallbackDay
from schalter.insights.part_rollups import callbacks_day_rollup, interpreters_day_rollup
from schalter.insights.rollups import closed_days_rollup, day_rollup
from schalter.interpreters.models import AssignmentState, Interpreter, InterpreterBudget
from tests.conftest import german
from tests.insights.test_part_b import DAY, assignment, at, callback, callback_history, with_parts

MARCH = "?first=2026-03-01&last=2026-03-31"
ONE_DAY = f"?first={DAY.isoformat()}&last={DAY.isoformat()}"


def histories(office, other_office):
    """Gießen (Office A): three callbacks closed on 3 March (two tried, one reached; two with a
    deadline, one first tried in time) and two interpreting assignments (60 and 80 minutes:
    93.00 € + 139.50 € = 232.50 €) against a March budget of 465 €. Darmstadt (Office B): one
    callback closed, too few to show; interpreting off although it has a costed assignment."""
    with_parts(office, "callbacks", "interpreters")
    with_parts(other_office, "callbacks")
    callback_history(office)
    amina = Interpreter.objects.create(name="Amina", email="amina@example.org", languages=["fa"])
    assignment(office, amina, at(3, 9), at(3, 10), state=AssignmentState.REPORTED)
    assignment(office, amina, at(3, 11), at(3, 12, 20), state=AssignmentState.REPORTED)
    assignment(other_office, amina, at(3, 9), at(3, 10), state=AssignmentState.REPORTED)
    with scopes_disabled():
        InterpreterBudget.objects.create(office=office, month=DAY.replace(day=1), amount=465)
    reached = [(at(3, 8, 30), AttemptOutcome.REACHED)]
    callback(other_office, 7, received=at(3, 8), deadline=at(3, 18), closed=at(3, 9),
             outcome=Outcome.REACHED, attempts=reached)  # fmt: skip
    for each in (office, other_office):
        callbacks_day_rollup(office=each, day=DAY)
        interpreters_day_rollup(office=each, day=DAY)


def exported(client, query):
    page = client.get(f"/staff/figures/{query}").content.decode()
    html = [
        [cell.get_text() for cell in row.select("th, td")]
        for row in BeautifulSoup(page, "html.parser").select("#offices-compared tr")
    ]
    csv_text = b"".join(client.get(f"/staff/figures/offices.csv{query}").streaming_content)
    rows = list(csv.reader(io.StringIO(csv_text.decode())))
    sheet = load_workbook(io.BytesIO(client.get(f"/staff/figures/offices.xlsx{query}").content))
    cells = [[c.value for c in row] for row in sheet.active.iter_rows()]
    # One table: the page in the page's language, the exports with its values (numbers with a
    # dot in the CSV, numeric cells in the XLSX; docs/insights.md).
    assert len(html) == len(rows) == len(cells)
    for shown, written, cell in zip(html, rows, cells, strict=True):
        assert len(shown) == len(written) == len(cell)
        for text, value, got in zip(shown, written, cell, strict=True):
            if isinstance(got, int | float):
                german_number = text.split()[0].replace(".", "").replace(",", ".")
                assert float(value) == got == float(german_number)
            else:
                assert text == value == got
    return page, html, rows


def test_the_ministry_compares_callbacks_and_interpreting(
    office, other_office, staff_client, settings
):
    settings.SCHALTER_INSIGHTS_MIN_GROUP = 2
    histories(office, other_office)
    page, rows, written = exported(staff_client(None, Role.MINISTRY), MARCH)
    header = rows[0]
    assert header[-7:] == [
        german(text)
        for text in (
            "Callbacks closed",
            "Reach rate",
            "First attempt within the deadline",
            "Interpreting hours",
            "Interpreting cost",
            "Interpreter budget",
            "Budget used",
        )
    ]
    office_a, office_b = (german("Office %(letter)s") % {"letter": x} for x in "AB")
    hidden = german("fewer than %(minimum)s clients") % {"minimum": 2}
    off = german("not in use")
    by_office = {row[0]: row[-7:] for row in rows[1:]}
    # 3 closed; reached 1 of 2 tried; 1 of 2 timed in time; 140 min = 2.3 h; 232.50 of 465 €.
    assert by_office[office_a] == ["3", "50,0 %", "50,0 %", "2,3", "232,50 €", "465,00 €", "50,0 %"]
    assert written[1][-7:] == ["3", "50.0", "50.0", "2.3", "232.50", "465.00", "50.0"]  # CSV
    # One callback: below the minimum, its rates too; interpreting off: absent, not zero.
    assert by_office[office_b] == [hidden, hidden, hidden, off, off, off, off]
    assert "Giessen" not in page and "Gießen" not in page and "Darmstadt" not in page
    assert "Amina" not in page and "+49" not in page

    # One day of March: its share of the month's budget, 465 € ÷ 31 = 15.00 €.
    _page, rows, _written = exported(staff_client(None, Role.MINISTRY), ONE_DAY)
    assert rows[1][-3:] == ["232,50 €", "15,00 €", "1.550,0 %"]

    settings.SCHALTER_INSIGHTS_MIN_GROUP = 5  # now Gießen's groups are too small as well
    _page, rows, _written = exported(staff_client(None, Role.MINISTRY), MARCH)
    hidden = german("fewer than %(minimum)s clients") % {"minimum": 5}
    assert rows[1][-7:] == [hidden, hidden, hidden, hidden, hidden, "465,00 €", hidden]
    assert not {"3", "2,3", "232,50 €", "50,0 %"} & set(rows[1])


def test_callback_days_of_an_office_without_tickets_are_rolled_up(office):
    callback_history(office)  # callbacks closed on 3 and 4 March; the office has no ticket
    assert closed_days_rollup(office=office, now=at(6, 1)) >= 3
    with scopes_disabled():
        closed = dict(CallbackDay.objects.filter(office=office).values_list("day", "closed"))
    assert closed == {DAY: 3, DAY + timedelta(days=1): 1}


def test_a_day_rolled_on_demand_is_rolled_again_once_closed(office):
    day_rollup(office=office, day=DAY, now=at(3, 8, 30))  # the dashboard, in the morning
    callback(office, 8, received=at(3, 8), deadline=None, closed=at(3, 17),
             outcome=Outcome.REACHED, attempts=[(at(3, 16), AttemptOutcome.REACHED)])  # fmt: skip
    closed_days_rollup(office=office, now=at(4, 0, 5))  # the tick after midnight
    with scopes_disabled():
        assert CallbackDay.objects.get(office=office, day=DAY).closed == 1
    closed_days_rollup(office=office, now=at(4, 0, 6))  # done once: not again
    with scopes_disabled():
        assert CallbackDay.objects.filter(office=office, day=DAY).count() == 1
