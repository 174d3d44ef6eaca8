"""Swyx (SwyxWare / Enreach): the caller is in the recording's name,
`Voicemail-<yymmdd-hhmmss>-<number>-<name>.wav` (or `.opus`), the time on the phone system's
clock, i.e. the office's; the subject names the caller as well ("Voicemail von Jane Doe
(+49 611 123456)", "Voicemail from ..."), which is read when the attachment's name is not
Swyx's."""

import re
from datetime import datetime, tzinfo

from schalter.callbacks.formats.mail import Mail
from schalter.callbacks.formats.reading import Reading

VENDOR = "swyx"
ATTACHMENT = re.compile(
    r"^voicemail-(?P<date>\d{6})-(?P<time>\d{6})-(?P<number>[^-]*)-(?P<name>.*?)"
    r"\.(?:wav|opus|ogg|mp3)$",
    re.IGNORECASE,
)
SUBJECT = re.compile(
    r"voice\s?mail\s+(?:von|from|de|от)\s+(?P<name>.*?)\s*\((?P<number>[^()]*)\)", re.IGNORECASE
)


def read_attachment(mail: Mail, zone: tzinfo) -> Reading | None:
    """None unless a recording has Swyx's name. `zone`: the phone system's (the office's)."""
    for attachment in mail.attachments:
        found = ATTACHMENT.match(attachment.filename)
        if found is None:
            continue
        try:
            recorded = datetime.strptime(found["date"] + found["time"], "%y%m%d%H%M%S").replace(
                tzinfo=zone
            )
        except ValueError:
            recorded = None
        return Reading(
            vendor=VENDOR,
            number=found["number"].strip(),
            name=found["name"].replace("_", " ").strip(),
            recorded_at=recorded,
        )
    return None


def read_subject(mail: Mail) -> Reading | None:
    """None unless the subject is Swyx's (tried after the office's own patterns: it is broad)."""
    found = SUBJECT.search(mail.subject)
    if found is None:
        return None
    return Reading(vendor=VENDOR, number=found["number"].strip(), name=found["name"].strip())
