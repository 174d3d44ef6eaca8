"""Asterisk's app_voicemail (and FreePBX, which uses it): the caller is in
`X-Asterisk-CallerID` / `X-Asterisk-CallerIDName` of its own mail, or in the fuller
`X-Asterisk-VM-*` set it writes with IMAP storage (`-Caller-ID-Num`, `-Caller-ID-Name`,
`-Duration` in seconds, `-Orig-time` in Unix seconds, `-Extension`); the default body template
names the caller too ("... left a 0:14 long message (number 1) in mailbox 100 from "Jane"
<0611123456>, on ..."), which is read when the headers are missing (a relay stripped them).
The subject is "[PBX]: New message N in mailbox M"; the recording `msg0000.wav`."""

import re
from datetime import UTC, datetime

from schalter.callbacks.formats.mail import Mail
from schalter.callbacks.formats.reading import Reading

VENDOR = "asterisk"
SUBJECT = re.compile(r"new message\s+\d+\s+in mailbox\s+(?P<mailbox>[\w@.-]+)", re.IGNORECASE)
BODY_CALLER = re.compile(
    r"in mailbox\s+(?P<mailbox>[\w@.-]+)\s+from\s+(?P<caller>.+?),\s+on\s", re.IGNORECASE | re.S
)
BODY_DURATION = re.compile(r"left a\s+(?:(?P<h>\d+):)?(?P<m>\d+):(?P<s>\d\d)\s+long", re.I)
CALLER_ID = re.compile(r'^\s*"?(?P<name>[^"<]*?)"?\s*<(?P<number>[^<>]*)>\s*$')


def _seconds(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if 0 <= value < 24 * 3600 else None


def _epoch(text: str) -> datetime | None:
    try:
        value = int(text)
    except ValueError:
        return None
    if not 946684800 <= value <= 4102444800:  # 2000 .. 2100: anything else is no recording time
        return None
    return datetime.fromtimestamp(value, tz=UTC)


def read(mail: Mail) -> Reading | None:
    """None unless the mail is an Asterisk voicemail."""
    vm = {name[len("x-asterisk-vm-") :]: values[0] for name, values in mail.headers.items()
          if name.startswith("x-asterisk-vm-")}  # fmt: skip
    short_number, short_name = (
        mail.header("x-asterisk-callerid"),
        mail.header("x-asterisk-callerid-name") or mail.header("x-asterisk-calleridname"),
    )
    subject = SUBJECT.search(mail.subject)
    body = BODY_CALLER.search(mail.body)
    has_header = "x-asterisk-callerid" in mail.headers or "x-asterisk-calleridname" in mail.headers
    if not (vm or has_header or subject or body):
        return None
    number: str | None = None
    name = ""
    if "caller-id-num" in vm:
        number, name = vm["caller-id-num"], vm.get("caller-id-name", "")
    elif has_header:
        number, name = short_number, short_name
    if body is not None and (number is None or (not number and not name)):
        caller = body.group("caller").strip()
        parsed = CALLER_ID.match(caller)
        if parsed:
            number = parsed.group("number")
            name = name or parsed.group("name").strip()
        else:
            number = caller
    if number is None and (vm or has_header):
        number = ""  # Asterisk leaves the caller id headers out when there is no caller id
    if name.lower() in ("unknown", "<unknown>", "anonymous"):
        name = ""
    duration = _seconds(vm.get("duration", ""))
    if duration is None and (found := BODY_DURATION.search(mail.body)):
        duration = float(
            int(found.group("h") or 0) * 3600 + int(found.group("m")) * 60 + int(found.group("s"))
        )
    mailbox = (
        vm.get("extension")
        or (subject and subject.group("mailbox"))
        or (body and body.group("mailbox"))
        or ""
    )
    return Reading(
        vendor=VENDOR,
        number=number,
        name=name,
        recorded_at=_epoch(vm.get("orig-time", "")),
        duration_seconds=duration,
        pbx_mailbox=mailbox,
    )
