"""The interpreter's own view (/<lang>/interpreter/): a magic link signs her in; she sees only
time, place, language, mode, joining details and the client's first name of her own
assignments, answers requests and reports her times. Nothing else of the office is reachable
with this session (no staff role, no case data)."""

from datetime import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schalter.accounts.actors import CLIENT
from schalter.appointments import ratelimit
from schalter.appointments.errors import RateLimited
from schalter.errors import Refusal
from schalter.interpreters import selectors, services
from schalter.interpreters.languages import language_name
from schalter.interpreters.models import Assignment, AssignmentState, Interpreter, Mode
from schalter.interpreters.signin import (
    LINK_REQUEST_WINDOW_SECONDS,
    LINK_REQUESTS_PER_ADDRESS,
    sign_in_link_use,
)
from schalter.offices.localtime import local_time
from schalter.public.interpreter_forms import ReportForm, SignInRequestForm

SESSION_KEY = "interpreter_id"


def signed_in(request: HttpRequest) -> Interpreter | None:
    pk = request.session.get(SESSION_KEY)
    if pk is None:
        return None
    return Interpreter.objects.filter(pk=pk, active=True).first()


def _row(assignment: Assignment) -> dict:
    office = assignment.office
    return {
        "pk": assignment.pk,
        "start": local_time(office, assignment.start),
        "end": local_time(office, assignment.end),
        "office_name": office.name_in("de"),
        "address": f"{office.street}, {office.postcode} {office.city}",
        "place": assignment.place,
        "language": language_name(assignment.language),
        "language_code": assignment.language,
        "mode": Mode(assignment.mode).label,
        "joining_details": assignment.joining_details if assignment.mode != Mode.ON_SITE else "",
        "client_first_name": assignment.client_first_name,
        "state": assignment.state,
        "state_label": AssignmentState(assignment.state).label,
    }


def _home(request: HttpRequest, interpreter: Interpreter, *, error: str = "", status: int = 200):
    rows = [_row(a) for a in selectors.assignments_of_interpreter(interpreter)]
    return render(
        request,
        "public/interpreters/home.html",
        {"interpreter": interpreter, "rows": rows, "error": error},
        status=status,
    )


def home(request: HttpRequest) -> HttpResponse:
    interpreter = signed_in(request)
    if interpreter is not None:
        return _home(request, interpreter)
    form = SignInRequestForm(request.POST or None)
    sent, error, status = False, "", 200
    if request.method == "POST" and form.is_valid():
        now = timezone.now()
        try:
            ratelimit.hit(
                f"interpreter-link:ip:{ratelimit.client_address(request)}",
                limit=LINK_REQUESTS_PER_ADDRESS,
                window_seconds=LINK_REQUEST_WINDOW_SECONDS,
                now=now,
            )
        except RateLimited as refusal:
            error, status = str(refusal.message), refusal.status
        else:
            services.sign_in_link_request(email=form.cleaned_data["email"], now=now)
            sent = True
    return render(
        request,
        "public/interpreters/sign_in_request.html",
        {"form": form, "sent": sent, "error": error},
        status=status,
    )


def sign_in(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button; only the POST uses the link up, so a mail scanner that follows links
    does not spend it."""
    if request.method == "POST":
        try:
            interpreter = sign_in_link_use(token=token, now=timezone.now())
        except Refusal as refusal:
            form = SignInRequestForm()
            return render(
                request,
                "public/interpreters/sign_in_request.html",
                {"form": form, "error": refusal.message},
                status=refusal.status,
            )
        request.session.cycle_key()
        request.session[SESSION_KEY] = interpreter.pk
        return redirect("public:interpreter")
    return render(request, "public/interpreters/sign_in.html")


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    request.session.flush()
    return redirect("public:interpreter")


@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    interpreter = signed_in(request)
    if interpreter is None:
        return redirect("public:interpreter")
    accept = request.POST.get("action") == "accept"
    service = services.assignment_accept if accept else services.assignment_decline
    try:
        service(interpreter=interpreter, assignment_id=pk, now=timezone.now(), acting_user=CLIENT)
    except Refusal as refusal:
        return _home(request, interpreter, error=str(refusal.message), status=refusal.status)
    if accept:
        messages.success(request, _("You have accepted the assignment."))
    else:
        messages.success(request, _("You have declined the assignment."))
    return redirect("public:interpreter")


def _receipts(data: dict) -> list[dict[str, object]]:
    receipts: list[dict[str, object]] = []
    for kind, key in (("rail", "rail_fare"), ("parking", "parking")):
        if data[key]:
            receipts.append({"kind": kind, "amount": data[key]})
    if data["receipt_missing_amount"]:
        receipts.append({"kind": "rail", "amount": None})
    return receipts


def report(request: HttpRequest, pk: int) -> HttpResponse:
    interpreter = signed_in(request)
    if interpreter is None:
        return redirect("public:interpreter")
    assignment = selectors.assignment_of_interpreter(interpreter, pk)
    if assignment is None or assignment.state not in (
        AssignmentState.CONFIRMED,
        AssignmentState.REPORTED,
    ):
        return render(request, "404.html", status=404)
    row = _row(assignment)
    initial = {
        "start": row["start"].replace(tzinfo=None),
        "end": row["end"].replace(tzinfo=None),
    }
    form = ReportForm(request.POST or None, initial=initial)
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        zone = assignment.office.zone

        def aware(moment: datetime) -> datetime:
            return moment.replace(tzinfo=zone) if timezone.is_naive(moment) else moment

        try:
            services.assignment_report(
                interpreter=interpreter,
                assignment_id=assignment.pk,
                start=aware(data["start"]),
                end=aware(data["end"]),
                travel_before_minutes=data["travel_before_minutes"],
                travel_after_minutes=data["travel_after_minutes"],
                waiting_minutes=data["waiting_minutes"],
                km=data["km"],
                receipts=_receipts(data),
                now=timezone.now(),
                acting_user=CLIENT,
            )
        except Refusal as refusal:
            error = str(refusal.message)
            if refusal.field in form.fields:
                form.add_error(refusal.field, error)
        else:
            messages.success(request, _("Thank you: your report has been sent."))
            return redirect("public:interpreter")
    return render(
        request,
        "public/interpreters/report.html",
        {"row": row, "form": form, "error": error},
        status=400 if error else 200,
    )
