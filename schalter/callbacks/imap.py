"""Polling a mailbox the phone system mails voicemails to (`manage.py ingest_voicemail --imap
imap://user:password@host:143/INBOX`; imaps:// for TLS). Each message is ingested and only then,
after the commit, moved out of the box: to `<done>` when a callback was made or found, to
`<rejected>` when it is no voicemail. A message whose ingest failed for now (database away)
stays and is tried on the next poll; a crash between the commit and the move leaves it too, and
the next poll finds it a duplicate and moves it then."""

import contextlib
import imaplib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from schalter.callbacks.ingest import (
    Outcome,
    TemporaryFailure,
    message_ingest_in_thread,
    recipients_of,
)
from schalter.offices.models import Office

log = logging.getLogger(__name__)
DONE_FOLDER = "Schalter-done"
REJECTED_FOLDER = "Schalter-rejected"


@dataclass(frozen=True)
class MailboxUrl:
    host: str
    port: int
    user: str
    password: str
    folder: str
    tls: bool

    @classmethod
    def parse(cls, url: str) -> "MailboxUrl":
        parts = urlsplit(url)
        if parts.scheme not in ("imap", "imaps") or not parts.hostname:
            raise ValueError("an IMAP URL is imap://user:password@host:port/FOLDER")
        tls = parts.scheme == "imaps"
        return cls(
            host=parts.hostname,
            port=parts.port or (993 if tls else 143),
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            folder=unquote(parts.path.lstrip("/")) or "INBOX",
            tls=tls,
        )


def _ensure(connection: imaplib.IMAP4, folder: str) -> None:
    status, _ = connection.select(f'"{folder}"', readonly=True)
    if status != "OK":
        connection.create(f'"{folder}"')


def _move(connection: imaplib.IMAP4, uid: bytes, folder: str) -> None:
    if "MOVE" in connection.capabilities:
        status, _ = connection.uid("MOVE", uid, f'"{folder}"')
        if status == "OK":
            return
    connection.uid("COPY", uid, f'"{folder}"')
    connection.uid("STORE", uid, "+FLAGS", "(\\Deleted)")
    connection.expunge()


def imap_poll(
    url: str,
    *,
    office: Office | None,
    report: Callable[[Outcome], None],
    done: str = DONE_FOLDER,
    rejected: str = REJECTED_FOLDER,
) -> int:
    """Ingest every message in the folder once; returns how many were moved out."""
    box = MailboxUrl.parse(url)
    connection: imaplib.IMAP4 = (
        imaplib.IMAP4_SSL(box.host, box.port) if box.tls else imaplib.IMAP4(box.host, box.port)
    )
    moved = 0
    try:
        connection.login(box.user, box.password)
        for folder in (done, rejected):
            _ensure(connection, folder)
        connection.select(f'"{box.folder}"')
        status, data = connection.uid("SEARCH", None, "ALL")
        uids = data[0].split() if status == "OK" and data and data[0] else []
        for uid in uids:
            status, fetched = connection.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((part[1] for part in fetched if isinstance(part, tuple)), None)
            if status != "OK" or raw is None:
                continue
            try:
                outcome = message_ingest_in_thread(
                    raw, recipients=[*recipients_of(raw), box.user], office=office
                )
            except TemporaryFailure:
                log.exception("voicemail %s left in the mailbox for the next poll", uid)
                continue
            report(outcome)
            # Moved only now: the callback (if any) is committed.
            _move(connection, uid, done if outcome.accepted else rejected)
            moved += 1
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            connection.logout()
    return moved
