"""One voicemail mail in, one line out: find the office (by the receiving address or mailbox, or
as told), read the mail (formats/), write the callback (services.callback_receive) and say what
happened as the JSON line `manage.py ingest_voicemail` prints:

    {"callback": 12, "office": "wiesbaden", "caller": "+49611123456", "status": "created",
     "reason": null}

`status` is "created", "duplicate" (the message was there already) or "rejected" with its reason.
A created callback flagged for review names its review reasons in `reason`. A database that does
not answer is no verdict on the message: it raises TemporaryFailure, and the SMTP receiver answers
451 (the phone system sends again), the IMAP poller leaves the message where it is."""

import email
import email.policy
import json
import logging
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from email.utils import getaddresses

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, close_old_connections, connection
from django.utils import timezone

from schalter.accounts.actors import COMMAND
from schalter.callbacks.formats import NotAVoicemail, voicemail_read
from schalter.callbacks.formats.generic import Pattern
from schalter.callbacks.models import CallbackMailbox, VoicemailPattern
from schalter.callbacks.parts import CALLBACKS
from schalter.callbacks.selectors import mailbox_by_address, patterns_of
from schalter.callbacks.services import callback_receive
from schalter.offices.models import Office
from schalter.offices.parts import uses

log = logging.getLogger(__name__)

# A larger mail is refused (at DATA by the SMTP receiver): a minute of voicemail is ~1 MB as WAV.
MAX_MESSAGE_BYTES = 20 * 1024 * 1024
FAULT_EXIT_CODE = 86
RECIPIENT_HEADERS = ("Delivered-To", "X-Original-To", "To", "Cc")


class TemporaryFailure(Exception):
    """The message could not be handled now (the database is away): try again later."""


@dataclass(frozen=True)
class Outcome:
    callback: int | None
    office: str | None
    caller: str | None
    status: str  # "created" | "duplicate" | "rejected"
    reason: str | None

    def line(self) -> str:
        return json.dumps(asdict(self))

    @property
    def accepted(self) -> bool:
        return self.status != "rejected"


def rejected(reason: str, office: Office | None = None) -> Outcome:
    return Outcome(None, office.slug if office else None, None, "rejected", reason)


def fault_point(name: str) -> None:
    """Test-only: the receiver dies here when SCHALTER_CALLBACK_FAULT names this point (read only
    by the test settings; never set in production), to show that a crash loses nothing."""
    if getattr(settings, "SCHALTER_CALLBACK_FAULT", "") == name:
        log.error("fault point %s: exiting", name)
        os._exit(FAULT_EXIT_CODE)


def pattern_of(row: VoicemailPattern) -> Pattern:
    return Pattern(
        name=row.name,
        subject=row.subject,
        body=row.body,
        attachment=row.attachment,
        headers={str(k): str(v) for k, v in (row.headers or {}).items()},
        recorded_format=row.recorded_format,
    )


def recipients_of(raw: bytes) -> list[str]:
    """Where a mail says it was sent to, most specific first (for a mail without an envelope:
    a file, a mailbox)."""
    try:
        headers = email.message_from_bytes(raw, policy=email.policy.compat32)
        values = [str(v) for h in RECIPIENT_HEADERS for v in headers.get_all(h, [])]
        found = [address for _, address in getaddresses(values) if address]
    except Exception:
        found = []
    return list(dict.fromkeys(found))


def office_of(
    recipients: Sequence[str], office: Office | None
) -> tuple[Office | None, CallbackMailbox | None]:
    """The office a mail is for and the mailbox it came through: a configured receiving address
    among `recipients` decides (and gives the caller's language); `office` (--office) is taken
    when none is configured, or when it is that office's."""
    for address in recipients:
        mailbox = mailbox_by_address(address)
        if mailbox is not None and (office is None or mailbox.office_id == office.pk):
            return mailbox.office, mailbox
    return office, None


def message_ingest(
    raw: bytes,
    *,
    recipients: Sequence[str] | None = None,
    office: Office | None = None,
    now: datetime | None = None,
) -> Outcome:
    """Ingest one mail (see the module's docstring) sent to `recipients` (the SMTP envelope's;
    None: the mail's own headers say). Never raises for a bad message."""
    if len(raw) > MAX_MESSAGE_BYTES:
        return rejected("too_large", office)
    if not raw.strip():
        return rejected("empty", office)
    if recipients is None:
        recipients = recipients_of(raw)
    try:
        found, mailbox = office_of(recipients, office)
        if found is None:
            return rejected("unknown_mailbox")
        if not uses(found, CALLBACKS):
            return rejected("callbacks_off", found)
        try:
            incoming = voicemail_read(
                raw,
                zone=found.zone,
                mailbox=mailbox.address if mailbox else (recipients[0] if recipients else ""),
                language=mailbox.language if mailbox else "",
                patterns=lambda: [pattern_of(p) for p in patterns_of(found)],
            )
        except NotAVoicemail as refusal:
            return rejected(refusal.reason, found)
        try:
            received = callback_receive(
                office=found, incoming=incoming, now=now or timezone.now(), acting_user=COMMAND
            )
        except (ValidationError, IntegrityError) as error:
            log.warning("voicemail refused by the model: %s", error)
            return rejected("invalid", found)
    except DatabaseError as error:
        raise TemporaryFailure from error
    fault_point("after_commit")
    callback = received.callback
    reasons = ",".join(callback.review_reasons) if received.created else ""
    return Outcome(
        callback.pk,
        found.slug,
        callback.caller_number or None,
        "created" if received.created else "duplicate",
        reasons or None,
    )


def message_ingest_in_thread(
    raw: bytes, *, recipients: Sequence[str] | None = None, office: Office | None = None
) -> Outcome:
    """`message_ingest` from the receiver's worker threads and the poller's loop: each message
    with a usable database connection (a broken or expired one is replaced), given back after.
    Inside a transaction (a caller's, a test's) the connection is left alone."""
    fresh = not connection.in_atomic_block
    if fresh:
        close_old_connections()
    try:
        return message_ingest(raw, recipients=recipients, office=office)
    finally:
        if fresh:
            close_old_connections()
