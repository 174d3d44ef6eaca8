"""Work outside the request: the alert to an office's admins when a staff name sees many failed
sign-ins (accounts.services.sign_in_failure_record queues it after its commit), and the mails
that carry account links (invitations, second-factor resets; accounts/members.py)."""

import logging
from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMessage, send_mail
from django.tasks import TaskContext, task, task_backends
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from schalter.accounts.links import account_link_token_issue
from schalter.accounts.models import AccountLink
from schalter.accounts.roles import Role
from schalter.accounts.selectors import office_admin_emails_of, staff_language_of
from schalter.links import public_url
from schalter.mail.services import mail_send_once

log = logging.getLogger(__name__)


@task
def sign_in_alert_mail_task(user_id: int, failures: int, addresses: int) -> None:
    user = User.objects.filter(pk=user_id).first()
    recipients = office_admin_emails_of(user=user) if user else []
    if user is None or not recipients:
        return
    values = {"user": user.username, "failures": failures, "addresses": addresses}
    # Staff pages speak the installation's language (German); so does this mail.
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Many failed sign-ins for the staff account %(user)s") % values
        body = (
            _(
                "Someone is trying to sign in as %(user)s. Failed attempts: %(failures)s. "
                "Addresses they came from: %(addresses)s. Each address is stopped after a few "
                "failures, so the account holder can still sign in from their own workplace. "
                "If these attempts were not theirs, give them a new password and read the audit "
                "log of your office."
            )
            % values
        )
    try:
        send_mail(subject, body, None, recipients)
    except OSError:
        log.exception("sign-in alert for user %s not sent", user_id)


SUBJECTS = {
    AccountLink.Kind.INVITATION: gettext_noop("You are invited to Schalter"),
    AccountLink.Kind.RESET: gettext_noop("Set up your second factor for Schalter again"),
    AccountLink.Kind.ENROLMENT: gettext_noop("Set up your Schalter account"),
}


def account_link_mail(link_id: int) -> EmailMessage | None:
    """The mail of an account link, with a fresh token (the row keeps its hash), in the
    recipient's staff language; None when the link is no longer open."""
    link = AccountLink.objects.select_related("office", "user").filter(pk=link_id).first()
    if link is None or not link.open_at(timezone.now()) or not link.email:
        return None
    chosen = staff_language_of(user=link.user) if link.user else ""
    language = chosen or link.language or settings.LANGUAGE_CODE
    token = account_link_token_issue(link=link)
    with translation.override(language):
        url = public_url(reverse("staff:account_link") + "?" + urlencode({"token": token}))
        context = {
            "link": link,
            "url": url,
            "office_name": link.office.name_in(language) if link.office else "",
            "roles": [str(Role(role).label) for role in link.roles if role in Role.values],
            "expires": formats.date_format(timezone.localtime(link.expires_at), "DATETIME_FORMAT"),
        }
        subject = translation.gettext(SUBJECTS[AccountLink.Kind(link.kind)])
        body = render_to_string("emails/account_link.txt", context)
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[link.email],
        headers={"Content-Language": language},
    )


@task(takes_context=True)
def account_link_mail_task(context: TaskContext, link_id: int, mail_key: str = "") -> None:
    """Exactly once, like the appointment mails (schalter/mail/services.py)."""
    key = mail_key or str(context.task_result.id)

    def retry(at: datetime) -> None:
        account_link_mail_task.using(run_after=at).enqueue(link_id, key)

    deferrable = task_backends[account_link_mail_task.backend].supports_defer
    mail_send_once(
        key=key,
        purpose="accounts.link",
        build=lambda: account_link_mail(link_id),
        retry=retry if deferrable else None,
    )
