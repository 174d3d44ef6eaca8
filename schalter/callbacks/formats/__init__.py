"""Voicemail mails read into `Incoming` messages: Asterisk/FreePBX and Swyx by their own code,
every other phone system through the office's generic patterns (generic.py). The first that
recognises the mail reads it, in this order: Asterisk, Swyx by the recording's name, the office's
patterns, Swyx by the subject.

What is read is never dropped for being odd: a withheld or unreadable number, a missing or broken
recording, an unknown format with a recording attached each make a callback flagged for review.
Only a mail that is no voicemail at all (no format recognises it and no recording is attached:
spam, a delivery report) or cannot be taken apart is refused, with its reason."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, tzinfo

from schalter.callbacks.formats import asterisk, generic, swyx
from schalter.callbacks.formats.audio import AUDIO_EXTENSIONS, sound_of
from schalter.callbacks.formats.generic import Pattern
from schalter.callbacks.formats.mail import Attachment, Mail, mail_parse
from schalter.callbacks.formats.reading import Reading
from schalter.callbacks.incoming import Audio, Incoming
from schalter.callbacks.numbers import number_read

OCTET_STREAM = "application/octet-stream"


@dataclass(frozen=True)
class NotAVoicemail(Exception):
    reason: str  # stable, printed in the `rejected` line: "not_a_voicemail", "unreadable", ...

    def __str__(self) -> str:
        return self.reason


def recording_of(mail: Mail) -> Attachment | None:
    """The recording: the first attachment that is audio by its type or its name, else the one
    attachment whose bytes are audio (a phone system that sends WAV as application/octet-stream
    under a name without extension)."""
    for attachment in mail.attachments:
        if attachment.content_type.startswith("audio/") or attachment.filename.lower().endswith(
            AUDIO_EXTENSIONS
        ):
            return attachment
    if len(mail.attachments) == 1 and sound_of(mail.attachments[0].data).content_type:
        return mail.attachments[0]
    return None


def reading_of(
    mail: Mail, zone: tzinfo, patterns: list[Pattern] | Callable[[], list[Pattern]] | None
) -> Reading | None:
    return (
        asterisk.read(mail)
        or swyx.read_attachment(mail, zone)
        or generic.read(mail, (patterns() if callable(patterns) else patterns) or [], zone)
        or swyx.read_subject(mail)
    )


def voicemail_read(
    raw: bytes,
    *,
    zone: tzinfo,
    mailbox: str = "",
    language: str = "",
    patterns: list[Pattern] | Callable[[], list[Pattern]] | None = None,
) -> Incoming:
    """Read one voicemail mail (its bytes as received). Raises NotAVoicemail. `patterns` (the
    office's generic formats) may be a function giving them, called only when neither the
    Asterisk nor the Swyx format reads the mail."""
    if not raw.strip():
        raise NotAVoicemail("empty")
    try:
        mail = mail_parse(raw)
    except Exception as error:
        raise NotAVoicemail("unreadable") from error
    reading = reading_of(mail, zone, patterns)
    attachment = recording_of(mail)
    if reading is None and attachment is None:
        raise NotAVoicemail("not_a_voicemail")
    reasons: list[str] = []
    if reading is None:
        reasons.append("unknown_format")
        reading = Reading(vendor="")
    number = number_read(reading.number)
    if number.withheld:
        reasons.append("withheld")
    elif not number.understood:
        reasons.append("unparseable")
    audio = None
    if attachment is None or not attachment.data:
        reasons.append("no_audio")
    else:
        sound = sound_of(attachment.data)
        if not sound.content_type:
            reasons.append("bad_audio")
        audio = Audio(
            data=attachment.data,
            content_type=sound.content_type or OCTET_STREAM,
            filename=attachment.filename,
            duration_seconds=sound.duration_seconds,
        )
    recorded = reading.recorded_at or mail.date
    if mail.message_id:
        dedup_key = f"msgid:{mail.message_id}"
    else:
        dedup_key = f"sha256:{hashlib.sha256(raw).hexdigest()}"
    recording_key = ""
    if number.e164 and reading.recorded_at is not None:
        recording_key = f"{number.e164}@{reading.recorded_at.astimezone(UTC):%Y%m%dT%H%M%S}"
    return Incoming(
        source="voicemail",
        dedup_key=dedup_key[:300],
        recording_key=recording_key,
        caller_number=number.e164,
        caller_raw=number.raw,
        withheld=number.withheld,
        review_reasons=tuple(reasons),
        caller_name=reading.name[:120],
        language=language,
        mailbox=mailbox,
        pbx_mailbox=reading.pbx_mailbox[:40],
        vendor=reading.vendor,
        recorded_at=recorded,
        duration_seconds=reading.duration_seconds,
        audio=audio,
    )
