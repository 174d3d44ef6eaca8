"""Work outside the request: the alert to an office's admins when a staff name sees many failed
sign-ins (accounts.services.sign_in_failure_record queues it after its commit)."""

import logging

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.tasks import task
from django.utils import translation
from django.utils.translation import gettext as _

from schalter.accounts.selectors import office_admin_emails_of

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
