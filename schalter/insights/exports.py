"""Every table of the insights pages as CSV (streamed, row by row) or XLSX (openpyxl in
write-only mode). A table holds at most a period's days (the period is bounded by the form), so
an export never ties a worker up for long.

Exports are for machines: a figure (schalter/numbers.Shown) is written as its value, not as the
page's text — an XLSX cell is a number (shown with its unit by the cell's format) or a date, a
CSV cell a number with a dot ("50.0", "232.50") or an ISO date, whatever the page's language."""

import csv
import io
import re
from collections.abc import Collection, Iterator
from datetime import date
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from schalter.insights.dashboard import Table
from schalter.numbers import Shown, machine
from schalter.text import spreadsheet_cell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Echo:
    def write(self, value: str) -> str:
        return value


# How an XLSX cell of a unit shows its number (the value stays a number).
CELL_FORMATS = {"%": '0.0" %"', "€": '#,##0.00" €"', "min": '0.0" min"'}
SHEET_MAX = 31  # Excel's limit for a sheet's name


def _value(cell: object) -> object:
    """A cell's value for an export: a figure's number or day, else the cell as text, quoted
    where it begins like a formula (a spreadsheet must not run it)."""
    value = machine(cell)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | date):
        return spreadsheet_cell(str(value))
    return value


def _text_cells(row) -> list[str]:
    return [
        value.isoformat() if isinstance(value, date) else str(value) for value in map(_value, row)
    ]


def csv_rows(table: Table) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(_text_cells(table["header"]))  # type: ignore[arg-type]
    for row in table["rows"]:  # type: ignore[attr-defined]
        yield writer.writerow(_text_cells(row))


def csv_response(table: Table, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_rows(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def sheet_title(caption: str, taken: Collection[str] = ()) -> str:
    """A caption as a sheet's name: its first whole words that fit in 31 characters, without
    the []:*?/\\ Excel refuses, and unlike the names `taken` ("Costs", "Costs 2")."""
    words = re.sub(r"[\[\]:*?/\\'()]", " ", caption).split()
    title = ""
    for word in words:
        if len(f"{title} {word}".strip()) > SHEET_MAX:
            break
        title = f"{title} {word}".strip()
    title = title.rstrip(",;-–") or (words[0][:SHEET_MAX] if words else "Table")
    name, n = title, 1
    while name.casefold() in {t.casefold() for t in taken}:
        n += 1
        name = f"{title[: SHEET_MAX - len(str(n)) - 1]} {n}"
    return name


def _xlsx_cell(sheet, cell: object) -> object:
    value = _value(cell)
    unit = cell.unit if isinstance(cell, Shown) else ""
    if unit not in CELL_FORMATS or not isinstance(value, int | float | Decimal):
        return value
    shown = WriteOnlyCell(sheet, value=value)
    shown.number_format = CELL_FORMATS[unit]
    return shown


def xlsx_bytes(table: Table) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=sheet_title(str(table["caption"])))
    sheet.append([_value(cell) for cell in table["header"]])  # type: ignore[attr-defined]
    for row in table["rows"]:  # type: ignore[attr-defined]
        sheet.append([_xlsx_cell(sheet, cell) for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_response(table: Table, filename: str) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(table), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
