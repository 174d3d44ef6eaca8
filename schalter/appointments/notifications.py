"""E-mails to clients, always in the client's language, with .ics and QR code on confirmation."""

import io
import logging

import segno
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from schalter.appointments.calendar import appointment_ics
from schalter.appointments.models import Appointment
from schalter.languages import language_for

log = logging.getLogger(__name__)

SUBJECTS = {
    "confirm_request": translation.gettext_noop("Please confirm your appointment"),
    "confirmed": translation.gettext_noop("Your appointment is confirmed"),
    "rescheduled": translation.gettext_noop("Your appointment has been moved"),
    "cancelled": translation.gettext_noop("Your appointment has been cancelled"),
    "reminder": translation.gettext_noop("Reminder of your appointment"),
    "cancelled_by_office": translation.gettext_noop("The office had to cancel your appointment"),
    "waitlist_offer": translation.gettext_noop("An appointment has become free for you"),
}


def absolute(path: str) -> str:
    return settings.SCHALTER_PUBLIC_URL.rstrip("/") + path


def appointment_links(appointment: Appointment) -> dict[str, str]:
    from schalter.appointments.services import confirm_token_for, manage_token_for

    kwargs = {"office": appointment.office.slug, "code": appointment.code}
    with translation.override(appointment.language):
        return {
            "confirm": absolute(
                reverse(
                    "public:booking_confirm",
                    kwargs={**kwargs, "token": confirm_token_for(appointment.code)},
                )
            ),
            "manage": absolute(
                reverse(
                    "public:booking_manage",
                    kwargs={**kwargs, "token": manage_token_for(appointment.code)},
                )
            ),
            "office": absolute(
                reverse("public:office", kwargs={"office": appointment.office.slug})
            ),
            "book": absolute(reverse("public:book", kwargs={"office": appointment.office.slug})),
        }


def render_appointment_mail(
    appointment: Appointment, kind: str, extra: dict | None = None
) -> EmailMultiAlternatives:
    office = appointment.office
    language = appointment.language
    with translation.override(language):
        links = appointment_links(appointment)
        start = appointment.start.astimezone(office.zone)
        context = {
            "appointment": appointment,
            "kind": kind,
            "links": links,
            "start": start,
            "office_name": office.name_in(language),
            "office": office,
            "service_name": appointment.service.name_in(language),
            "documents": appointment.service.documents_in(language),
            "directions": office.directions_in(language),
            "rtl": language_for(language).bidi,
            **(extra or {}),
        }
        subject = translation.gettext(SUBJECTS[kind])
        body = render_to_string("emails/appointment.txt", context)
        html = render_to_string("emails/appointment.html", context)
    message = EmailMultiAlternatives(
        subject=f"{subject} – {appointment.code}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[appointment.email],
        headers={"Content-Language": language},
    )
    message.attach_alternative(html, "text/html")
    if kind in {"confirmed", "rescheduled", "reminder"}:
        message.attach(
            f"termin-{appointment.code}.ics",
            appointment_ics(appointment),
            "text/calendar; method=PUBLISH; charset=UTF-8",
        )
        qr = segno.make(links["manage"], error="m")
        message.attach(f"qr-{appointment.code}.png", _png_bytes(qr), "image/png")
    return message


def _png_bytes(qr: segno.QRCode) -> bytes:
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=6)
    return buffer.getvalue()


def send_appointment_mail(appointment: Appointment, kind: str, extra: dict | None = None) -> None:
    """Send now; an unreachable mail server is logged, never turned into a failed booking.
    `extra` adds to the template context, e.g. `alternatives` (local datetimes) for
    `cancelled_by_office`, or `offer_until` for `waitlist_offer`."""
    if not appointment.email:
        return
    try:
        render_appointment_mail(appointment, kind, extra).send()
    except OSError:
        log.exception("appointment mail %s for %s not sent", kind, appointment.code)
