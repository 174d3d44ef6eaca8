"""Public booking: choose a service, see what to bring and the earliest times, give the minimum,
prove you are not a bot, confirm by e-mail; later see, move or cancel with the link."""

import json
from datetime import date, datetime, timedelta

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from schalter.accounts.actors import CLIENT
from schalter.appointments import antibot, ratelimit, selectors, services, waitlist
from schalter.appointments.calendar import appointment_ics
from schalter.appointments.codes import code_normalise
from schalter.appointments.errors import SlotUnavailable
from schalter.appointments.models import Appointment, OfficeService, Status
from schalter.errors import Refusal
from schalter.interpreters import services as interpreter_services
from schalter.links import public_url, qr_svg
from schalter.offices import selectors as office_selectors
from schalter.offices.localtime import local_date, local_time
from schalter.offices.models import Office
from schalter.public.booking_forms import BookingDetailsForm, WaitlistForm
from schalter.public.service_views import service_context

START_FORMAT = "%Y%m%dT%H%M"  # local wall-clock time in URLs, e.g. 20261201T0810
DAYS_SHOWN = 5
TIMES_PER_DAY = 12
ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"


def _persons(request: HttpRequest, offered: OfficeService) -> int:
    try:
        persons = int(request.GET.get("persons", "1"))
    except ValueError:
        return 1
    return min(max(persons, 1), offered.max_persons)


def _parse_start(office: Office, value: str) -> datetime:
    try:
        local = datetime.strptime(value, START_FORMAT)  # noqa: DTZ007 (zone added next line)
    except ValueError:
        raise Http404 from None
    return local.replace(tzinfo=office.zone)


@require_GET
def book_start(request: HttpRequest, office: str) -> HttpResponse:
    office_obj = office_selectors.office_by_slug(office)
    language = get_language()
    offered = sorted(
        selectors.offered_services(office_obj), key=lambda o: o.service.name_in(language)
    )
    return render(
        request,
        "public/book_start.html",
        {
            "office": office_obj,
            "office_name": office_obj.name_in(language),
            "services": [{"offered": o, "name": o.service.name_in(language)} for o in offered],
        },
    )


@require_GET
def book_service(request: HttpRequest, office: str, service: str) -> HttpResponse:
    """What to bring, fees and duration, then the earliest free times, day by day."""
    office_obj = office_selectors.office_by_slug(office)
    offered = selectors.offer_get(office_obj, service_slug=service)
    language = get_language()
    persons = _persons(request, offered)
    now = timezone.now()
    today = local_date(office_obj, now)
    try:
        first_day = date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        first_day = today
    first_day = max(first_day, today)
    times = selectors.free_times(office_obj, offered, first_day, now=now, persons=persons)
    days = list(selectors.earliest_by_day(times, office_obj).items())[:DAYS_SHOWN]
    later = days[-1][0] + timedelta(days=1) if len(days) == DAYS_SHOWN else None
    return render(
        request,
        "public/book_service.html",
        {
            "office": office_obj,
            "office_name": office_obj.name_in(language),
            "persons": persons,
            "person_choices": range(1, offered.max_persons + 1),
            "days": [
                (
                    day,
                    [
                        (local_time(office_obj, t.start), t.available)
                        for t in day_times[:TIMES_PER_DAY]
                    ],
                )
                for day, day_times in days
            ],
            "later": later,
            "start_format": START_FORMAT,
            **service_context(offered, language),
        },
    )


@require_http_methods(["GET", "POST"])
def book_details(request: HttpRequest, office: str, service: str, start: str) -> HttpResponse:
    office_obj = office_selectors.office_by_slug(office)
    offered = selectors.offer_get(office_obj, service_slug=service)
    start_at = _parse_start(office_obj, start)
    persons = _persons(request, offered)
    language = get_language()
    form = BookingDetailsForm(request.POST or None)
    error, status = "", 200
    if request.method == "POST":
        if form.is_valid():
            try:
                booked = _book(request, office_obj, offered, start_at, persons, form)
            except Refusal as problem:
                error, status = _refusal_on_form(form, problem)
            else:
                return redirect(
                    "public:book_sent", office=office_obj.slug, code=booked.appointment.code
                )
        else:
            status = 400
    return render(
        request,
        "public/book_details.html",
        {
            "office": office_obj,
            "office_name": office_obj.name_in(language),
            "form": form,
            "start": start_at,
            "persons": persons,
            "error": error,
            "slot_gone": status == SlotUnavailable.status,
            "captcha_json": json.dumps(captcha_strings(), ensure_ascii=False),
            "captcha_language": captcha_language(),
            **service_context(offered, language),
        },
        status=status,
    )


def _refusal_on_form(form, problem: Refusal) -> tuple[str, int]:
    """Show a refused booking step next to its field (if it has one) and above the form."""
    if problem.field in form.fields:
        form.add_error(problem.field, str(problem.message))
    return str(problem.message), problem.status


def _anti_bot(request: HttpRequest, email: str, now: datetime) -> None:
    """The shared checks against bots (antibot.attempt_check). Raises a Refusal."""
    antibot.attempt_check(
        address=ratelimit.client_address(request),
        email=email,
        proof=request.POST.get("altcha", ""),
        script_ran=request.POST.get("script") == "on",
        now=now,
    )


def _book(
    request: HttpRequest,
    office: Office,
    offered: OfficeService,
    start: datetime,
    persons: int,
    form: BookingDetailsForm,
):
    now = timezone.now()
    _anti_bot(request, form.cleaned_data["email"], now)
    booked = services.appointment_book(
        office=office,
        service=offered.service,
        start=start,
        name=form.cleaned_data["name"],
        email=form.cleaned_data["email"],
        phone=form.cleaned_data["phone"],
        language=get_language(),
        persons=persons,
        interpreter_language=form.cleaned_data["interpreter_language"],
        now=now,
        acting_user=CLIENT,
    )
    # An interpreter asked for: requested and matched with the booking (issue 15).
    interpreter_services.assignment_for_appointment(
        appointment=booked.appointment, now=now, acting_user=CLIENT
    )
    return booked


@require_http_methods(["GET", "POST"])
def waitlist_join(request: HttpRequest, office: str, service: str) -> HttpResponse:
    office_obj = office_selectors.office_by_slug(office)
    offered = selectors.offer_get(office_obj, service_slug=service)
    language = get_language()
    form = WaitlistForm(request.POST or None)
    error, status = "", 200
    if request.method == "POST":
        if form.is_valid():
            now = timezone.now()
            try:
                _anti_bot(request, form.cleaned_data["email"], now)
                waitlist.waitlist_join(
                    office=office_obj,
                    service=offered.service,
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                    language=language,
                    permit_expires=form.cleaned_data["permit_expires"],
                    now=now,
                    acting_user=CLIENT,
                )
            except Refusal as problem:
                error, status = _refusal_on_form(form, problem)
            else:
                messages.success(
                    request,
                    _("You are on the waiting list. When a time becomes free, we write to you."),
                )
                return redirect(
                    "public:book_service", office=office_obj.slug, service=offered.service.slug
                )
        else:
            status = 400
    return render(
        request,
        "public/waitlist_join.html",
        {
            "office": office_obj,
            "office_name": office_obj.name_in(language),
            "form": form,
            "error": error,
            "captcha_json": json.dumps(captcha_strings(), ensure_ascii=False),
            "captcha_language": captcha_language(),
            **service_context(offered, language),
        },
        status=status,
    )


def captcha_language() -> str:
    """The key the robot check's strings are registered under: the page language's first
    subtag, so that the widget's own list of right-to-left languages (ar, fa) also covers Dari,
    and Leichte Sprache's strings stand in for German (one language per page)."""
    return (get_language() or "de").split("-")[0].split("_")[0].lower()


def captcha_strings() -> dict:
    return {
        "label": _("I am not a robot"),
        "verifying": _("Checking…"),
        "verified": _("Checked"),
        "error": _("The check failed. Please try again."),
        "expired": _("The check has expired. Please try again."),
        "verificationRequired": _("Please tick the box first."),
        "waitAlert": _("Checking… please wait."),
        "footer": "ALTCHA",
        # The widget's own link to its maker: read out by screen readers (English otherwise).
        "ariaLinkLabel": _("ALTCHA (the maker's website)"),
    }


@require_GET
def book_sent(request: HttpRequest, office: str, code: str) -> HttpResponse:
    office_obj = office_selectors.office_by_slug(office)
    return render(
        request,
        "public/book_sent.html",
        {
            "office": office_obj,
            "office_name": office_obj.name_in(get_language()),
            "code": code[:12],
        },
    )


def _details(appointment: Appointment) -> dict:
    language = get_language()
    return {
        "office": appointment.office,
        "office_name": appointment.office.name_in(language),
        "service_name": appointment.service.name_in(language),
        "start": local_time(appointment.office, appointment.start),
        "documents": appointment.service.documents_in(language),
    }


def _problem(request: HttpRequest, error: Refusal) -> HttpResponse:
    return render(
        request, "public/booking_problem.html", {"message": error.message}, status=error.status
    )


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, office: str, code: str, token: str) -> HttpResponse:
    """GET shows a button (mail scanners follow links; only a person's POST confirms)."""
    try:
        appointment = services.appointment_by_confirm_token(
            code=code_normalise(code), confirm_token=token
        )
        if appointment.office.slug != office:
            raise Http404
        if request.method == "POST":
            manage_token = services.appointment_confirm(
                appointment=appointment, confirm_token=token, now=timezone.now(), acting_user=CLIENT
            )
            messages.success(
                request, _("Your appointment is confirmed. We have sent you an e-mail.")
            )
            return redirect(
                "public:booking_manage", office=office, code=appointment.code, token=manage_token
            )
    except Refusal as error:
        return _problem(request, error)
    return render(
        request,
        "public/booking_confirm.html",
        {"appointment": appointment, **_details(appointment)},
    )


@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, office: str, code: str, token: str) -> HttpResponse:
    try:
        appointment = services.appointment_by_token(code=code_normalise(code), manage_token=token)
    except Refusal as error:
        return _problem(request, error)
    if appointment.office.slug != office:
        raise Http404
    asking = False
    if request.method == "POST" and request.POST.get("action") == "cancel":
        if appointment.status == Status.CANCELLED:
            return redirect(request.path)  # a second tap, or back and again: already done
        if request.POST.get("confirmed") != "yes":
            asking = True  # a scarce time: one tap only asks, the second cancels
        else:
            try:
                services.appointment_cancel(
                    appointment=appointment, now=timezone.now(), acting_user=CLIENT
                )
                messages.success(request, _("Your appointment has been cancelled."))
            except Refusal as error:
                messages.error(request, str(error.message))
            return redirect(request.path)
    move_url = reverse(
        "public:booking_move", kwargs={"office": office, "code": appointment.code, "token": token}
    )
    offered = selectors.offer_of(appointment.office, service_id=appointment.service_id)
    book_again_url = (
        reverse(
            "public:book_service", kwargs={"office": office, "service": appointment.service.slug}
        )
        if offered is not None
        else reverse("public:office", kwargs={"office": office})
    )
    manage_path = reverse(
        "public:booking_manage", kwargs={"office": office, "code": appointment.code, "token": token}
    )
    return render(
        request,
        "public/booking_manage.html",
        {
            "appointment": appointment,
            # What the confirmation e-mail carries besides the address: the calendar file and
            # the QR code of this page.
            "calendar_url": reverse(
                "public:booking_calendar",
                kwargs={"office": office, "code": appointment.code, "token": token},
            ),
            "qr": qr_svg(public_url(manage_path), scale=4, title=_("QR code")),
            "move_url": move_url if offered is not None else "",
            "asking": asking,
            "book_again_url": book_again_url,
            **_details(appointment),
        },
    )


@require_GET
def calendar_file(request: HttpRequest, office: str, code: str, token: str) -> HttpResponse:
    """The appointment as an .ics file, the same one the confirmation e-mail carries; only for
    an appointment that stands (confirmed)."""
    try:
        appointment = services.appointment_by_token(code=code_normalise(code), manage_token=token)
    except Refusal as error:
        return _problem(request, error)
    if appointment.office.slug != office or appointment.status != Status.CONFIRMED:
        raise Http404
    response = HttpResponse(appointment_ics(appointment), content_type=ICS_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="termin-{appointment.code}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


MOVE_DAYS_SHOWN = 3
MOVE_TIMES_PER_DAY = 6  # a handful, spread over the day; "all times on this day" shows the rest


def spread(items: list, count: int) -> list:
    """At most `count` of `items`, the first and the last among them, evenly spaced."""
    if len(items) <= count:
        return items
    last = len(items) - 1
    return [items[round(i * last / (count - 1))] for i in range(count)]


def _day_param(request: HttpRequest, name: str) -> date | None:
    try:
        return date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return None


@require_http_methods(["GET", "POST"])
def move(request: HttpRequest, office: str, code: str, token: str) -> HttpResponse:
    """Choose a new time; the old one is let go only once the new one is taken. The times are
    booking's own (`free_times`: in the booking window, never now or past), a few days at a
    time with a handful of times each, every day with its own button; later and earlier days
    and all times of one day are links, so all of it works without JavaScript."""
    try:
        appointment = services.appointment_by_token(code=code_normalise(code), manage_token=token)
    except Refusal as error:
        return _problem(request, error)
    office_obj = appointment.office
    if office_obj.slug != office:
        raise Http404
    manage_url = reverse(
        "public:booking_manage", kwargs={"office": office, "code": appointment.code, "token": token}
    )
    if request.method == "POST":
        if not request.POST.get("start"):
            messages.error(request, _("Please choose a time."))
            return redirect(request.get_full_path())
        start = _parse_start(office_obj, request.POST["start"])
        moved = _("Your appointment has been moved. We have sent you an e-mail.")
        if start == appointment.start:  # a second tap, or back and again: already there
            messages.success(request, moved)
            return redirect(manage_url)
        try:
            services.appointment_reschedule(
                appointment=appointment, start=start, now=timezone.now(), acting_user=CLIENT
            )
        except Refusal as error:
            messages.error(request, str(error.message))
            return redirect(request.get_full_path())
        messages.success(request, moved)
        return redirect(manage_url)
    offered = selectors.offer_get(office_obj, service_slug=appointment.service.slug)
    now = timezone.now()
    today = local_date(office_obj, now)
    times = [
        t
        for t in selectors.free_times(
            office_obj, offered, today, now=now, persons=appointment.persons
        )
        if t.start != appointment.start  # her own time is no choice
    ]
    by_day = selectors.earliest_by_day(times, office_obj)
    all_days = sorted(by_day)
    one_day = _day_param(request, "day")
    if one_day in by_day:
        shown = [one_day]
    else:
        one_day = None
        first = max(_day_param(request, "from") or today, today)
        shown = [d for d in all_days if d >= first][:MOVE_DAYS_SHOWN]
    before = [d for d in all_days if shown and d < shown[0]]
    after = [d for d in all_days if shown and d > shown[-1]]
    return render(
        request,
        "public/booking_move.html",
        {
            "appointment": appointment,
            "manage_url": manage_url,
            "days": [
                {
                    "day": day,
                    "times": [
                        local_time(office_obj, t.start)
                        for t in (
                            by_day[day] if one_day else spread(by_day[day], MOVE_TIMES_PER_DAY)
                        )
                    ],
                    "more": not one_day and len(by_day[day]) > MOVE_TIMES_PER_DAY,
                }
                for day in shown
            ],
            # Pages of days go back and on by `from`; one day's page by `day`, to its neighbours.
            "earlier": (before[-1] if one_day else before[-MOVE_DAYS_SHOWN:][0])
            if before
            else None,
            "later": after[0] if after else None,
            "step": "day" if one_day else "from",
            **_details(appointment),
        },
    )
