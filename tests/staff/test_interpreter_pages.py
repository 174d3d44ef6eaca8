"""Staff pages of interpreters: the overview with switching to video or phone, the monthly
statement PDF (read back with pdftotext) and the cost report as CSV and XLSX against the budget,
with the fee of the issue's example (249.30 €)."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from openpyxl import load_workbook

from schalter.accounts.actors import CLIENT, COMMAND
from schalter.interpreters import services
from schalter.interpreters.models import AssignmentState, Interpreter
from schalter.offices.services import office_part_switch
from tests.interpreters.conftest import NOW, TUESDAY_9, make_interpreter
from tests.printing.conftest import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(office):
    office_part_switch(office=office, name="interpreters", on=True, acting_user=COMMAND)
    amina = make_interpreter({office: Decimal(20)}, name="Amina")
    assignment = services.assignment_request(
        office=office,
        language="prs",
        mode="on_site",
        start=TUESDAY_9,
        end=TUESDAY_9 + timedelta(minutes=70),
        now=NOW,
        acting_user=COMMAND,
    )
    services.assignment_match(assignment=assignment, now=NOW, acting_user=COMMAND)
    services.assignment_accept(
        interpreter=amina, assignment_id=assignment.pk, now=NOW, acting_user=CLIENT
    )
    services.assignment_report(
        interpreter=amina,
        assignment_id=assignment.pk,
        start=TUESDAY_9,
        end=TUESDAY_9 + timedelta(minutes=70),
        travel_before_minutes=30,
        travel_after_minutes=30,
        waiting_minutes=15,
        km=Decimal(40),
        receipts=[],
        now=NOW,
        acting_user=CLIENT,
    )
    services.interpreter_budget_set(
        office=office, month=NOW.date(), amount=Decimal(1000), acting_user=COMMAND
    )
    return amina


def test_the_statement_pdf_shows_each_line_and_the_total(staff_client, office, reported):
    client = staff_client(office)
    response = client.get(
        f"/staff/{office.slug}/interpreters/{reported.pk}/statement.pdf?month=2026-03"
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Amina" in text
    assert "145 Minuten" in text and "2,5" in text
    assert "232,50" in text and "16,80" in text and "249,30" in text


def test_the_cost_report_as_csv_and_xlsx(staff_client, office, reported):
    client = staff_client(office)
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    f"/staff/{office.slug}/interpreters/costs.csv?month=2026-03"
                ).content.decode()
            ),
            delimiter=";",
        )
    )
    assert rows[1][3] == "Amina" and rows[1][4] == "145" and rows[1][6] == "249.30"
    assert ["Gesamt", "", "", "", "", "", "249.30"] in rows  # German, the staff default
    assert ["Budget", "", "", "", "", "", "1000.00"] in rows
    assert rows[-1][6] == "750.70"
    book = load_workbook(
        io.BytesIO(
            client.get(f"/staff/{office.slug}/interpreters/costs.xlsx?month=2026-03").content
        )
    )
    sheet = book.active
    assert sheet.title == "2026-03"
    assert Decimal(str(sheet.cell(row=2, column=7).value)) == Decimal("249.30")
    assert Decimal(str(sheet.cell(row=sheet.max_row, column=7).value)) == Decimal("750.70")


def test_staff_switch_an_unfound_request_to_video(staff_client, office):
    office_part_switch(office=office, name="interpreters", on=True, acting_user=COMMAND)
    make_interpreter({office: Decimal(5)}, name="Vida", modes=("video",))
    assignment = services.assignment_request(
        office=office,
        language="prs",
        mode="on_site",
        start=TUESDAY_9,
        end=TUESDAY_9 + timedelta(hours=1),
        now=NOW,
        acting_user=COMMAND,
    )
    services.assignment_match(assignment=assignment, now=NOW, acting_user=COMMAND)
    client = staff_client(office)
    with time_machine.travel(NOW, tick=False):
        page = client.get(f"/staff/{office.slug}/interpreters/")
        assert "Noch keine Dolmetscherin gefunden" in page.content.decode()
        assert "Dari (دری)" in page.content.decode()  # readable for German staff, and in itself
        client.post(f"/staff/{office.slug}/interpreters/{assignment.pk}/mode/", {"mode": "video"})
    assignment.refresh_from_db()
    assert assignment.mode == "video" and assignment.state == AssignmentState.PROPOSED
    assert assignment.interpreter.name == "Vida"


FORMULA = '=HYPERLINK("https://evil.example/","Amina")'


def test_a_name_that_looks_like_a_formula_is_text_in_the_cost_report(
    staff_client, office, reported
):
    """Names are typed by people: in the CSV and the XLSX a cell starting with = + - @ must stay
    text, or a spreadsheet runs it (formula injection)."""
    Interpreter.objects.filter(pk=reported.pk).update(name=FORMULA)
    client = staff_client(office)
    url = f"/staff/{office.slug}/interpreters/costs"
    rows = list(
        csv.reader(
            io.StringIO(client.get(f"{url}.csv?month=2026-03").content.decode()), delimiter=";"
        )
    )
    assert rows[1][3] == "'" + FORMULA
    sheet = load_workbook(io.BytesIO(client.get(f"{url}.xlsx?month=2026-03").content)).active
    cell = sheet.cell(row=2, column=4)
    assert cell.data_type == "s" and cell.value == "'" + FORMULA
    assert Decimal(str(sheet.cell(row=2, column=7).value)) == Decimal("249.30")  # still a number


@pytest.mark.parametrize("month", ["9999-12", "1-1", "99999999999999999999-1"])
def test_a_month_out_of_range_is_this_month_not_an_error(staff_client, office, reported, month):
    client = staff_client(office)
    for url in (
        f"/staff/{office.slug}/interpreters/?month={month}",
        f"/staff/{office.slug}/interpreters/costs.csv?month={month}",
        f"/staff/{office.slug}/interpreters/costs.xlsx?month={month}",
        f"/staff/{office.slug}/interpreters/{reported.pk}/statement.pdf?month={month}",
    ):
        assert client.get(url).status_code == 200, url
