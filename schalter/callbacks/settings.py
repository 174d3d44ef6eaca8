"""An office's callback settings, kept by its admin on the staff page
(`/staff/<office>/callbacks/settings/`): the policy (promise, attempts, text messages, retention),
the receiving addresses and IMAP mailboxes the phone system mails to, and the patterns of the
generic voicemail format. Each change is one transaction with its audit row.

Values are checked here, not only in the form: no deadline of zero, no port out of range, no
host name that is none, no expression that does not compile or that could take very long on a
hostile mail (a repetition inside a repetition). An IMAP password is write-only: it never enters
the audit log or a page, and an empty one keeps the password there is. It is stored encrypted
(schalter/secrets.py) and opened only to sign in (mailbox_url, mailbox_connection_check)."""

import contextlib
import imaplib
import ipaddress
import re
import ssl
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

import phonenumbers
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_scopes import scope, scopes_disabled

from schalter.accounts.actors import Actor
from schalter.accounts.services import audit_record
from schalter.callbacks import actions
from schalter.callbacks.errors import CallbackError
from schalter.callbacks.models import (
    CallbackMailbox,
    CallbackPolicy,
    PromiseKind,
    VoicemailPattern,
)
from schalter.languages import BY_CODE, OTHER_SPOKEN_LANGUAGES
from schalter.offices.models import Office
from schalter.secrets import SecretUnreadable, secret_open, secret_seal


class SettingRefused(CallbackError):
    status = 400
    code = "bad_setting"
    message = _("Please check the highlighted fields.")


HEADER_LINE_REFUSAL = _(
    "One header per line: its name (letters, digits, hyphens), a colon, the expression."
)


def number_refusal(low: int, high: int) -> str:
    return _("Enter a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}


# The policy's numbers: (lowest, highest) a sensible office sets.
POLICY_LIMITS: dict[str, tuple[int, int]] = {
    "promise_working_days": (1, 20),
    "promise_hours": (1, 200),
    "max_failed_attempts": (1, 10),
    "sms_per_number_per_day": (0, 10),
    "sms_per_office_per_day": (0, 10000),
    "retention_days": (1, 365),
}
MAX_COUNTRIES = 30

# Group names the generic format reads (formats/generic.py).
GROUP_NAMES = ("number", "name", "duration", "recorded", "mailbox")
# More unbounded repetitions than this in one expression: refused (each multiplies the work).
MAX_UNBOUNDED = 12
MAX_COUNT = 1000  # the highest {n} an expression may ask for
MAX_HEADERS = 10
HEADER_NAME = re.compile(r"[A-Za-z0-9-]{1,76}")
HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
# An e-mail address, or a mailbox's user name (no spaces, quotes or angle brackets).
ADDRESS = re.compile(r"[a-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}(@[a-z0-9.-]{1,189})?")
IMAP_TIMEOUT_SECONDS = 5


def mailbox_languages() -> list[str]:
    """The languages a mailbox may stand for: the website's and those spoken at the desk."""
    return [*BY_CODE, *OTHER_SPOKEN_LANGUAGES]


# --- the policy ---------------------------------------------------------------------------------


@transaction.atomic
def policy_update(*, office: Office, values: dict[str, Any], acting_user: Actor) -> CallbackPolicy:
    """Set the office's callback rules (the row is made on the first change); only the keys
    given change. Audited with what changed."""
    clean: dict[str, Any] = {}
    for name, value in values.items():
        if name in POLICY_LIMITS:
            low, high = POLICY_LIMITS[name]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise SettingRefused(number_refusal(low, high), field=name)
            clean[name] = value
        elif name == "promise_kind":
            if value not in PromiseKind.values:
                raise SettingRefused(_("Choose one of the given options."), field=name)
            clean[name] = value
        elif name == "acknowledge":
            clean[name] = bool(value)
        elif name == "sms_countries":
            clean[name] = countries_clean(value)
        else:
            raise SettingRefused(field=name)
    policy, _created = CallbackPolicy.objects.select_for_update().get_or_create(office=office)
    changed = {name: value for name, value in clean.items() if getattr(policy, name) != value}
    for name, value in changed.items():
        setattr(policy, name, value)
    if changed:
        policy.save(update_fields=list(changed))
        audit_record(
            office=office,
            acting_user=acting_user,
            action=actions.POLICY_CHANGED,
            target=policy,
            data={"changed": sorted(changed), **changed},
        )
    return policy


def countries_clean(codes: Any) -> list[str]:
    """ISO 3166 codes of countries with phone numbers ("de", " AT" → ["DE", "AT"])."""
    if isinstance(codes, str):
        codes = re.split(r"[\s,;]+", codes)
    found: list[str] = []
    unknown: list[str] = []
    for raw in codes or []:
        code = str(raw).strip().upper()[:10]
        if not code:
            continue
        if len(code) != 2 or phonenumbers.country_code_for_region(code) == 0:
            unknown.append(code)
        elif code not in found:
            found.append(code)
    if unknown:
        raise SettingRefused(
            _("Unknown country codes: %(codes)s.") % {"codes": ", ".join(unknown[:5])},
            field="sms_countries",
        )
    if len(found) > MAX_COUNTRIES:
        raise SettingRefused(
            _("At most %(count)s countries.") % {"count": MAX_COUNTRIES}, field="sms_countries"
        )
    return found


# --- mailboxes ----------------------------------------------------------------------------------


def host_clean(host: str) -> str:
    """A host name or an IP address, in lower case; refused otherwise."""
    host = host.strip().lower().removesuffix(".")
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        pass
    labels = host.split(".")
    if not host or len(host) > 253 or not all(HOST_LABEL.fullmatch(label) for label in labels):
        raise SettingRefused(_("Enter a host name, such as mail.example.org."), field="imap_host")
    return host


def folder_clean(folder: str) -> str:
    folder = folder.strip()
    if len(folder) > 200 or any(c in folder for c in '"\\') or not folder.isprintable():
        raise SettingRefused(
            _("Enter a folder name without quotes or backslashes."), field="imap_folder"
        )
    return folder


@dataclass(frozen=True)
class MailboxValues:
    address: str
    language: str = ""
    imap_host: str = ""  # empty: an SMTP receiving address
    imap_port: int | None = None
    imap_tls: bool = True
    imap_folder: str = ""
    # None or "": keep the password there is; a new one replaces it.
    imap_password: str | None = None


def _mailbox_fields(values: MailboxValues) -> dict[str, Any]:
    address = values.address.strip().lower()
    if not ADDRESS.fullmatch(address):
        raise SettingRefused(_("Enter an e-mail address or a mailbox name."), field="address")
    if values.language and values.language not in mailbox_languages():
        raise SettingRefused(_("Choose one of the given options."), field="language")
    fields: dict[str, Any] = {"address": address, "language": values.language}
    if not values.imap_host.strip():
        # An SMTP receiving address: nothing of a server is kept, a password neither.
        return fields | {
            "imap_host": "",
            "imap_port": None,
            "imap_tls": True,
            "imap_folder": "",
            "imap_password": "",
        }
    port = values.imap_port
    if port is not None and (isinstance(port, bool) or not 1 <= port <= 65535):
        raise SettingRefused(_("Enter a port from 1 to 65535."), field="imap_port")
    fields |= {
        "imap_host": host_clean(values.imap_host),
        "imap_port": port,
        "imap_tls": bool(values.imap_tls),
        "imap_folder": folder_clean(values.imap_folder),
    }
    if values.imap_password:
        if len(values.imap_password) > 200 or not values.imap_password.isprintable():
            raise SettingRefused(
                _("The password is too long or holds characters that cannot be sent."),
                field="imap_password",
            )
        fields["imap_password"] = secret_seal(values.imap_password)
    return fields


def _mailbox_data(mailbox: CallbackMailbox, password_changed: bool) -> dict[str, Any]:
    """What the audit log keeps of a mailbox: never its password, only whether it changed."""
    return {
        "address": mailbox.address,
        "language": mailbox.language,
        "imap_host": mailbox.imap_host,
        "imap_port": mailbox.imap_port,
        "imap_tls": mailbox.imap_tls,
        "imap_folder": mailbox.imap_folder,
        "password_changed": password_changed,
    }


def _address_taken(address: str, mailbox: CallbackMailbox | None) -> bool:
    with scopes_disabled():  # an address decides the office: unique over all offices
        found = CallbackMailbox.objects.filter(address=address)
        if mailbox is not None:
            found = found.exclude(pk=mailbox.pk)
        return found.exists()


@transaction.atomic
def mailbox_save(
    *,
    office: Office,
    mailbox: CallbackMailbox | None,
    values: MailboxValues,
    acting_user: Actor,
) -> CallbackMailbox:
    """Add a mailbox (`mailbox` None) or change one of the office's."""
    fields = _mailbox_fields(values)
    taken = SettingRefused(_("This address is already in use."), field="address")
    if _address_taken(fields["address"], mailbox):
        raise taken
    password_changed = bool(fields.get("imap_password")) or bool(
        mailbox is not None and mailbox.imap_password and not fields.get("imap_host")
    )
    if mailbox is None:
        mailbox = CallbackMailbox(office=office)
        action = actions.MAILBOX_ADDED
    else:
        with scope(office=office):
            mailbox = CallbackMailbox.objects.select_for_update().get(pk=mailbox.pk, office=office)
        action = actions.MAILBOX_CHANGED
    for name, value in fields.items():
        setattr(mailbox, name, value)
    try:
        with transaction.atomic():
            mailbox.save()
    except IntegrityError as error:  # the same address added at the same moment elsewhere
        raise taken from error
    audit_record(
        office=office,
        acting_user=acting_user,
        action=action,
        target=mailbox,
        data=_mailbox_data(mailbox, password_changed),
    )
    return mailbox


@transaction.atomic
def mailbox_active_set(
    *, office: Office, mailbox: CallbackMailbox, active: bool, acting_user: Actor
) -> CallbackMailbox:
    """Switch a mailbox off (its mails are no longer taken for the office) or on again."""
    with scope(office=office):
        mailbox = CallbackMailbox.objects.select_for_update().get(pk=mailbox.pk, office=office)
    if mailbox.active != active:
        mailbox.active = active
        mailbox.save(update_fields=["active"])
        audit_record(
            office=office,
            acting_user=acting_user,
            action=actions.MAILBOX_ENABLED if active else actions.MAILBOX_DISABLED,
            target=mailbox,
            data={"address": mailbox.address},
        )
    return mailbox


def mailbox_url(mailbox: CallbackMailbox) -> str:
    """The mailbox as the IMAP poller takes it (imap.MailboxUrl), password included: for the
    poller only, never shown. SecretUnreadable when no key opens the stored password."""
    scheme = "imaps" if mailbox.imap_tls else "imap"
    port = mailbox.imap_port or (993 if mailbox.imap_tls else 143)
    host = f"[{mailbox.imap_host}]" if ":" in mailbox.imap_host else mailbox.imap_host
    user = quote(mailbox.address, safe="")
    password = quote(secret_open(mailbox.imap_password), safe="")
    folder = quote(mailbox.imap_folder or "INBOX", safe="")
    return f"{scheme}://{user}:{password}@{host}:{port}/{folder}"


@dataclass(frozen=True)
class ConnectionCheck:
    ok: bool
    message: str


def mailbox_connection_check(mailbox: CallbackMailbox) -> ConnectionCheck:
    """Sign in to the mailbox's IMAP server and open its folder (read only; nothing is moved).
    The answer names no more than what went wrong in general: the server's own words stay out,
    so the page is no probe of other machines."""
    if not mailbox.imap_host:
        return ConnectionCheck(False, str(_("This mailbox has no IMAP server.")))
    try:
        password = secret_open(mailbox.imap_password)
    except SecretUnreadable:
        return ConnectionCheck(
            False, str(_("The saved password cannot be read any more. Please enter it again."))
        )
    port = mailbox.imap_port or (993 if mailbox.imap_tls else 143)
    folder = mailbox.imap_folder or "INBOX"
    connection: imaplib.IMAP4 | None = None
    try:
        if mailbox.imap_tls:
            connection = imaplib.IMAP4_SSL(
                mailbox.imap_host,
                port,
                ssl_context=ssl.create_default_context(),
                timeout=IMAP_TIMEOUT_SECONDS,
            )
        else:
            connection = imaplib.IMAP4(mailbox.imap_host, port, timeout=IMAP_TIMEOUT_SECONDS)
        try:
            connection.login(mailbox.address, password)
        except imaplib.IMAP4.error:
            return ConnectionCheck(False, str(_("The server refused the user name or password.")))
        status, data = connection.select(f'"{folder}"', readonly=True)
        if status != "OK":
            return ConnectionCheck(
                False, str(_("The folder %(folder)s does not exist.") % {"folder": folder})
            )
        count = int(data[0] or 0) if data and isinstance(data[0], bytes) else 0
    except ssl.SSLError:
        return ConnectionCheck(False, str(_("The secure connection failed.")))
    except (TimeoutError, OSError, imaplib.IMAP4.error, ValueError):
        return ConnectionCheck(False, str(_("The server could not be reached.")))
    finally:
        if connection is not None:
            with contextlib.suppress(OSError, imaplib.IMAP4.error):
                connection.logout()
    return ConnectionCheck(
        True,
        ngettext(
            "Connected: %(count)s message in %(folder)s.",
            "Connected: %(count)s messages in %(folder)s.",
            count,
        )
        % {"count": count, "folder": folder},
    )


# --- patterns of the generic format -------------------------------------------------------------


def _class_end(expression: str, i: int) -> int:
    """The index after the character class opening at `i`."""
    j = i + 1
    if j < len(expression) and expression[j] == "^":
        j += 1
    if j < len(expression) and expression[j] == "]":
        j += 1
    while j < len(expression) and expression[j] != "]":
        j += 2 if expression[j] == "\\" else 1
    return j + 1


QUANTIFIER_COUNT = re.compile(r"\{(\d*)(,(\d*))?\}")


def _quantifier(expression: str, i: int) -> tuple[int, int | None, int] | None:
    """The quantifier starting at `i`: its least and most repetitions (None: unbounded; -1:
    more than MAX_COUNT) and its end."""
    if i >= len(expression):
        return None
    char = expression[i]
    least = 1 if char == "+" else 0
    most: int | None
    if char in "*+":
        most, end = None, i + 1
    elif char == "?":
        most, end = 1, i + 1
    elif char == "{" and (found := QUANTIFIER_COUNT.match(expression, i)):
        if not found.group(1) and not found.group(3) and found.group(2) is None:
            return None  # "{}" is a literal
        least = int(found.group(1) or 0)
        upper = found.group(3)
        most = least if found.group(2) is None else (int(upper) if upper else None)
        if max(least, most or 0) > MAX_COUNT:
            return least, -1, found.end()
        end = found.end()
    else:
        return None
    if end < len(expression) and expression[end] in "?+":
        end += 1  # lazy or possessive
    return least, most, end


def _group_open(expression: str, i: int) -> tuple[bool, int]:
    """At "(": whether a group opens (else an inline flag, a comment, a back reference) and
    the index after its opening."""
    rest = expression[i:]
    if not rest.startswith("(?"):
        return True, i + 1
    for opening in ("(?:", "(?=", "(?!", "(?>", "(?<=", "(?<!"):
        if rest.startswith(opening):
            return True, i + len(opening)
    if rest.startswith("(?P<"):
        return True, expression.index(">", i) + 1
    if rest.startswith(("(?P=", "(?#")):
        return False, expression.index(")", i) + 1
    if rest.startswith("(?("):
        return True, expression.index(")", i) + 1
    flags = re.match(r"\(\?[aiLmsux-]*([:)])", rest)
    if flags and flags.group(1) == ":":
        return True, i + flags.end()
    return False, i + (flags.end() if flags else 2)


@dataclass
class _Group:
    repeats: bool = False  # something inside repeats a varying number of times
    alternatives: bool = False


def expression_is_slow(expression: str) -> bool:
    """Whether the expression could take very long on a hostile text: a group that repeats
    something inside it, itself repeated ("(a+)+", "(\\d+\\s*){2,}"), alternatives repeated
    without bound ("(a|ab)*"), counts above MAX_COUNT, or many unbounded repetitions in a row.
    Only compiled expressions come here (re.compile refused the others)."""
    stack = [_Group()]
    unbounded = 0
    i = 0
    while i < len(expression):
        char = expression[i]
        closed: _Group | None = None
        if char == "\\":
            i += 2
        elif char == "[":
            i = _class_end(expression, i)
        elif char == "(":
            opens, i = _group_open(expression, i)
            if opens:
                stack.append(_Group())
                continue
        elif char == ")":
            closed = stack.pop() if len(stack) > 1 else _Group()
            i += 1
        elif char == "|":
            stack[-1].alternatives = True
            i += 1
            continue
        else:
            i += 1
        found = _quantifier(expression, i)
        if found is not None:
            least, most, i = found
            if most == -1:
                return True
            if most is None:
                unbounded += 1
            many = most is None or most > 1
            nested = closed is not None and (
                closed.repeats or (most is None and closed.alternatives)
            )
            if many and nested:
                return True
            if most is None or most != least:  # a repetition of varying length
                stack[-1].repeats = True
        if closed is not None and closed.repeats:
            stack[-1].repeats = True
    return unbounded > MAX_UNBOUNDED


def expression_check(expression: str, field: str) -> str:
    """The expression, checked: it compiles, names only the groups the format reads, and is
    not slow on hostile mails (expression_is_slow); refused otherwise."""
    if len(expression) > 500:
        raise SettingRefused(_("At most 500 characters."), field=field)
    if not expression:
        return expression
    try:
        compiled = re.compile(expression)
    except (re.error, RecursionError, OverflowError, ValueError) as error:
        raise SettingRefused(_("This is not a valid regular expression."), field=field) from error
    unknown = sorted(set(compiled.groupindex) - set(GROUP_NAMES))
    if unknown:
        raise SettingRefused(
            _("Unknown group names: %(names)s. Known are: %(known)s.")
            % {"names": ", ".join(unknown), "known": ", ".join(GROUP_NAMES)},
            field=field,
        )
    if expression_is_slow(expression):
        raise SettingRefused(
            _(
                "This expression could take very long on some mails (a repetition inside a "
                "repetition). Please write it more simply."
            ),
            field=field,
        )
    return expression


def headers_parse(text: str) -> dict[str, str]:
    """Lines "Header-Name: expression" into a dict; refused when a line is not one."""
    headers: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        name, colon, expression = line.partition(":")
        name = name.strip()
        if not colon or not HEADER_NAME.fullmatch(name):
            raise SettingRefused(HEADER_LINE_REFUSAL, field="headers")
        headers[name] = expression.strip()
    return headers


@dataclass(frozen=True)
class PatternValues:
    name: str
    subject: str = ""
    body: str = ""
    attachment: str = ""
    headers: dict[str, str] | None = None
    recorded_format: str = ""
    position: int = 0
    verified: bool = False
    preset: str = ""


SAMPLE_MOMENT = datetime(2031, 3, 4, 5, 6, 7)  # noqa: DTZ001 (a format check, no moment)


def _pattern_fields(values: PatternValues) -> dict[str, Any]:
    name = values.name.strip()
    if not name or len(name) > 80 or not name.isprintable():
        raise SettingRefused(_("Enter a name of at most 80 characters."), field="name")
    headers = values.headers or {}
    if len(headers) > MAX_HEADERS:
        raise SettingRefused(
            _("At most %(count)s headers.") % {"count": MAX_HEADERS}, field="headers"
        )
    for header, expression in headers.items():
        if not HEADER_NAME.fullmatch(header):
            raise SettingRefused(HEADER_LINE_REFUSAL, field="headers")
        expression_check(expression, "headers")
    fields = {
        "name": name,
        "subject": expression_check(values.subject, "subject"),
        "body": expression_check(values.body, "body"),
        "attachment": expression_check(values.attachment, "attachment"),
        "headers": {k: v for k, v in headers.items() if v},
        "recorded_format": values.recorded_format.strip(),
        "verified": bool(values.verified),
        "preset": values.preset if values.preset in ("", "starface", "3cx") else "",
    }
    if not (fields["subject"] or fields["body"] or fields["attachment"] or fields["headers"]):
        raise SettingRefused(_("Give at least one expression."), field="subject")
    if isinstance(values.position, bool) or not 0 <= values.position <= 1000:
        raise SettingRefused(number_refusal(0, 1000), field="position")
    fields["position"] = values.position
    if fields["recorded_format"]:
        text = fields["recorded_format"]
        try:
            valid = (
                len(text) <= 40
                and "%" in text
                and datetime.strptime(SAMPLE_MOMENT.strftime(text), text) is not None  # noqa: DTZ007
            )
        except (ValueError, TypeError):
            valid = False
        if not valid:
            example = {"example": "%d.%m.%Y %H:%M"}
            raise SettingRefused(
                _("This is not a date format, such as %(example)s.") % example,
                field="recorded_format",
            )
    return fields


@transaction.atomic
def pattern_save(
    *,
    office: Office,
    pattern: VoicemailPattern | None,
    values: PatternValues,
    acting_user: Actor,
) -> VoicemailPattern:
    """Add a pattern of the generic format (`pattern` None) or change one of the office's."""
    fields = _pattern_fields(values)
    if pattern is None:
        pattern = VoicemailPattern(office=office)
        action = actions.PATTERN_ADDED
    else:
        with scope(office=office):
            pattern = VoicemailPattern.objects.select_for_update().get(pk=pattern.pk, office=office)
        action = actions.PATTERN_CHANGED
    for name, value in fields.items():
        setattr(pattern, name, value)
    pattern.save()
    audit_record(
        office=office,
        acting_user=acting_user,
        action=action,
        target=pattern,
        data={key: value for key, value in fields.items()},
    )
    return pattern


@transaction.atomic
def pattern_delete(*, office: Office, pattern: VoicemailPattern, acting_user: Actor) -> None:
    with scope(office=office):
        found = VoicemailPattern.objects.select_for_update().filter(pk=pattern.pk, office=office)
        if not found.exists():
            return
        audit_record(
            office=office,
            acting_user=acting_user,
            action=actions.PATTERN_DELETED,
            target=pattern,
            data={"name": pattern.name},
        )
        found.delete()
