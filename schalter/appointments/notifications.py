"""E-mails to clients, always in the client's language, with .ics and QR code on confirmation."""

import io
import logging
from datetime import datetime

import segno
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import TaskContext, task, task_backends
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_scopes import scopes_disabled
from django_tasks_db.backend import DatabaseBackend

from schalter.appointments.calendar import appointment_ics
from schalter.appointments.capabilities import links_issue
from schalter.appointments.models import Appointment, CancellationReason, LinkPurpose
from schalter.appointments.parts import BOOKING
from schalter.languages import language_for
from schalter.links import public_url
from schalter.mail.services import mail_send_once
from schalter.offices.localtime import local_time
from schalter.offices.parts import uses

log = logging.getLogger(__name__)

SUBJECTS = {
    "confirm_request": translation.gettext_noop("Please confirm your appointment"),
    "confirmed": translation.gettext_noop("Your appointment is confirmed"),
    "rescheduled": translation.gettext_noop("Your appointment has been moved"),
    "cancelled": translation.gettext_noop("Your appointment has been cancelled"),
    "reminder": translation.gettext_noop("Reminder of your appointment"),
    "cancelled_by_office": translation.gettext_noop("The office had to cancel your appointment"),
    "waitlist_offer": translation.gettext_noop("An appointment has become free for you"),
    "office_suspended": translation.gettext_noop("News about your appointment"),
}


# The links each kind of mail carries: a mail that lets the person act on the appointment
# carries a token issued for it alone, when it is written (docs/capabilities.md).
CONFIRM_LINK_KINDS = frozenset({"confirm_request", "waitlist_offer"})
NO_MANAGE_LINK_KINDS = frozenset({"cancelled", "cancelled_by_office", "waitlist_offer"})


def appointment_links(appointment: Appointment, kind: str) -> dict[str, str]:
    """The mail's links, with fresh manage and confirm tokens where the kind carries them. The
    tokens exist only here and in the mail: task arguments carry the appointment's id."""
    purposes = [
        *([LinkPurpose.CONFIRM] if kind in CONFIRM_LINK_KINDS else []),
        *([] if kind in NO_MANAGE_LINK_KINDS else [LinkPurpose.MANAGE]),
    ]
    tokens = dict(
        zip(
            purposes,
            links_issue(appointment=appointment, purposes=purposes, now=timezone.now()),
            strict=True,
        )
    )
    kwargs = {"office": appointment.office.slug, "code": appointment.code}
    views = {
        LinkPurpose.CONFIRM: "public:booking_confirm",
        LinkPurpose.MANAGE: "public:booking_manage",
    }
    with translation.override(appointment.language):
        return {
            **{
                str(purpose): public_url(reverse(views[purpose], kwargs={**kwargs, "token": token}))
                for purpose, token in tokens.items()
            },
            "office": public_url(
                reverse("public:office", kwargs={"office": appointment.office.slug})
            ),
            # Where to book anew: the booking pages, or, in an office that does not book
            # online (offices/parts.py), its page, which says how to get an appointment there.
            "book": public_url(
                reverse(
                    "public:book" if uses(appointment.office, BOOKING) else "public:office",
                    kwargs={"office": appointment.office.slug},
                )
            ),
        }


def render_appointment_mail(
    appointment: Appointment, kind: str, extra: dict | None = None
) -> EmailMultiAlternatives:
    office = appointment.office
    language = appointment.language
    with translation.override(language):
        links = appointment_links(appointment, kind)
        start = local_time(office, appointment.start)
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
        if "reason_key" in context:
            reason = context["reason_key"]
            context["reason"] = (
                str(CancellationReason(reason).label) if reason in CancellationReason else ""
            )
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


def _to_json(extra: dict | None) -> dict:
    """Task arguments must be JSON: times travel as ISO strings."""
    out: dict = {}
    for key, value in (extra or {}).items():
        if isinstance(value, datetime):
            out[key] = {"at": value.isoformat()}
        elif isinstance(value, list) and value and isinstance(value[0], datetime):
            out[key] = [{"at": v.isoformat()} for v in value]
        else:
            out[key] = value
    return out


def _from_json(extra: dict) -> dict:
    def back(value):
        if isinstance(value, dict) and set(value) == {"at"}:
            return datetime.fromisoformat(value["at"])
        if isinstance(value, list):
            return [back(v) for v in value]
        return value

    return {key: back(value) for key, value in extra.items()}


def appointment_mail(appointment_id: int, kind: str, extra: dict) -> EmailMultiAlternatives | None:
    with scopes_disabled():
        appointment = (
            Appointment.objects.select_related("office", "service")
            .filter(pk=appointment_id)
            .first()
        )
    if appointment is None or not appointment.email:
        return None
    return render_appointment_mail(appointment, kind, _from_json(extra))


@task(takes_context=True)
def appointment_mail_task(
    context: TaskContext, appointment_id: int, kind: str, extra: dict, mail_key: str = ""
) -> None:
    """Exactly once (schalter/mail/services.py): the first run's id is the mail's key, and each
    later attempt (after a killed worker or an unreachable SMTP server) is this task again with
    that key."""
    key = mail_key or str(context.task_result.id)

    def retry(at: datetime) -> None:
        appointment_mail_task.using(run_after=at).enqueue(appointment_id, kind, extra, key)

    deferrable = task_backends[appointment_mail_task.backend].supports_defer
    mail_send_once(
        key=key,
        purpose=f"appointments.{kind}",
        build=lambda: appointment_mail(appointment_id, kind, extra),
        retry=retry if deferrable else None,
    )


def queue_appointment_mail(appointment: Appointment, kind: str, extra: dict | None = None) -> None:
    """Send through the task backend (a worker in production) once the transaction commits.
    Where the backend keeps its tasks in the database, the task is written in the transaction
    itself: queued exactly when the change commits, and one commit fewer per booking."""

    def enqueue() -> None:
        appointment_mail_task.enqueue(appointment.pk, kind, _to_json(extra))

    in_database = isinstance(task_backends[appointment_mail_task.backend], DatabaseBackend)
    if in_database and transaction.get_connection().in_atomic_block:
        enqueue()
    else:
        transaction.on_commit(enqueue)
