"""Interpreters for staff: the office's requests and who meets them (proposals, nobody found,
switching an open request to video or phone), the monthly statement of an interpreter (PDF, this
office's assignments of her only) and the cost report per month against the budget (CSV, XLSX)."""

from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from schalter.accounts.roles import Capability
from schalter.errors import Refusal
from schalter.interpreters import reports, selectors, services
from schalter.interpreters.languages import language_name
from schalter.interpreters.models import Assignment, AssignmentState, Mode
from schalter.languages import language_for
from schalter.offices.localtime import local_date, local_time
from schalter.offices.models import Office
from schalter.offices.selectors import owned_by
from schalter.printing.render import (
    PdfUnavailable,
    RenderBusy,
    TooManyPages,
    check_pages,
    document_html,
    pdf_render,
    render_slot,
)
from schalter.staff.guards import office_view
from schalter.staff.navigation import office_render

ROWS_PER_PAGE = 12


def _month(request: HttpRequest, office: Office) -> date:
    raw = request.GET.get("month", "")
    try:
        year, month = (int(part) for part in raw.split("-"))
        return date(year, month, 1)
    except ValueError:
        return local_date(office, timezone.now()).replace(day=1)


@require_GET
@office_view(Capability.VIEW_APPOINTMENTS)
def overview(request: HttpRequest, office: Office) -> HttpResponse:
    now = timezone.now()
    rows = [
        {
            "assignment": assignment,
            "start": local_time(office, assignment.start),
            "language": f"{language_name(assignment.language)} ({assignment.language})",
            "mode": Mode(assignment.mode).label,
            "state": AssignmentState(assignment.state).label,
            "interpreter": assignment.interpreter.name if assignment.interpreter else "",
            "nobody_found": assignment.nobody_found_at is not None,
        }
        for assignment in selectors.assignments_of_office(office, now)
    ]
    return office_render(
        request,
        "staff/interpreters/overview.html",
        {
            "rows": rows,
            "month": local_date(office, now).strftime("%Y-%m"),
            "may_manage": request.access.may(Capability.MANAGE_APPOINTMENTS),  # type: ignore[attr-defined]
            "remote_modes": [(Mode.VIDEO, Mode.VIDEO.label), (Mode.PHONE, Mode.PHONE.label)],
        },
    )


@require_POST
@office_view(Capability.MANAGE_APPOINTMENTS)
def switch_mode(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    """An open request nobody took on site: ask for video or phone instead (matching again)."""
    assignment = owned_by(office, Assignment, pk)
    try:
        services.assignment_mode_switch(
            assignment=assignment,
            mode=request.POST.get("mode", ""),
            now=timezone.now(),
            acting_user=request.user,
        )
    except Refusal as refusal:
        messages.error(request, str(refusal.message))
    return redirect("staff:interpreters", office=office.slug)


@require_GET
@office_view(Capability.VIEW_APPOINTMENTS)
def costs(request: HttpRequest, office: Office, kind: str) -> HttpResponse:
    month = _month(request, office)
    report = selectors.cost_report(office, month)
    name = f"dolmetschkosten-{office.slug}-{month:%Y-%m}"
    if kind == "xlsx":
        response = HttpResponse(
            reports.cost_report_xlsx(report),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    else:
        response = HttpResponse(
            reports.cost_report_csv(report), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@office_view(Capability.VIEW_APPOINTMENTS)
def statement(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    interpreter = selectors.interpreter_of_office(office, pk)
    if interpreter is None:
        raise Http404
    month = _month(request, office)
    rows = selectors.statement_rows(office, interpreter, month)
    try:
        check_pages(len(rows) // ROWS_PER_PAGE + 1)
        html = document_html(
            "printing/interpreter_statement.html",
            {
                "page_language": language_for("de"),  # the offices' language
                "office_name": office.name_in("de"),
                "interpreter": interpreter,
                "month": month,
                "rows": rows,
                "total": sum((row.fee.total for row in rows), Decimal(0)),
            },
        )
        with render_slot():
            pdf = pdf_render(html)
    except TooManyPages as error:
        return HttpResponse(str(error), status=413)
    except (RenderBusy, PdfUnavailable):
        return HttpResponse(status=503)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="abrechnung-{interpreter.pk}-{month:%Y-%m}.pdf"'
    )
    response["Cache-Control"] = "no-store"
    return response
