"""Callback requests from the website and the API: her number, language, topic and preferred
times become a callback on the worklist (`services.callback_receive`, source "web"), with a
status link (a random token; only its hash is kept) where she sees the state or withdraws it.

The text message she gets says when to expect the call and carries the link; it replaces the
acknowledgement a voicemail gets (the same caps per number and office a day)."""

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_scopes import scope, scopes_disabled

from schalter.accounts.actors import Actor
from schalter.appointments import ratelimit
from schalter.callbacks.errors import CallbackError
from schalter.callbacks.incoming import Incoming
from schalter.callbacks.models import (
    Callback,
    CallbackEvent,
    EventKind,
    Outcome,
    Source,
    State,
)
from schalter.callbacks.numbers import number_read
from schalter.callbacks.selectors import callback_policy_of
from schalter.callbacks.services import callback_close, callback_receive
from schalter.callbacks.tasks import deadline_words, within_caps
from schalter.callbacks.worklist import offers_service
from schalter.languages import BY_CODE
from schalter.links import public_url
from schalter.offices.models import Office
from schalter.sms import send_sms
from schalter.tokens import token_hash

TOKEN_BYTES = 24
TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
MAX_WINDOWS = 7
# Preferred times offered on the form: (key, from, until).
WINDOWS = (
    ("morning", "08:00", "12:00"),
    ("midday", "12:00", "14:00"),
    ("afternoon", "14:00", "18:00"),
)
WINDOW_BY_KEY = {key: (start, end) for key, start, end in WINDOWS}


class RequestRefused(CallbackError):
    """A refused field of a callback request, shown next to that field."""

    field_name = ""

    def __init__(self, message=None, *, field: str | None = None):
        super().__init__(message, field=field or self.field_name)


class BadNumber(RequestRefused):
    status = 400
    code = "bad_number"
    message = gettext_lazy("Enter a phone number we can call, for example 0151 23456789.")
    field_name = "number"


class BadLanguage(RequestRefused):
    status = 400
    code = "bad_language"
    message = gettext_lazy("Choose a language.")
    field_name = "language"


class BadTopic(RequestRefused):
    status = 400
    code = "bad_topic"
    message = gettext_lazy("Choose a topic.")
    field_name = "topic"


class BadWindows(RequestRefused):
    status = 400
    code = "bad_windows"
    message = gettext_lazy("Choose the times when we may call you.")
    field_name = "windows"


def windows_from_keys(keys: list[str]) -> list[dict]:
    """The form's choices ("morning", ...) as stored windows (any weekday)."""
    found = []
    for key in keys:
        if key not in WINDOW_BY_KEY:
            raise BadWindows
        start, end = WINDOW_BY_KEY[key]
        found.append({"weekday": None, "from": start, "until": end})
    return found


def windows_clean(windows: list[dict]) -> list[dict]:
    """Preferred windows as the API sends them: [{"weekday": 0-6|null, "from", "until"}]."""
    if len(windows) > MAX_WINDOWS:
        raise BadWindows
    clean = []
    for window in windows:
        weekday, start, end = window.get("weekday"), window.get("from"), window.get("until")
        if weekday is not None and (not isinstance(weekday, int) or not 0 <= weekday <= 6):
            raise BadWindows
        if not (isinstance(start, str) and isinstance(end, str)):
            raise BadWindows
        if not (TIME.match(start) and TIME.match(end)) or start >= end:
            raise BadWindows
        clean.append({"weekday": weekday, "from": start, "until": end})
    return clean


# Requests for one number: a flood of text messages to one phone is refused early.
NUMBER_LIMIT = 3
NUMBER_WINDOW_SECONDS = 86400


def request_limit(number: str, now: datetime) -> None:
    """Count one request for `number` (as understood, else as typed); RateLimited above the
    limit. The per-address limit and proof of work are the booking's (antibot.attempt_check)."""
    reading = number_read(number)
    ratelimit.hit(
        f"cb-request:{reading.e164 or reading.raw}",
        limit=NUMBER_LIMIT,
        window_seconds=NUMBER_WINDOW_SECONDS,
        now=now,
    )


@dataclass(frozen=True)
class Requested:
    callback: Callback
    token: str  # for her status link; shown once, only its hash is kept


def callback_request(
    *,
    office: Office,
    number: str,
    language: str,
    service_id: int | None,
    windows: list[dict],
    now: datetime,
    acting_user: Actor,
    link_for=None,
) -> Requested:
    """Take a callback request. `number` as she typed it (German numbers without +49, or
    international ones with + or 00); `link_for(token)` makes the absolute status link for the
    text message. Raises BadNumber, BadLanguage."""
    reading = number_read(number)
    if not reading.understood:
        raise BadNumber
    if language not in BY_CODE:
        raise BadLanguage
    if service_id is not None and not offers_service(office, service_id):
        raise BadTopic
    token = secrets.token_urlsafe(TOKEN_BYTES)
    hashed = token_hash(token)
    incoming = Incoming(
        source=Source.WEB,
        dedup_key=f"web:{hashed}",
        caller_number=reading.e164,
        caller_raw=reading.raw,
        language=language,
        vendor="web",
        service_id=service_id,
        preferred_windows=tuple(windows),
        status_token_hash=hashed,
    )
    with transaction.atomic(), scope(office=office):
        received = callback_receive(
            office=office, incoming=incoming, now=now, acting_user=acting_user
        )
        callback = received.callback
        # The voicemail acknowledgement (queued by callback_receive) is replaced by the text
        # with her link: marked as sent here, so that task leaves it alone.
        Callback.objects.filter(pk=callback.pk, office=office).update(acknowledged_at=now)
        link = link_for(token) if link_for else status_link(office, token, language)
        callback_id = callback.pk
        transaction.on_commit(lambda: callback_request_text_task.enqueue(callback_id, link))
    return Requested(callback, token)


def status_link(office: Office, token: str, language: str) -> str:
    """Her status page, absolute and in the language she chose, for the text message (where a
    caller passes no `link_for`: the demo, a command)."""
    with translation.override(language):
        path = reverse("public:callback_status", kwargs={"office": office.slug, "token": token})
    return public_url(path)


def request_text(office: Office, deadline: datetime | None, link: str, language: str) -> str:
    values = {
        "office": office.name_in(language),
        "deadline": deadline_words(office, deadline, language) if deadline else "",
        "link": link,
    }
    with translation.override(language):
        return (
            _(
                "%(office)s: we received your request. We will call you back by %(deadline)s. "
                "See or withdraw your request: %(link)s"
            )
            % values
        )


@task()
def callback_request_text_task(callback_id: int, link: str) -> bool:
    """The text message after a request: when to expect the call, and her link (once, within
    the caps per number and office)."""
    now = timezone.now()
    with transaction.atomic():
        found = _locked_web(callback_id)
        if found is None or found.state == State.CLOSED or found.deadline is None:
            return False
        office = found.office
        with scope(office=office):
            policy = callback_policy_of(office)
            sent = CallbackEvent.objects.filter(callback=found, kind=EventKind.ACKNOWLEDGED)
            if sent.exists():  # a retried task: the text went already
                return False
            if not policy.acknowledge or not within_caps(office, policy, found.caller_number, now):
                return False
            CallbackEvent.objects.create(
                office=office,
                callback=found,
                kind=EventKind.ACKNOWLEDGED,
                at=now,
                source=found.source,
                language=found.language,
                deadline=found.deadline,
            )
    text = request_text(office, found.deadline, link, found.language or "de")
    return send_sms(to=found.caller_number, text=text)


def _locked_web(callback_id: int) -> Callback | None:
    with scopes_disabled():
        return (
            Callback.objects.select_for_update(of=("self",))
            .select_related("office")
            .filter(pk=callback_id, source=Source.WEB)
            .first()
        )


def callback_withdraw(*, callback: Callback, now: datetime, acting_user: Actor) -> Callback:
    """She withdraws her request (from her status link)."""
    return callback_close(
        callback=callback, outcome=Outcome.WITHDRAWN, now=now, acting_user=acting_user
    )
