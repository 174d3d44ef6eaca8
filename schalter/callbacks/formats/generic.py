"""The generic format: an office describes how its phone system writes voicemail mails with
regular expressions in data (models.VoicemailPattern) on the subject, the body, the attachment's
file name and any header, with named groups `number`, `name`, `duration` (seconds or m:ss),
`recorded` and `mailbox`. A pattern reads a mail when every expression it has matches.

PRESETS are starting points for systems we have no real sample of; they are marked unverified
(`VoicemailPattern.verified`) until an office has read a real mail with one."""

import re
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from email.utils import parsedate_to_datetime

from schalter.callbacks.formats.mail import Mail
from schalter.callbacks.formats.reading import Reading


@dataclass(frozen=True)
class Pattern:
    name: str
    subject: str = ""
    body: str = ""
    attachment: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    recorded_format: str = ""  # strptime format of `recorded`; empty: ISO 8601 or RFC 2822


# Unverified: built from vendors' manuals and forum posts, not from real mails.
PRESETS: dict[str, Pattern] = {
    "starface": Pattern(
        name="STARFACE",
        subject=r"(?i)voice\s?mail.*?(?:von|from)\s+(?P<name>[^<(]*?)\s*[<(]?"
        r"(?P<number>\+?[\d][\d ()/-]{2,}|anonym\w*|unbekannt|unknown)[>)]?\s*$",
        attachment=r"(?i)\.(?:wav|mp3)$",
    ),
    "3cx": Pattern(
        name="3CX",
        subject=r"(?i)(?:new\s+)?voice\s?mail(?:\s+message)?\s+from\s+(?P<name>.*?)\s*"
        r"\((?P<number>[^()]*)\)",
        body=r"(?i)(?:duration|dauer)\s*:?\s*(?P<duration>\d+(?::\d\d)?)",
        attachment=r"(?i)\.(?:wav|mp3)$",
    ),
}


def _seconds(text: str) -> float | None:
    parts = text.strip().split(":")
    try:
        values = [int(p) for p in parts]
    except ValueError:
        return None
    total = 0
    for value in values:
        total = total * 60 + value
    return float(total) if 0 <= total < 24 * 3600 else None


def _moment(text: str, pattern: Pattern, zone: tzinfo) -> datetime | None:
    text = text.strip()
    try:
        if pattern.recorded_format:
            found = datetime.strptime(text, pattern.recorded_format)  # noqa: DTZ007 (zone below)
        else:
            try:
                found = datetime.fromisoformat(text)
            except ValueError:
                found = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return found if found.tzinfo else found.replace(tzinfo=zone)


def _search(expression: str, text: str) -> re.Match | bool | None:
    """The match; None when it does not match; False when the expression is broken."""
    try:
        return re.search(expression, text)
    except re.error:
        return False


def read(mail: Mail, patterns: list[Pattern], zone: tzinfo) -> Reading | None:
    """The first pattern that reads the mail, or None."""
    for pattern in patterns:
        texts = [(pattern.subject, mail.subject), (pattern.body, mail.body)]
        if pattern.attachment:
            names = [a.filename for a in mail.attachments]
            texts.append((pattern.attachment, next(
                (n for n in names if _search(pattern.attachment, n)), "\0"
            )))  # fmt: skip
        texts += [(exp, mail.header(name)) for name, exp in pattern.headers.items()]
        groups: dict[str, str] = {}
        for expression, text in texts:
            if not expression:
                continue
            found = _search(expression, text)
            if not found:
                break
            groups.update({k: v for k, v in found.groupdict().items() if v is not None})
        else:
            if not any(exp for exp, _ in texts):
                continue  # an empty pattern reads nothing
            recorded = groups.get("recorded")
            return Reading(
                vendor=pattern.name[:20],
                number=groups.get("number"),
                name=groups.get("name", "").strip(),
                recorded_at=_moment(recorded, pattern, zone) if recorded else None,
                duration_seconds=_seconds(groups["duration"]) if "duration" in groups else None,
                pbx_mailbox=groups.get("mailbox", "").strip(),
            )
    return None
