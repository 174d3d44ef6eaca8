"""The cost report of an office and month as CSV and XLSX: one row per assignment (date,
language, mode, interpreter, minutes, billed hours, total), then totals by language and mode and
the budget. Amounts are written as they are computed (Decimal, two places): no float on the way."""

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from schalter.interpreters.languages import language_name
from schalter.interpreters.models import Mode
from schalter.interpreters.selectors import CostReport
from schalter.text import spreadsheet_cell


def cost_table(report: CostReport) -> list[list[object]]:
    header = [
        _("Date"),
        _("Language"),
        _("How"),
        _("Interpreter"),
        _("Minutes"),
        _("Hours"),
        _("Amount (€)"),
    ]
    rows: list[list[object]] = [header]
    for row in report.rows:
        rows.append(
            [
                row.start.strftime("%Y-%m-%d %H:%M"),
                f"{language_name(row.assignment.language)} ({row.assignment.language})",
                str(Mode(row.assignment.mode).label),
                row.interpreter_name,
                row.fee.minutes,
                row.fee.billed_hours,
                row.fee.total,
            ]
        )
    rows.append([])
    for code, amount in sorted(report.by_language.items()):
        rows.append([_("Language"), f"{language_name(code)} ({code})", "", "", "", "", amount])
    for mode, amount in sorted(report.by_mode.items()):
        rows.append([_("How"), str(Mode(mode).label), "", "", "", "", amount])
    rows.append([_("Total"), "", "", "", "", "", report.total])
    rows.append([_("Budget"), "", "", "", "", "", "" if report.budget is None else report.budget])
    remaining = report.remaining
    rows.append([_("Remaining"), "", "", "", "", "", "" if remaining is None else remaining])
    return rows


def _cell(value: object) -> str:
    return (
        f"{value:.2f}"
        if hasattr(value, "quantize") and not isinstance(value, int)
        else str(spreadsheet_cell(value))
    )


def cost_report_csv(report: CostReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    for row in cost_table(report):
        writer.writerow([_cell(value) for value in row])
    return out.getvalue()


def cost_report_xlsx(report: CostReport) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = report.month.strftime("%Y-%m")
    for row in cost_table(report):
        sheet.append([spreadsheet_cell(value) for value in row])
    for line in sheet.iter_rows(min_col=7, max_col=7):
        for cell in line:
            cell.number_format = "#,##0.00"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
