"""Interpreters for staff: the office's requests and who meets them (proposals, nobody found,
switching an open request to video or phone), the pool of interpreters serving the office with
their availability, the month's budget, an interpreter for a callback, the monthly statement of
an interpreter (PDF, this office's assignments of her only) and the cost report per month
against the budget (CSV, XLSX)."""

from datetime import date, datetime
from decimal import Decimal

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schalter.accounts.roles import Capability
from schalter.callbacks.models import Callback
from schalter.errors import Refusal
from schalter.interpreters import reports, selectors, services
from schalter.interpreters.languages import language_name, language_normalise
from schalter.interpreters.models import Assignment, AssignmentState, Mode
from schalter.interpreters.parts import INTERPRETERS
from schalter.languages import language_for, language_label
from schalter.offices.localtime import local_date, local_time
from schalter.offices.models import Office
from schalter.offices.parts import uses
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
from schalter.staff.interpreter_forms import (
    WEEKDAYS,
    BudgetForm,
    CallbackInterpreterForm,
    ExceptionForm,
    InterpreterForm,
    WindowForm,
)
from schalter.staff.navigation import office_render

ROWS_PER_PAGE = 12


def _month(request: HttpRequest, office: Office) -> date:
    """The asked month (YYYY-MM), else this one; years far out would overflow the month's
    bounds (9999-12 has no following month), so only 2000-2999 are taken."""
    raw = request.GET.get("month", "")
    try:
        year, month = (int(part) for part in raw.split("-"))
        if 2000 <= year <= 2999:
            return date(year, month, 1)
    except ValueError:
        pass
    return local_date(office, timezone.now()).replace(day=1)


@require_GET
@office_view(Capability.VIEW_APPOINTMENTS)
def overview(request: HttpRequest, office: Office) -> HttpResponse:
    now = timezone.now()
    rows = [
        {
            "assignment": assignment,
            "start": local_time(office, assignment.start),
            "language": language_label(assignment.language, language_name(assignment.language)),
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
            "month": _month(request, office).strftime("%Y-%m"),  # the reports' month
            "may_manage": request.access.may(Capability.MANAGE_APPOINTMENTS),  # type: ignore[attr-defined]
            "remote_modes": [(Mode.VIDEO, Mode.VIDEO.label), (Mode.PHONE, Mode.PHONE.label)],
            "may_plan": request.access.may(Capability.PLAN_APPOINTMENTS),  # type: ignore[attr-defined]
            "budget_form": BudgetForm(initial={"month": local_date(office, now).replace(day=1)}),
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


def _aware(office: Office, moment: datetime) -> datetime:
    return moment.replace(tzinfo=office.zone) if timezone.is_naive(moment) else moment


def _refused(form, refusal: Refusal) -> None:
    form.add_error(refusal.field if refusal.field in form.fields else None, str(refusal.message))


@require_POST
@office_view(Capability.PLAN_APPOINTMENTS)
def budget(request: HttpRequest, office: Office) -> HttpResponse:
    form = BudgetForm(request.POST)
    if form.is_valid():
        services.interpreter_budget_set(
            office=office,
            month=form.cleaned_data["month"],
            amount=form.cleaned_data["amount"],
            acting_user=request.user,
        )
        messages.success(request, _("Saved."))
    else:
        for errors in form.errors.values():
            messages.error(request, errors[0])
    return redirect("staff:interpreters", office=office.slug)


@require_http_methods(["GET", "POST"])
@office_view(Capability.PLAN_APPOINTMENTS)
def pool(request: HttpRequest, office: Office) -> HttpResponse:
    """The interpreters serving this office; a new one joins it (or one already in the pool of
    another office, by her address, serves this one too)."""
    form = InterpreterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            existing = selectors.interpreter_by_email(data["email"])
            if existing is not None:
                services.interpreter_office_set(
                    interpreter=existing,
                    office=office,
                    distance_km=data["distance_km"],
                    acting_user=request.user,
                )
            else:
                services.interpreter_create(
                    name=data["name"],
                    email=data["email"],
                    phone=data["phone"],
                    languages=data["languages"],
                    modes=data["modes"],
                    offices={office: data["distance_km"]},
                    vat_liable=data["vat_liable"],
                    fee_agreement=data["fee_agreement"],
                    contact_preference=data["contact_preference"],
                    confidentiality_accepted_at=timezone.now(),
                    acting_user=request.user,
                )
        except Refusal as refusal:
            _refused(form, refusal)
        else:
            messages.success(request, _("Saved."))
            return redirect("staff:interpreter_pool", office=office.slug)
    rows = [
        {
            "interpreter": link.interpreter,
            "languages": ", ".join(
                language_label(code, language_name(code)) for code in link.interpreter.languages
            ),
            "modes": ", ".join(str(Mode(mode).label) for mode in link.interpreter.modes),
            "distance_km": link.distance_km,
        }
        for link in selectors.pool_of_office(office)
    ]
    return office_render(
        request,
        "staff/interpreters/pool.html",
        {"rows": rows, "form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@office_view(Capability.PLAN_APPOINTMENTS)
def pool_member(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    """One interpreter of the pool: her weekly windows and dated exceptions (overlaps refused),
    and leaving the pool (her coming assignments go back to matching)."""
    interpreter = selectors.interpreter_of_office(office, pk)
    if interpreter is None:
        raise Http404
    action = request.POST.get("action", "")
    window_form = WindowForm(request.POST if action == "window" else None, prefix="window")
    exception_form = ExceptionForm(
        request.POST if action == "exception" else None, prefix="exception"
    )
    if request.method == "POST":
        try:
            if action == "window" and window_form.is_valid():
                services.availability_window_add(
                    interpreter=interpreter, **window_form.cleaned_data, acting_user=request.user
                )
            elif action == "exception" and exception_form.is_valid():
                services.availability_exception_add(
                    interpreter=interpreter,
                    **exception_form.cleaned_data,
                    acting_user=request.user,
                )
            elif action == "deactivate":
                services.interpreter_deactivate(
                    interpreter=interpreter, now=timezone.now(), acting_user=request.user
                )
            else:
                raise Refusal(_("Please check the highlighted fields."))
        except Refusal as refusal:
            for form in (window_form, exception_form):
                if form.is_bound:
                    _refused(form, refusal)
            if not (window_form.is_bound or exception_form.is_bound):
                messages.error(request, str(refusal.message))
        else:
            messages.success(request, _("Saved."))
            return redirect("staff:interpreter_pool_member", office=office.slug, pk=pk)
    return office_render(
        request,
        "staff/interpreters/pool_member.html",
        {
            "interpreter": interpreter,
            "windows": [
                {"weekday_name": WEEKDAYS[w.weekday][1], "start": w.start, "end": w.end}
                for w in interpreter.availability.all()
            ],
            "exceptions": list(interpreter.exceptions.all()),
            "window_form": window_form,
            "exception_form": exception_form,
        },
        status=400 if window_form.errors or exception_form.errors else 200,
    )


def callback_panel(request: HttpRequest, office: Office, callback) -> dict | None:
    """What the callback's page shows of interpreting (issue 15): its request and who meets it,
    or the button to ask for one; None where the office does not use the part."""
    if not uses(office, INTERPRETERS):
        return None
    assignment = selectors.assignment_of_callback(callback.pk)
    language = language_normalise(callback.language or "") or ""
    start = local_time(office, timezone.now()).replace(second=0, microsecond=0, tzinfo=None)
    return {
        "assignment": assignment,
        "state": AssignmentState(assignment.state).label if assignment else "",
        "form": CallbackInterpreterForm(initial={"language": language, "start": start}),
    }


@require_POST
@office_view(Capability.WORK_CALLBACKS)
def callback_request(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    """Ask for an interpreter on the line when we call back (by phone); matching starts at once."""
    callback = owned_by(office, Callback, pk)
    form = CallbackInterpreterForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.assignment_for_callback(
                callback=callback,
                language=data["language"],
                start=_aware(office, data["start"]),
                minutes=data["minutes"],
                now=timezone.now(),
                acting_user=request.user,
            )
        except Refusal as refusal:
            messages.error(request, str(refusal.message))
        else:
            messages.success(request, _("An interpreter has been requested."))
    else:
        for errors in form.errors.values():
            messages.error(request, errors[0])
    return redirect(reverse("staff:callback", kwargs={"office": office.slug, "pk": callback.pk}))
