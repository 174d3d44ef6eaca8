"""API v1: thin, like every interface. It parses, calls a service or selector, and answers."""

import json

from django.core.exceptions import RequestDataTooBig
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from schalter.accounts.actors import CLIENT
from schalter.api.schemas import (
    AppointmentOut,
    AvailabilityOut,
    AvailabilityQuery,
    BookingIn,
    BookingOut,
    ConfirmIn,
    ErrorOut,
    OfficeOut,
    RescheduleIn,
    ServiceOut,
)
from schalter.appointments import antibot, ratelimit, selectors, services
from schalter.appointments.calendar import appointment_ics
from schalter.appointments.challenge import challenge_new
from schalter.appointments.codes import code_normalise
from schalter.appointments.errors import ServiceNotOffered, SlotUnavailable
from schalter.appointments.models import Appointment
from schalter.errors import Refusal
from schalter.languages import BY_CODE
from schalter.offices import selectors as office_selectors
from schalter.offices.parts import parts_of

MAX_AVAILABILITY_DAYS = 92


class ManageToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> str | None:
        return token or None


api = NinjaAPI(
    title="Schalter API",
    version="1",
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(Refusal)
def booking_error(request: HttpRequest, error: Refusal) -> HttpResponse:
    response = api.create_response(
        request,
        {"error": error.code, "message": str(error.message), "field": error.field},
        status=error.status,
    )
    if error.status in (429, 503):
        response["Retry-After"] = "10"
    if isinstance(error, SlotUnavailable):
        # Losing a race for a time is an everyday answer, not a warning: under a rush Django
        # would log thousands of lines a second.
        response._has_been_logged = True  # type: ignore[attr-defined]
    return response


@api.exception_handler(NinjaValidationError)
def validation_error(request: HttpRequest, error: NinjaValidationError) -> HttpResponse:
    # The validator's own wording is English; each field gets a message in the client's
    # language, and the validator's error type stays for machines.
    errors = [
        {
            "field": ".".join(str(p) for p in e.get("loc", [])[1:]) or None,
            "message": _("This field is required.")
            if e.get("type") == "missing"
            else _("This value is not valid."),
            "type": e.get("type", ""),
        }
        for e in error.errors
    ]
    return api.create_response(
        request,
        {"error": "invalid", "message": _("Please check the fields marked."), "errors": errors},
        status=422,
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    code = "not_found" if error.status_code == 404 else "invalid"
    return api.create_response(
        request, {"error": code, "message": str(error)}, status=error.status_code
    )


@api.exception_handler(RequestDataTooBig)
def too_large(request: HttpRequest, error: RequestDataTooBig) -> HttpResponse:
    """A body above DATA_UPLOAD_MAX_MEMORY_SIZE: no request of this API needs one."""
    return api.create_response(
        request, {"error": "too_large", "message": str(Refusal.message)}, status=413
    )


@api.exception_handler(AuthenticationError)
def unauthorised(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {"error": "token_missing", "message": _("This needs the manage token.")},
        status=401,
    )


def _office(slug: str):
    try:
        return office_selectors.office_by_slug(slug)
    except Http404 as error:
        raise HttpError(404, _("Unknown office.")) from error


@api.get("/offices", response=list[OfficeOut])
def offices(request: HttpRequest):
    language = translation.get_language()
    return [
        {
            "slug": o.slug,
            "name": o.name_in(language),
            "city": o.city,
            "time_zone": o.time_zone,
            "parts": parts_of(o),
        }
        for o in office_selectors.office_list()
    ]


@api.get("/offices/{office}/services", response=list[ServiceOut])
def office_services(request: HttpRequest, office: str):
    language = translation.get_language()
    return [
        {
            "id": o.service_id,
            "slug": o.service.slug,
            "name": o.service.name_in(language),
            "duration_minutes": o.duration_minutes,
            "max_persons": o.max_persons,
            "fee_eur": o.service.fee(),
            "documents": o.service.documents_in(language),
        }
        for o in selectors.offered_services(_office(office))
    ]


@api.get(
    "/offices/{office}/availability",
    response={200: AvailabilityOut, 404: ErrorOut, 422: ErrorOut},
)
def availability(request: HttpRequest, office: str, query: Query[AvailabilityQuery]):
    """Free times, which any client or proxy may keep for a second (AVAILABILITY_CACHE_SECONDS):
    clients polling the same days share one answer (`schalter.shared_cache` keeps it in each
    process), and a booking still checks capacity under lock."""
    body = json.dumps(_availability(office, query), cls=DjangoJSONEncoder).encode()
    response = HttpResponse(body, content_type="application/json")
    response["Cache-Control"] = f"public, max-age={selectors.AVAILABILITY_CACHE_SECONDS}"
    return response


def _availability(office: str, query: AvailabilityQuery) -> dict:
    office_obj = _office(office)
    if query.end < query.start or (query.end - query.start).days > MAX_AVAILABILITY_DAYS:
        raise HttpError(422, _("Choose an end date after the start, at most three months later."))
    offered = selectors.offer_of(office_obj, service_id=query.service)
    if offered is None:
        raise ServiceNotOffered(field="service")
    times = selectors.free_times(
        office_obj,
        offered,
        query.start,
        query.end,
        now=timezone.now(),
        persons=query.persons,
        cached=False,  # the finished answer is kept whole (schalter.shared_cache)
    )
    return {
        "slots": [
            {"start": t.start.astimezone(office_obj.zone).isoformat(), "available": t.available}
            for t in times
        ]
    }


@api.get("/challenge")
def challenge(request: HttpRequest):
    """A proof-of-work challenge for the booking form (ALTCHA)."""
    return challenge_new(timezone.now())


@api.post(
    "/offices/{office}/appointments",
    response={
        201: BookingOut,
        400: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
        429: ErrorOut,
    },
)
def book(request: HttpRequest, office: str, booking: BookingIn):
    # One query finds office, service and booking policy; the 404 for an unknown office first.
    offered = (
        selectors.offered_for_booking(office, booking.service)
        if 0 < booking.service < 2**63
        else None
    )
    office_obj = offered.office if offered is not None else _office(office)
    if booking.language.lower() not in BY_CODE:
        raise HttpError(422, _("Unknown language."))
    if booking.start.tzinfo is None:
        raise HttpError(
            422, _("Give the time with its UTC offset, e.g. 2027-03-01T09:00:00+01:00.")
        )
    now = timezone.now()
    # The same checks as the public pages'; an API client always solves the proof of work.
    antibot.attempt_check(
        address=ratelimit.client_address(request),
        email=booking.email,
        proof=booking.altcha,
        script_ran=True,
        now=now,
    )
    if offered is None:
        known = 0 < booking.service < 2**63 and selectors.service_by_id(booking.service)
        raise ServiceNotOffered(field=None if known else "service")
    try:
        booked = services.appointment_book(
            office=office_obj,
            service=offered.service,
            offered=offered,
            start=booking.start,
            name=booking.name,
            email=booking.email,
            phone=booking.phone,
            language=booking.language.lower(),
            persons=booking.persons,
            interpreter_language=booking.interpreter_language,
            now=now,
            acting_user=CLIENT,
        )
    finally:
        _release_database()
    appointment = booked.appointment
    return Status(
        201,
        {
            "code": appointment.code,
            "manage_token": booked.manage_token,
            "status": appointment.status,
            "start": appointment.start.astimezone(office_obj.zone),
            "end": appointment.end.astimezone(office_obj.zone),
        },
    )


def _release_database() -> None:
    """Hand the pooled database connection back once the booking is decided, rather than keep
    it idle while the answer is rendered and sent. (Django takes a connection again should
    anything later need one.)"""
    if connection.settings_dict["OPTIONS"].get("pool") and not connection.in_atomic_block:
        connection.close()


def _appointment_out(appointment: Appointment) -> dict:
    zone = appointment.office.zone
    return {
        "code": appointment.code,
        "status": appointment.status,
        "office": appointment.office.slug,
        "service": appointment.service_id,
        "service_name": appointment.service.name_in(appointment.language),
        "start": appointment.start.astimezone(zone),
        "end": appointment.end.astimezone(zone),
        "persons": appointment.persons,
        "language": appointment.language,
    }


def _managed(request: HttpRequest, code: str) -> Appointment:
    return services.appointment_by_token(code=code_normalise(code), manage_token=request.auth)


@api.get("/appointments/{code}", auth=ManageToken(), response={200: AppointmentOut, 403: ErrorOut})
def appointment(request: HttpRequest, code: str):
    return _appointment_out(_managed(request, code))


@api.delete(
    "/appointments/{code}",
    auth=ManageToken(),
    response={200: AppointmentOut, 403: ErrorOut, 409: ErrorOut},
)
def cancel(request: HttpRequest, code: str):
    found = _managed(request, code)
    services.appointment_cancel(appointment=found, now=timezone.now(), acting_user=CLIENT)
    return _appointment_out(found)


@api.get("/appointments/{code}/ics", auth=ManageToken())
def ics(request: HttpRequest, code: str):
    found = _managed(request, code)
    response = HttpResponse(appointment_ics(found), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="termin-{found.code}.ics"'
    return response


@api.post("/appointments/{code}/confirm", response={200: AppointmentOut, 403: ErrorOut})
def confirm(request: HttpRequest, code: str, body: ConfirmIn):
    found = services.appointment_by_confirm_token(
        code=code_normalise(code), confirm_token=body.token
    )
    services.appointment_confirm(
        appointment=found, confirm_token=body.token, now=timezone.now(), acting_user=CLIENT
    )
    return _appointment_out(found)


@api.post(
    "/appointments/{code}/reschedule",
    auth=ManageToken(),
    response={200: AppointmentOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def reschedule(request: HttpRequest, code: str, body: RescheduleIn):
    found = _managed(request, code)
    if body.start.tzinfo is None:
        raise HttpError(
            422, _("Give the time with its UTC offset, e.g. 2027-03-01T09:00:00+01:00.")
        )
    services.appointment_reschedule(
        appointment=found, start=body.start, now=timezone.now(), acting_user=CLIENT
    )
    return _appointment_out(found)


# Routers of other domains, each in its own module.
from schalter.api.callbacks import router as callbacks_router  # noqa: E402

api.add_router("", callbacks_router)
