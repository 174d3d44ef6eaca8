"""Sending an e-mail exactly once, whatever happens to the worker or the SMTP server.

A mail has a key (its first task's id). Each attempt first claims the mail in the database for a
while (`attempt_until`) and, in the same transaction, queues the next attempt for when that
claim runs out; then it hands the mail to the SMTP server and records it as sent the moment the
server has accepted it (its 250 after DATA), before even saying QUIT. So:

- the worker killed before the server accepted the mail: the server has nothing (a mail
  server takes a message only with its 250), and the queued next attempt sends it;
- the worker killed after: the mail is marked sent, and the next attempt does nothing;
- the SMTP server unreachable or refusing: the next attempt tries again, later each time
  (doubling up to an hour), until it is out.

What cannot be closed is the instant between the server's 250 and our commit of "sent": a kill
exactly there sends the mail twice. Both copies carry the same Message-ID (made from the key),
by which mail systems and mail programs recognise a duplicate.
"""

import contextlib
import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.utils import timezone

from schalter.mail.models import OutgoingMail

log = logging.getLogger(__name__)

RETRY_AT_MOST = timedelta(hours=1)
# About four days at the hourly pace: a mail still not accepted by then is given up (logged).
MAX_ATTEMPTS = 100


@dataclass(frozen=True)
class Attempt:
    number: int  # 1 for the first
    retry_at: datetime  # when the next attempt runs unless this one ends the mail


def message_id(key: str) -> str:
    """The same for every attempt at one mail, on every host."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "schalter.invalid"
    return f"<{key}@{domain}>"


def retry_delay(attempt: int) -> timedelta:
    """Also how long an attempt holds the mail: several times the SMTP timeout at least."""
    first = timedelta(seconds=settings.SCHALTER_MAIL_RETRY_SECONDS)
    return min(first * 2 ** min(attempt - 1, 20), max(first, RETRY_AT_MOST))


def mail_attempt_begin(*, key: str, purpose: str, now: datetime) -> Attempt | None:
    """Claim the next attempt at the mail `key`; None if it is done, given up, or held by an
    attempt under way. Call inside the transaction that queues the next attempt."""
    mail, _ = OutgoingMail.objects.select_for_update().get_or_create(
        key=key, defaults={"purpose": purpose[:64]}
    )
    if mail.done_at is not None:
        return None
    if mail.attempt_until is not None and mail.attempt_until > now:
        return None  # its own next attempt is queued already
    if mail.attempts >= MAX_ATTEMPTS:
        log.error("mail %s (%s) given up after %s attempts", key, mail.purpose, mail.attempts)
        mail.done_at = now
        mail.save(update_fields=["done_at"])
        return None
    mail.attempts += 1
    mail.attempt_until = now + retry_delay(mail.attempts)
    mail.save(update_fields=["attempts", "attempt_until"])
    return Attempt(number=mail.attempts, retry_at=mail.attempt_until)


def mail_done(*, key: str, sent: bool) -> None:
    OutgoingMail.objects.filter(key=key).update(done_at=timezone.now(), sent=sent)


def permanent(error: OSError) -> bool:
    """A 5xx answer (no such mailbox, message refused): trying again would not help."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def mail_send_once(
    *,
    key: str,
    purpose: str,
    build: Callable[[], EmailMessage | None],
    retry: Callable[[datetime], None] | None,
) -> bool:
    """Send the mail `build()` makes unless the mail `key` went out already; True if it went out
    now. `retry(at)` queues the next attempt (the same task with the same key) to run at `at`;
    without it (a task backend that cannot defer, as in the demo and the tests) a failure is
    logged and the mail is not tried again."""
    with transaction.atomic():
        attempt = mail_attempt_begin(key=key, purpose=purpose, now=timezone.now())
        if attempt is None:
            return False
        if retry is not None:
            retry(attempt.retry_at)
    message = build()
    if message is None:  # nothing to send any more (the appointment is gone)
        mail_done(key=key, sent=False)
        return False
    message.extra_headers["Message-ID"] = message_id(key)
    mailer = mailers.default
    try:
        mailer.open()
        mailer.send_messages([message])
    except OSError as error:  # smtplib's errors included
        with contextlib.suppress(OSError):
            mailer.close()
        if permanent(error):
            log.error("mail %s (%s) refused for good", key, purpose, exc_info=True)
            mail_done(key=key, sent=False)
            return False
        log.warning(
            "mail %s (%s) not accepted, attempt %s; %s",
            key,
            purpose,
            attempt.number,
            f"next at {attempt.retry_at.isoformat()}" if retry else "not tried again",
            exc_info=True,
        )
        return False
    mail_done(key=key, sent=True)  # before QUIT: a kill during it must not send again
    try:
        mailer.close()
    except OSError:
        log.info("mail %s accepted; QUIT failed", key, exc_info=True)
    return True


# How long a sent mail's record stays: longer than any task could still be retried.
DONE_KEPT = timedelta(days=14)


def mail_records_prune(*, now: datetime) -> int:
    """Forget mails that went out (or had nothing to send) long ago: their tasks cannot run
    again, so the record can no longer prevent a second copy."""
    deleted, _ = OutgoingMail.objects.filter(done_at__lt=now - DONE_KEPT).delete()
    return deleted
