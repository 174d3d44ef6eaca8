"""A voicemail e-mail taken apart without trusting it: headers, subject, a text body (the plain
part, or the HTML part's text), and its attachments. Malformed headers, unknown character sets
and broken MIME give what can be read (replacement characters, empty fields), never an
exception."""

import email
import email.policy
import re
from dataclasses import dataclass, field
from datetime import datetime
from email.message import Message
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser

HEADER_MAX = 2000  # characters kept of one header's value
BODY_MAX = 20000  # characters of the body the formats look at
MAX_PARTS = 50  # MIME parts looked at; a mail with more is read up to there


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # as the mail claims it
    data: bytes


@dataclass(frozen=True)
class Mail:
    headers: dict[str, list[str]]  # lower-case name: values
    subject: str
    body: str
    attachments: list[Attachment] = field(default_factory=list)
    message_id: str = ""
    date: datetime | None = None  # the Date header, aware

    def header(self, name: str) -> str:
        values = self.headers.get(name.lower())
        return values[0] if values else ""


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        elif tag in ("br", "p", "div", "tr", "li"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def html_text(html: str) -> str:
    parser = _Text()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):  # html.parser on badly broken markup
        pass
    return "".join(parser.parts)


def _clean(value: object) -> str:
    text = str(value)
    return "".join(c if c.isprintable() or c in "\t" else " " for c in text)[:HEADER_MAX].strip()


def _headers(message: Message) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, raw in message.raw_items():  # type: ignore[attr-defined]
        try:
            value = _clean(message.policy.header_factory(name, raw))  # type: ignore[attr-defined]
        except Exception:
            value = _clean(raw)
        found.setdefault(str(name).lower(), []).append(value)
    return found


def _text_of(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, "replace")
    except LookupError:  # a character set Python does not know
        return payload.decode("utf-8", "replace")


def _filename(part: Message) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:
        name = ""
    return _clean(name)[:200]


def mail_parse(raw: bytes) -> Mail:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    headers = _headers(message)
    plain, html, attachments = "", "", []
    for count, part in enumerate(message.walk()):
        if count >= MAX_PARTS:
            break
        if part.is_multipart():
            continue
        content_type = part.get_content_type()
        filename = _filename(part)
        disposition = (part.get("Content-Disposition") or "").lower()
        if filename or "attachment" in disposition or content_type.startswith("audio/"):
            payload = part.get_payload(decode=True)
            data = payload if isinstance(payload, bytes) else b""
            attachments.append(Attachment(filename, content_type, data))
        elif content_type == "text/plain" and not plain:
            plain = _text_of(part)
        elif content_type == "text/html" and not html:
            html = _text_of(part)
    body = plain or html_text(html)
    date = None
    if value := (headers.get("date") or [""])[0]:
        try:
            date = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            date = None
        if date is not None and date.tzinfo is None:
            date = None
    return Mail(
        headers=headers,
        subject=(headers.get("subject") or [""])[0],
        body=re.sub(r"[ \t\r]+\n", "\n", body)[:BODY_MAX],
        attachments=attachments,
        message_id=(headers.get("message-id") or [""])[0][:250],
        date=date,
    )
