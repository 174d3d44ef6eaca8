"""The staff calendar: day and week views, one appointment (audited read), booking for a caller,
moving, cancelling, arrivals and no-shows, time blocks, mass cancellation and rule conflicts.
Each view parses with a form, calls one service or selector, and renders."""

from datetime import date, datetime, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schalter.accounts.roles import Capability
from schalter.accounts.services import audit_record
from schalter.appointments import calendar_selectors, selectors, services, transitions
from schalter.appointments.errors import AlreadyBooked, Busy
from schalter.appointments.models import Appointment, AvailabilityRule, Channel
from schalter.errors import Refusal
from schalter.interpreters import selectors as interpreter_selectors
from schalter.interpreters import services as interpreter_services
from schalter.knowledge import selectors as knowledge_selectors
from schalter.languages import language_for, language_label
from schalter.offices.localtime import local_date, local_time
from schalter.offices.models import Office
from schalter.privacy.reads import APPOINTMENT_VIEWED
from schalter.staff.appointment_forms import (
    CalendarForm,
    MassCancellationForm,
    RescheduleForm,
    RuleEndForm,
    StaffBookingForm,
    TimeBlockForm,
    service_choices,
)
from schalter.staff.guards import office_view
from schalter.staff.navigation import office_render

C = Capability


def _page(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    """A staff page with every time shown in the office's zone."""
    access = request.access
    context = {
        "may_manage": access.may(C.MANAGE_APPOINTMENTS),
        "may_plan": access.may(C.PLAN_APPOINTMENTS),
        **context,
    }
    with timezone.override(access.office.zone):
        return office_render(request, template, context, status=status)


def _rule_row(rule: AvailabilityRule) -> dict:
    return {
        "pk": rule.pk,
        "weekday_name": WEEKDAYS[rule.weekday],
        "start": rule.start,
        "end": rule.end,
        "capacity_online": rule.capacity_online,
        "capacity_staff": rule.capacity_staff,
        "valid_until": rule.valid_until,
    }


def _today(office: Office, now: datetime) -> date:
    return local_date(office, now)


def _status_for(problem: Refusal) -> int:
    return Busy.status if isinstance(problem, Busy) else 400


def _put_on_form(form, problem: Refusal, fields: dict[str, str]) -> None:
    """A service's refusal next to the field it concerns, else above the form."""
    name = fields.get(problem.field or "", problem.field)
    form.add_error(name if name in form.fields else None, str(problem.message))


def _row(appointment: Appointment, office: Office, language: str) -> dict:
    """What a calendar shows of an appointment: no names or contacts, those are audited reads."""
    return {
        "pk": appointment.pk,
        "code": appointment.code,
        "start": local_time(office, appointment.start),
        "end": local_time(office, appointment.end),
        "service": appointment.service.name_in(language),
        "status": appointment.status,
        "status_label": appointment.get_status_display(),
        "persons": appointment.persons,
        "interpreter": language_label(appointment.interpreter_language)
        if appointment.interpreter_language
        else "",
        "interpreter_code": appointment.interpreter_language,
        "staff_booked": appointment.channel == Channel.STAFF,
    }


def _calendar_form(request: HttpRequest, office: Office, now: datetime) -> tuple[CalendarForm, int]:
    query = request.GET.copy()
    query.setdefault("day", query.get("week", _today(office, now).isoformat()))
    form = CalendarForm(
        query,
        services=service_choices(
            selectors.offered_services(office, online_only=False), get_language()
        ),
        today=_today(office, now),
    )
    return form, 200 if form.is_valid() else 400


def _day_and_service(form: CalendarForm, today) -> tuple:
    if form.is_valid():
        return form.cleaned_data["day"], form.cleaned_data["service"]
    return today, None


@require_GET
@office_view(C.VIEW_APPOINTMENTS)
def calendar_day(request: HttpRequest, office: Office) -> HttpResponse:
    now = timezone.now()
    language = get_language()
    form, status = _calendar_form(request, office, now)
    day, service_id = _day_and_service(form, _today(office, now))
    calendar = calendar_selectors.day_calendar(
        office, day, now=now, language=language, service_id=service_id
    )
    rows = [
        {
            "start": row.start,
            "capacity": row.capacity,
            "appointments": [_row(a, office, language) for a in row.appointments],
        }
        for row in calendar.rows
    ]
    return _page(
        request,
        "staff/appointments/day.html",
        {
            "form": form,
            "calendar": calendar,
            "rows": rows,
            "day": day,
            "service_id": service_id or "",
            "previous_day": day - timedelta(days=1),
            "next_day": day + timedelta(days=1),
            "now": now,
            # Coming changes of the law on the office's services (issue 16).
            "knowledge_banners": knowledge_selectors.banners_for(
                office, knowledge_selectors.services_offered_by(office), on=_today(office, now)
            ),
        },
        status=status,
    )


@require_GET
@office_view(C.VIEW_APPOINTMENTS)
def calendar_week(request: HttpRequest, office: Office) -> HttpResponse:
    now = timezone.now()
    form, status = _calendar_form(request, office, now)
    day, service_id = _day_and_service(form, _today(office, now))
    first_day = calendar_selectors.week_start(day)
    calendar = calendar_selectors.week_calendar(
        office, first_day, now=now, language=get_language(), service_id=service_id
    )
    return _page(
        request,
        "staff/appointments/week.html",
        {
            "form": form,
            "calendar": calendar,
            "service_id": service_id or "",
            "previous_week": first_day - timedelta(days=7),
            "next_week": first_day + timedelta(days=7),
        },
        status=status,
    )


def _cancel(*, appointment: Appointment, now: datetime, acting_user) -> None:
    services.appointment_cancel(appointment=appointment, now=now, acting_user=acting_user)


# action → (service, message after success)
ACTIONS = {
    "cancel": (_cancel, gettext_noop("Appointment %(code)s cancelled.")),
    "arrived": (services.appointment_mark_arrived, gettext_noop("%(code)s: arrived.")),
    "no_show": (services.appointment_mark_no_show, gettext_noop("%(code)s: did not come.")),
}


@require_http_methods(["GET", "POST"])
@office_view(C.VIEW_APPOINTMENTS)
def appointment_detail(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    """One client's appointment. Her name and contacts are personal data: every read is audited."""
    appointment = calendar_selectors.appointment_get(office, pk)
    may_manage = request.access.may(C.MANAGE_APPOINTMENTS)
    now = timezone.now()
    today = _today(office, now)
    local_start = local_time(office, appointment.start)
    move_form = RescheduleForm(
        office=office,
        today=today,
        initial={"day": local_start.date(), "time": local_start.time()},
    )
    status, error = 200, ""
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        action = request.POST.get("action", "")
        if action == "move":
            move_form = RescheduleForm(request.POST, office=office, today=today)
            if move_form.is_valid():
                try:
                    services.appointment_reschedule(
                        appointment=appointment,
                        start=move_form.start,
                        now=now,
                        acting_user=request.user,
                    )
                except Refusal as problem:
                    _put_on_form(move_form, problem, {"start": "time"})
                    status = _status_for(problem)
                else:
                    messages.success(
                        request,
                        _("Appointment %(code)s moved.") % {"code": appointment.code},
                    )
                    return redirect("staff:appointment", office=office.slug, pk=appointment.pk)
            else:
                status = 400
        elif action in ACTIONS:
            service, done = ACTIONS[action]
            try:
                service(appointment=appointment, now=now, acting_user=request.user)
            except Refusal as problem:
                error, status = str(problem.message), _status_for(problem)
            else:
                messages.success(request, _(done) % {"code": appointment.code})
                return redirect("staff:appointment", office=office.slug, pk=appointment.pk)
        else:
            error, status = _("Choose one of the buttons."), 400
    audit_record(
        office=office,
        acting_user=request.user,
        action=APPOINTMENT_VIEWED,
        target=appointment,
    )
    return _page(
        request,
        "staff/appointments/detail.html",
        {
            "appointment": appointment,
            "row": _row(appointment, office, get_language()),
            "interpreter_assignment": interpreter_selectors.assignment_of_appointment(
                appointment.pk
            ),
            "client_language": language_for(appointment.language),
            "client_language_label": language_label(language_for(appointment.language).code),
            "channel_label": _("by staff")
            if appointment.channel == Channel.STAFF
            else _("online by the client"),
            "allowed": transitions.allowed(appointment, office, now) if may_manage else {},
            "may_manage": may_manage,
            "move_form": move_form,
            "error": error,
            "day_url": reverse("staff:appointments", kwargs={"office": office.slug})
            + f"?day={local_start.date().isoformat()}",
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@office_view(C.MANAGE_APPOINTMENTS)
def appointment_book(request: HttpRequest, office: Office) -> HttpResponse:
    """Book for a caller or someone at the counter: confirmed at once, staff capacity too."""
    now = timezone.now()
    language = get_language()
    offered = selectors.offered_services(office, online_only=False)
    form = StaffBookingForm(
        request.POST if request.method == "POST" else None,
        office=office,
        today=_today(office, now),
        services=service_choices(offered, language),
        initial={key: request.GET[key] for key in ("day", "time", "service") if key in request.GET},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                booked = services.appointment_book(
                    office=office,
                    service=next(o.service for o in offered if o.service_id == data["service"]),
                    start=form.start,
                    name=data["name"],
                    email=data["email"],
                    phone=data["phone"],
                    language=data["language"],
                    persons=data["persons"],
                    interpreter_language=data["interpreter_language"],
                    channel=Channel.STAFF,
                    now=now,
                    acting_user=request.user,
                )
                # An interpreter asked for: requested and matched with the booking (issue 15).
                interpreter_services.assignment_for_appointment(
                    appointment=booked.appointment, now=now, acting_user=request.user
                )
            except AlreadyBooked:
                form.add_error(
                    None, _("This person already has an active appointment for this service.")
                )
                status = 400
            except Refusal as problem:
                _put_on_form(form, problem, {"start": "time"})
                status = _status_for(problem)
            else:
                messages.success(
                    request,
                    _("Appointment %(code)s booked and confirmed.")
                    % {"code": booked.appointment.code},
                )
                return redirect("staff:appointment", office=office.slug, pk=booked.appointment.pk)
        else:
            status = 400
    banners = knowledge_selectors.banners_for(
        office, [o.service for o in offered], on=_today(office, timezone.now())
    )
    return _page(
        request,
        "staff/appointments/book.html",
        {"form": form, "knowledge_banners": banners},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@office_view(C.MANAGE_APPOINTMENTS)
def time_blocks(request: HttpRequest, office: Office) -> HttpResponse:
    now = timezone.now()
    form = TimeBlockForm(request.POST or None, office=office, today=_today(office, now))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            start, end = form.bounds()
            try:
                blocked = services.time_block_add(
                    office=office,
                    start=start,
                    end=end,
                    reason=form.cleaned_data["reason"],
                    now=now,
                    acting_user=request.user,
                )
            except Refusal as problem:
                _put_on_form(form, problem, {"end": "end_time"})
                status = _status_for(problem)
            else:
                messages.success(
                    request,
                    _(
                        "Time blocked: %(seats)s free places taken out of booking. "
                        "%(inside)s appointments booked before keep their time."
                    )
                    % {"seats": blocked.seats, "inside": blocked.appointments_inside},
                )
                return redirect("staff:appointment_blocks", office=office.slug)
        else:
            status = 400
    return _page(
        request,
        "staff/appointments/blocks.html",
        {"form": form, "blocks": calendar_selectors.upcoming_blocks(office, now)},
        status=status,
    )


@require_POST
@office_view(C.MANAGE_APPOINTMENTS)
def time_block_delete(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    block = calendar_selectors.time_block_get(office, pk)
    try:
        restored = services.time_block_remove(block=block, acting_user=request.user)
    except Refusal as problem:
        messages.error(request, str(problem.message))
    else:
        messages.success(
            request,
            _("Block removed: %(seats)s places can be booked again.") % {"seats": restored},
        )
    return redirect("staff:appointment_blocks", office=office.slug)


@require_http_methods(["GET", "POST"])
@office_view(C.PLAN_APPOINTMENTS)
def mass_cancellation(request: HttpRequest, office: Office) -> HttpResponse:
    """Office closed, colleagues ill: first a preview of who is affected, then the cancellation."""
    now = timezone.now()
    form = MassCancellationForm(request.POST or None, today=_today(office, now))
    status, preview, result = 200, None, None
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        elif request.POST.get("confirm") != "yes":
            start_time, end_time = form.range_times()
            window = calendar_selectors.cancellation_window(
                office, form.cleaned_data["day"], start_time, end_time, now=now
            )
            with_rows = calendar_selectors.cancellable_appointments(
                office, window.start, window.end, now=now
            )
            preview = [_row(a, office, get_language()) for a in with_rows]
        else:
            start_time, end_time = form.range_times()
            try:
                result = services.appointments_cancel_by_office(
                    office=office,
                    day=form.cleaned_data["day"],
                    start_time=start_time,
                    end_time=end_time,
                    reason=form.cleaned_data["reason"],
                    now=now,
                    acting_user=request.user,
                )
            except Refusal as problem:
                _put_on_form(form, problem, {})
                status = _status_for(problem)
    return _page(
        request,
        "staff/appointments/mass_cancel.html",
        {
            "form": form,
            "preview": preview,
            "result": result,
            "unreachable": [_row(a, office, get_language()) for a in result.unreachable]
            if result
            else [],
        },
        status=status,
    )


@require_GET
@office_view(C.VIEW_APPOINTMENTS)
def conflicts(request: HttpRequest, office: Office) -> HttpResponse:
    now = timezone.now()
    language = get_language()
    found = calendar_selectors.appointment_conflicts(office, now=now, language=language)
    return _page(
        request,
        "staff/appointments/conflicts.html",
        {
            "conflicts": [
                {"row": _row(c.appointment, office, language), "reasons": c.reason_texts}
                for c in found
            ],
            "rules": [
                _rule_row(rule)
                for rule in calendar_selectors.current_rules(office, _today(office, now))
            ],
        },
    )


@require_http_methods(["GET", "POST"])
@office_view(C.PLAN_APPOINTMENTS)
def availability_rule(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    """One rule, and ending it: free times after the last day go, booked ones stay as conflicts."""
    rule = calendar_selectors.rule_get(office, pk)
    now = timezone.now()
    form = RuleEndForm(request.POST or None, today=_today(office, now))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                ended = services.availability_rule_end(
                    rule=rule,
                    last_day=form.cleaned_data["last_day"],
                    now=now,
                    acting_user=request.user,
                )
            except Refusal as problem:
                _put_on_form(form, problem, {})
                status = _status_for(problem)
            else:
                messages.success(
                    request,
                    _(
                        "Rule ended: %(deleted)s free places removed, %(kept)s booked "
                        "appointments kept; they are listed here as conflicts."
                    )
                    % {"deleted": ended.seats_deleted, "kept": ended.seats_kept},
                )
                return redirect("staff:appointment_conflicts", office=office.slug)
        else:
            status = 400
    return _page(
        request,
        "staff/appointments/rule.html",
        {
            "rule": _rule_row(rule),
            "form": form,
            "services": [service.name_in(get_language()) for service in rule.services.all()],
        },
        status=status,
    )
