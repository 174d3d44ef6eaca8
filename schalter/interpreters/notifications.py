"""Mails about interpreting: a request to her (with a sign-in link), a sign-in link she asked
for, and a word to the office when nobody is found. Sent after commit by the task backend, each
exactly once (schalter/mail/services.py); the link's token exists only in the mail."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import TaskContext, task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from schalter.interpreters.languages import language_name
from schalter.interpreters.models import Assignment, Interpreter, Mode
from schalter.interpreters.signin import sign_in_link_issue
from schalter.links import public_url
from schalter.mail.services import mail_send_once
from schalter.offices.localtime import local_time

log = logging.getLogger(__name__)

SUBJECTS = {
    "request": gettext_noop("Request for an interpreting assignment"),
    "sign_in": gettext_noop("Your sign-in link"),
    "nobody_found": gettext_noop("No interpreter found yet"),
    "cancelled": gettext_noop("An interpreting assignment has been cancelled"),
    "moved": gettext_noop("An interpreting assignment has been moved"),
    "withdrawn": gettext_noop("An interpreting request has been withdrawn"),
}
# Mails to the client of an appointment, in her language (like the appointment mails).
CLIENT_SUBJECTS = {
    "client_confirmed": gettext_noop("An interpreter is booked for your appointment"),
    "client_none": gettext_noop("No interpreter has been found yet for your appointment"),
}
# Kinds that carry her sign-in link (she acts on them in her own view).
LINK_KINDS = frozenset({"request", "sign_in", "moved"})
# Interpreters read their mails in German (the offices' language).
MAIL_LANGUAGE = "de"


def sign_in_url(interpreter: Interpreter) -> str:
    token = sign_in_link_issue(interpreter=interpreter, now=timezone.now())
    with translation.override(MAIL_LANGUAGE):
        return public_url(reverse("public:interpreter_sign_in", kwargs={"token": token}))


def interpreter_mail(kind: str, interpreter_id: int | None, assignment_id: int | None):
    interpreter = Interpreter.objects.filter(pk=interpreter_id).first() if interpreter_id else None
    assignment = (
        Assignment.across_offices.select_related("office").filter(pk=assignment_id).first()
        if assignment_id
        else None
    )
    if kind == "nobody_found":
        if assignment is None or not assignment.office.email:
            return None
        to = assignment.office.email
    else:
        if interpreter is None or not interpreter.active:
            return None
        to = interpreter.email
    with translation.override(MAIL_LANGUAGE):
        context = {
            "kind": kind,
            "assignment": assignment,
            "start": local_time(assignment.office, assignment.start) if assignment else None,
            "language": language_name(assignment.language) if assignment else "",
            "mode": Mode(assignment.mode).label if assignment else "",
            "office_name": assignment.office.name_in(MAIL_LANGUAGE) if assignment else "",
            "link": sign_in_url(interpreter)
            if interpreter is not None and kind in LINK_KINDS
            else "",
        }
        subject = translation.gettext(SUBJECTS[kind])
        body = render_to_string("emails/interpreter.txt", context)
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Content-Language": MAIL_LANGUAGE},
    )


@task(takes_context=True)
def interpreter_mail_task(
    context: TaskContext, kind: str, interpreter_id: int | None, assignment_id: int | None
) -> None:
    key = str(context.task_result.id)
    mail_send_once(
        key=key,
        purpose=f"interpreters.{kind}",
        build=lambda: interpreter_mail(kind, interpreter_id, assignment_id),
        retry=None,
    )


def client_mail(kind: str, assignment_id: int) -> EmailMessage | None:
    """To the client of the appointment, in her language: an interpreter is booked, or none has
    been found yet and what the office offers instead. Nothing once the appointment is gone."""
    assignment = (
        Assignment.across_offices.select_related("office", "appointment")
        .filter(pk=assignment_id)
        .first()
    )
    appointment = assignment.appointment if assignment else None
    if assignment is None or appointment is None or not appointment.email:
        return None
    office = assignment.office
    language = appointment.language or "de"
    with translation.override(language):
        context = {
            "kind": kind,
            "code": appointment.code,
            "start": local_time(office, appointment.start),
            "language": language_name(assignment.language),
            "mode": Mode(assignment.mode).label,
            "office_name": office.name_in(language),
            "office_phone": office.phone,
            "office_email": office.email,
        }
        subject = translation.gettext(CLIENT_SUBJECTS[kind])
        body = render_to_string("emails/interpreter_client.txt", context)
    return EmailMessage(
        subject=f"{subject} – {appointment.code}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[appointment.email],
        headers={"Content-Language": language},
    )


@task(takes_context=True)
def client_mail_task(context: TaskContext, kind: str, assignment_id: int) -> None:
    mail_send_once(
        key=str(context.task_result.id),
        purpose=f"interpreters.{kind}",
        build=lambda: client_mail(kind, assignment_id),
        retry=None,
    )
