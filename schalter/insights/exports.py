"""Every table of the insights pages as CSV (streamed, row by row) or XLSX (openpyxl in
write-only mode). A table holds at most a period's days (the period is bounded by the form), so
an export never ties a worker up for long."""

import csv
import io
import re
from collections.abc import Iterator

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook

from schalter.insights.dashboard import Table
from schalter.text import spreadsheet_cell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cells(row) -> list[str]:
    # Text beginning like a formula is quoted: a spreadsheet must not run it.
    return [str(spreadsheet_cell(str(c))) for c in row]


def csv_rows(table: Table) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(_cells(table["header"]))  # type: ignore[arg-type]
    for row in table["rows"]:  # type: ignore[attr-defined]
        yield writer.writerow(_cells(row))


def csv_response(table: Table, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_rows(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def sheet_title(caption: str) -> str:
    """A caption as a sheet's name: Excel refuses []:*?/\\ and more than 31 characters."""
    return re.sub(r"[\[\]:*?/\\]", "-", caption)[:31].strip("' ") or "Table"


def xlsx_bytes(table: Table) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=sheet_title(str(table["caption"])))
    sheet.append(_cells(table["header"]))  # type: ignore[arg-type]
    for row in table["rows"]:  # type: ignore[attr-defined]
        sheet.append(_cells(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_response(table: Table, filename: str) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(table), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
