"""Log lines without capabilities or personal data, as JSON lines (production's LOGGING).

`RedactCapabilities` is a filter on the handler, so every record that reaches the log passes it,
whichever logger wrote it (Django's request logger writes the path of each 404 and 500, with
the manage link's booking code and token in it). It rewrites the message and the traceback:
the booking code and token of booking links, ticket tokens (also of kiosks and WebSockets),
interpreter sign-in, callback status and survey tokens,
`key=`/`token=`-like query parameters, Authorization and cookie values, e-mail addresses,
long hexadecimal or base64 runs (tokens and keys wherever they show up), and the row values
PostgreSQL quotes in constraint errors (a booking's name and e-mail)."""

import copy
import json
import logging
import re
from datetime import UTC, datetime

REDACTED = "[redacted]"

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # Booking links: /<lang>/<office>/book/{confirm,manage,move}/<code>/<token>/, the page after
    # booking (/book/sent/<code>/) and /appointment/<code>/<token>/.
    (
        re.compile(r"(/(?:confirm|manage|move|appointment)/)[^/?#\s\"']+(?:/[^/?#\s\"']+)?"),
        rf"\1{REDACTED}/{REDACTED}",
    ),
    (re.compile(r"(/sent/)[^/?#\s\"']+"), rf"\1{REDACTED}"),
    # Tickets: /<lang>/<office>/ticket/<token>/..., /<office>/kiosk/<kiosk>/ticket/<token>/,
    # /ws/<office>/ticket/<token>/.
    (re.compile(r"(/ticket/)[^/?#\s\"']+"), rf"\1{REDACTED}"),
    # The interpreter's sign-in link, a caller's callback status link, a survey link:
    # /<lang>/interpreter/sign-in/<token>/, /<lang>/<office>/{callback,feedback}/<token>/.
    (re.compile(r"(/(?:sign-in|callback|feedback)/)[^/?#\s\"']+"), rf"\1{REDACTED}"),
    # Query parameters that carry a capability or a person's data.
    (
        re.compile(
            r"([?&;](?:key|token|code|secret|password|signature|email|e-mail|phone|name)=)"
            r"[^&#\s\"']*",
            re.IGNORECASE,
        ),
        rf"\1{REDACTED}",
    ),
    # Credentials in headers, however they are quoted: Authorization: Bearer …, cookies.
    (
        re.compile(r"((?:authorization|proxy-authorization)[\"']?\s*[:=]\s*[\"']?)[^\"'\n]+", re.I),
        rf"\1{REDACTED}",
    ),
    (re.compile(r"\b(Bearer|Basic|Token)\s+[^\s\"',]+", re.IGNORECASE), rf"\1 {REDACTED}"),
    (re.compile(r"\b(sessionid|csrftoken|schalter_\w+)=[^;\s\"']+"), rf"\1={REDACTED}"),
    # PostgreSQL quotes the values of a violated constraint: "Key (email)=(…)", "Failing row
    # contains (…)".
    (
        re.compile(r"(Key \([^)]*\)=\().*?(\)(?: already exists| is not present|\s*$))", re.M),
        rf"\1{REDACTED}\2",
    ),
    (re.compile(r"(Failing row contains \().*(\))"), rf"\1{REDACTED}\2"),
    # E-mail addresses.
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[e-mail]"),
    # Long random-looking runs: tokens, keys and hashes wherever they appear.
    (re.compile(r"\b[0-9a-fA-F]{32,}\b"), REDACTED),
    (re.compile(r"(?<![\w/.-])(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[\w-]{32,}(?![\w/.-])"), REDACTED),
]


def redact(text: str) -> str:
    """`text` without capabilities, credentials, e-mail addresses or quoted row values."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactCapabilities(logging.Filter):
    """Gives the handler a copy of each record with its message and traceback passed through
    `redact` (never drops one). A copy, so that other handlers of the same record (pytest's
    log capture, say) see it unchanged."""

    def filter(self, record: logging.LogRecord) -> logging.LogRecord:
        redacted = copy.copy(record)
        redacted.msg = redact(record.getMessage())
        redacted.args = None
        exc_text = record.exc_text
        if record.exc_info and not exc_text:
            exc_text = logging.Formatter().formatException(record.exc_info)
        if exc_text:
            redacted.exc_text = redact(exc_text)
        if record.stack_info:
            redacted.stack_info = redact(record.stack_info)
        return redacted


class JsonLines(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, the HTTP status where Django
    gives one, and the traceback. Nothing else of the record (Django attaches the request
    itself, with its headers and form data)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        status = getattr(record, "status_code", None)
        if isinstance(status, int):
            line["status"] = status
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = record.stack_info
        return json.dumps(line, ensure_ascii=False)
