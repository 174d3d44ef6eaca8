"""Public booking pages: confirm by e-mail link, manage (see, move, cancel) with the token."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from schalter.appointments import services
from schalter.appointments.errors import BookingError


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, office: str, code: str, token: str) -> HttpResponse:
    """GET shows a button (mail scanners follow links; only a person's POST confirms)."""
    try:
        appointment = services.appointment_by_confirm_token(code=code[:20], confirm_token=token)
    except BookingError as error:
        return render(
            request, "public/booking_problem.html", {"message": error.message}, status=error.status
        )
    if appointment.office.slug != office:
        raise Http404
    if request.method == "POST":
        try:
            services.appointment_confirm(
                appointment=appointment, confirm_token=token, now=timezone.now()
            )
        except BookingError as error:
            return render(
                request,
                "public/booking_problem.html",
                {"message": error.message},
                status=error.status,
            )
        messages.success(request, _("Your appointment is confirmed. We have sent you an e-mail."))
        return redirect(
            "public:booking_manage",
            office=office,
            code=appointment.code,
            token=services.manage_token_for(appointment.code),
        )
    return render(
        request,
        "public/booking_confirm.html",
        {"appointment": appointment, **_details(appointment)},
    )


def _details(appointment) -> dict:
    language = get_language()
    return {
        "office_name": appointment.office.name_in(language),
        "service_name": appointment.service.name_in(language),
        "start": appointment.start.astimezone(appointment.office.zone),
        "documents": appointment.service.documents_in(language),
    }


@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, office: str, code: str, token: str) -> HttpResponse:
    try:
        appointment = services.appointment_by_token(code=code[:20], manage_token=token)
    except BookingError as error:
        return render(
            request, "public/booking_problem.html", {"message": error.message}, status=error.status
        )
    if appointment.office.slug != office:
        raise Http404
    if request.method == "POST" and request.POST.get("action") == "cancel":
        try:
            services.appointment_cancel(appointment=appointment, now=timezone.now())
            messages.success(request, _("Your appointment has been cancelled."))
        except BookingError as error:
            messages.error(request, str(error.message))
        return redirect(request.path)
    return render(
        request, "public/booking_manage.html", {"appointment": appointment, **_details(appointment)}
    )
