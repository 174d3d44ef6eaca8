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
}
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
            "link": sign_in_url(interpreter) if interpreter is not None else "",
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
