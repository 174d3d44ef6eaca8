"""The callback worklist: by deadline with overdue ones on top, take one (claim), play the
message (each playback audited as a read of a client record), call by `tel:` link, record the
attempt, or book an appointment for the caller in one step."""

import re
from datetime import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schalter.accounts.roles import Capability
from schalter.accounts.services import audit_record
from schalter.appointments import selectors as appointment_selectors
from schalter.appointments import services as appointment_services
from schalter.appointments.errors import AlreadyBooked
from schalter.appointments.models import Channel
from schalter.callbacks import actions
from schalter.callbacks.models import AttemptOutcome, Callback, State
from schalter.callbacks.services import (
    callback_attempt_record,
    callback_audio_play,
    callback_claim,
    callback_release,
)
from schalter.callbacks.worklist import (
    Routing,
    attempts_of,
    audio_exists,
    audio_of,
    is_overdue,
    left_to_others,
    routing_of,
    worklist_page,
)
from schalter.errors import Refusal
from schalter.knowledge import selectors as knowledge_selectors
from schalter.languages import language_label
from schalter.offices.localtime import local_date, local_time
from schalter.offices.models import Office
from schalter.offices.selectors import owned_by
from schalter.staff.appointment_forms import StaffBookingForm, service_choices
from schalter.staff.callback_forms import AttemptForm
from schalter.staff.guards import office_view
from schalter.staff.interpreter_views import callback_panel
from schalter.staff.navigation import office_render

C = Capability
RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _language_note(callback: Callback, routing: Routing) -> str:
    """Says so when no agent here speaks the caller's language, with what to do instead."""
    if not routing.nobody_speaks(callback.language):
        return ""
    return _("Nobody here speaks %(language)s: call with a phone interpreter.") % {
        "language": language_label(callback.language)
    }


@require_http_methods(["GET", "POST"])
@office_view(C.WORK_CALLBACKS)
def callbacks(request: HttpRequest, office: Office) -> HttpResponse:
    """GET: the worklist, a page at a time (`?for=me`: only those routed to her). POST: take the
    most urgent one that is free and hers by language: in a language she speaks, in German, or
    in one no agent here speaks; those only colleagues speak are left to them."""
    now = timezone.now()
    routing = routing_of(office, request.user)
    if request.method == "POST":
        try:
            found = callback_claim(
                office=office,
                now=now,
                acting_user=request.user,
                leave_out=left_to_others(office, routing),
            )
        except Refusal as problem:
            messages.error(request, str(problem.message))
            return redirect("staff:callbacks", office=office.slug)
        if found is None:
            messages.info(request, _("No callback is waiting."))
            return redirect("staff:callbacks", office=office.slug)
        return redirect("staff:callback", office=office.slug, pk=found.pk)
    for_me = request.GET.get("for") == "me"
    page = worklist_page(
        office,
        request.GET.get("page", 1),
        leave_out=left_to_others(office, routing) if for_me else (),
    )
    language = get_language()
    rows = [
        {
            "callback": callback,
            "deadline": _local(office, callback.deadline),
            "follow_up_at": _local(office, callback.follow_up_at),
            "overdue": is_overdue(callback, now),
            "language_name": language_label(callback.language) if callback.language else "",
            "language_note": _language_note(callback, routing),
            "for_colleague": not routing.is_hers(callback.language),
            "service_name": callback.service.name_in(language) if callback.service else "",
            "mine": callback.claimed_by_id == request.user.pk,
        }
        for callback in page.object_list
    ]
    return office_render(
        request, "staff/callbacks/list.html", {"page": page, "rows": rows, "for_me": for_me}
    )


def _local(office: Office, moment: datetime | None) -> datetime | None:
    """A moment on the office's wall clock (the pages show it with `localtime off`)."""
    return local_time(office, moment) if moment else None


def _detail(request: HttpRequest, office: Office, callback: Callback, **extra) -> HttpResponse:
    now = timezone.now()
    language = get_language()
    mine = callback.state == State.CLAIMED and callback.claimed_by_id == request.user.pk
    book_form = extra.pop("book_form", None)
    if book_form is None and mine:
        offered = appointment_selectors.offered_services(office, online_only=False)
        book_form = StaffBookingForm(
            office=office,
            today=local_date(office, now),
            services=service_choices(offered, language),
            initial={
                "phone": callback.caller_number,
                "language": callback.language or "de",
                "service": callback.service_id or "",
                "name": callback.caller_name,
                "day": local_date(office, now).isoformat(),
            },
        )
    has_audio = audio_exists(callback)
    context = {
        "callback": callback,
        "mine": mine,
        "overdue": is_overdue(callback, now),
        "has_audio": has_audio,
        "attempts": attempts_of(callback),
        "language_name": language_label(callback.language) if callback.language else "",
        "deadline": _local(office, callback.deadline),
        "language_note": _language_note(callback, routing_of(office)),
        "service_name": callback.service.name_in(language) if callback.service else "",
        "attempt_form": extra.pop("attempt_form", None) or AttemptForm(),
        "book_form": book_form,
        "interpreter_panel": callback_panel(request, office, callback),  # issue 15
        # Coming changes of the law on the caller's service (issue 16).
        "knowledge_banners": knowledge_selectors.banners_for(
            office, [callback.service] if callback.service else [], on=local_date(office, now)
        ),
    }
    return office_render(
        request, "staff/callbacks/detail.html", context, status=extra.pop("status", 200)
    )


@require_GET
@office_view(C.WORK_CALLBACKS)
def callback(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    found = owned_by(office, Callback, pk, "service")
    # The page shows the caller's number, name and notes: a read of a client record.
    audit_record(office=office, acting_user=request.user, action=actions.VIEWED, target=found)
    return _detail(request, office, found)


@require_POST
@office_view(C.WORK_CALLBACKS)
def callback_claim_view(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    found = owned_by(office, Callback, pk)
    try:
        callback_claim(office=office, now=timezone.now(), acting_user=request.user, callback=found)
    except Refusal as problem:
        messages.error(request, str(problem.message))
    return redirect("staff:callback", office=office.slug, pk=found.pk)


@require_POST
@office_view(C.WORK_CALLBACKS)
def callback_release_view(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    found = owned_by(office, Callback, pk)
    try:
        callback_release(callback=found, acting_user=request.user)
    except Refusal as problem:
        messages.error(request, str(problem.message))
    return redirect("staff:callbacks", office=office.slug)


@require_POST
@office_view(C.WORK_CALLBACKS)
def callback_attempt(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    found = owned_by(office, Callback, pk, "service")
    form = AttemptForm(request.POST)
    if not form.is_valid():
        return _detail(request, office, found, attempt_form=form, status=400)
    data = form.cleaned_data
    try:
        attempted = callback_attempt_record(
            callback=found,
            outcome=data["outcome"],
            note=data["note"],
            follow_up_at=data["follow_up_at"],
            now=timezone.now(),
            acting_user=request.user,
        )
    except Refusal as problem:
        messages.error(request, str(problem.message))
        return redirect("staff:callback", office=office.slug, pk=found.pk)
    if attempted.callback.state == State.CLOSED:
        messages.success(
            request,
            _("Callback closed: %(outcome)s.")
            % {"outcome": attempted.callback.get_outcome_display()},
        )
    else:
        messages.success(request, _("Attempt recorded. The callback is back on the list."))
    return redirect("staff:callbacks", office=office.slug)


@require_POST
@office_view(C.MANAGE_APPOINTMENTS)
def callback_book(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    """Book for the caller while on the phone with her: the appointment is confirmed at once,
    and the callback closes as reached with the appointment's code in the attempt's note."""
    found = owned_by(office, Callback, pk, "service")
    now = timezone.now()
    offered = appointment_selectors.offered_services(office, online_only=False)
    form = StaffBookingForm(
        request.POST,
        office=office,
        today=local_date(office, now),
        services=service_choices(offered, get_language()),
    )
    if not form.is_valid():
        return _detail(request, office, found, book_form=form, status=400)
    if found.state == State.OPEN:  # booking while on the phone takes the callback too
        try:
            callback_claim(office=office, now=now, acting_user=request.user, callback=found)
        except Refusal as problem:
            messages.error(request, str(problem.message))
            return redirect("staff:callback", office=office.slug, pk=found.pk)
        found.refresh_from_db()
    if not (found.state == State.CLAIMED and found.claimed_by_id == request.user.pk):
        messages.error(request, _("Take this callback first."))
        return redirect("staff:callback", office=office.slug, pk=found.pk)
    data = form.cleaned_data
    try:
        booked = appointment_services.appointment_book(
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
    except AlreadyBooked:
        form.add_error(None, _("This person already has an active appointment for this service."))
        return _detail(request, office, found, book_form=form, status=400)
    except Refusal as problem:
        form.add_error(
            "time" if problem.field == "start" else None,
            str(problem.message),
        )
        return _detail(request, office, found, book_form=form, status=problem.status)
    code = booked.appointment.code
    callback_attempt_record(
        callback=found,
        outcome=AttemptOutcome.REACHED,
        note=_("Appointment %(code)s booked.") % {"code": code},
        now=now,
        acting_user=request.user,
    )
    messages.success(request, _("Appointment %(code)s booked and confirmed.") % {"code": code})
    return redirect("staff:appointment", office=office.slug, pk=booked.appointment.pk)


@require_GET
@office_view(C.WORK_CALLBACKS)
def callback_audio(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    """The recording, with its content type, and byte ranges (browsers seek with them). The
    first request of a playback (no range, or one from byte 0) is audited as a read."""
    wanted = RANGE.match(request.headers.get("Range", "").strip())
    ranged = bool(wanted and (wanted.group(1) or wanted.group(2)))
    if not ranged or (wanted and wanted.group(1) == "0"):  # a playback starts: audited
        audio = callback_audio_play(office=office, callback_id=pk, acting_user=request.user)
    else:  # the browser seeking within a playback already audited
        found_audio = audio_of(owned_by(office, Callback, pk))
        if found_audio is None:
            return HttpResponse(status=404)
        audio = found_audio
    data = bytes(audio.data)
    size = len(data)
    start, end = 0, size - 1
    if wanted and ranged:
        if wanted.group(1):
            start = int(wanted.group(1))
            end = min(int(wanted.group(2)), size - 1) if wanted.group(2) else size - 1
        else:  # the last N bytes
            start = max(size - int(wanted.group(2)), 0)
        if start > end or start >= size:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
    partial = ranged
    response = HttpResponse(
        data[start : end + 1], content_type=audio.content_type, status=206 if partial else 200
    )
    response["Accept-Ranges"] = "bytes"
    response["Content-Length"] = str(end - start + 1)
    response["Cache-Control"] = "private, no-store"
    if partial:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    return response
