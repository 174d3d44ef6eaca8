"""Text messages to callers, outside the request and after the commit: the acknowledgement
("we received your message; we call you back by <day, time>") and, when the office gave up
after its failed attempts, how else to reach it. Both are sent at most once per callback: the
row is marked under its lock before the gateway is asked, so a retried task never sends twice
(a send that fails is logged and not retried: the callback itself is never at stake).

Caller ids can be spoofed, so the texts go only to mobile numbers of the office's countries and
are capped per number and per office a day (`appointments.ratelimit`, counted even when the
public rate limits are off)."""

import logging
from datetime import datetime

from django.db import transaction
from django.tasks import task
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from schalter.accounts.actors import SCHEDULER
from schalter.accounts.services import audit_record
from schalter.appointments import ratelimit
from schalter.appointments.errors import RateLimited
from schalter.callbacks import actions
from schalter.callbacks.models import Callback, CallbackEvent, CallbackPolicy, EventKind, State
from schalter.callbacks.numbers import is_mobile_in
from schalter.callbacks.selectors import callback_policy_of
from schalter.offices.localtime import local_time
from schalter.offices.models import Office
from schalter.sms import send_sms

log = logging.getLogger(__name__)
DAY_SECONDS = 86400
GERMAN = "de"


def deadline_words(office: Office, deadline: datetime, language: str) -> str:
    """ "Montag, 8. Juni 2026, 12:00" in `language`'s own formats, on the office's clock."""
    moment = local_time(office, deadline)
    with translation.override(language):
        return ", ".join(
            formats.date_format(moment, part) for part in ("l", "DATE_FORMAT", "TIME_FORMAT")
        )


def acknowledgement_text(office: Office, deadline: datetime, language: str) -> str:
    values = {
        "office": office.name_in(language),
        "deadline": deadline_words(office, deadline, language),
    }
    with translation.override(language):
        return (
            _("%(office)s: we received your message. We will call you back by %(deadline)s.")
            % values
        )


def unreachable_text(office: Office, language: str) -> str:
    values = {"office": office.name_in(language), "phone": office.phone, "email": office.email}
    with translation.override(language):
        return (
            _(
                "%(office)s: we tried to call you back several times but did not reach you. "
                "Please call us at %(phone)s or write to %(email)s."
            )
            % values
        )


def in_german_and_hers(language: str, text_in) -> str:
    """One message: German first, then the caller's language when it is known and not German."""
    texts = [text_in(GERMAN)]
    if language and language != GERMAN:
        texts.append(text_in(language))
    return "\n\n".join(texts)


def within_caps(office: Office, policy: CallbackPolicy, number: str, now: datetime) -> bool:
    """Count one text message to `number`; False when it or the office is over its daily cap
    (the number first: a flood to one number does not use up the office's cap)."""
    try:
        ratelimit.hit(
            f"cb-sms-number:{number}",
            limit=policy.sms_per_number_per_day,
            window_seconds=DAY_SECONDS,
            now=now,
            always=True,
        )
        ratelimit.hit(
            f"cb-sms-office:{office.pk}",
            limit=policy.sms_per_office_per_day,
            window_seconds=DAY_SECONDS,
            now=now,
            always=True,
        )
    except RateLimited:
        return False
    return True


def _locked(callback_id: int) -> Callback | None:
    """The callback under its row lock, with its office (the task names no office)."""
    with scopes_disabled():
        return (
            Callback.objects.select_for_update(of=("self",))
            .select_related("office")
            .filter(pk=callback_id)
            .first()
        )


def _mark(callback: Callback, now: datetime, action: str, kind: str | None) -> None:
    office = callback.office
    if kind is not None:
        CallbackEvent.objects.create(
            office=office,
            callback=callback,
            kind=kind,
            at=now,
            source=callback.source,
            language=callback.language,
            deadline=callback.deadline,
        )
    audit_record(
        office=office,
        acting_user=SCHEDULER,
        action=action,
        target=callback,
        data={"language": callback.language},
    )


@task()
def callback_acknowledge_task(callback_id: int) -> bool:
    """Send the acknowledgement of a new callback, if the office sends them and the number can
    take one. Returns whether a message went."""
    now = timezone.now()
    with transaction.atomic():
        found = _locked(callback_id)
        if found is None:
            return False
        office = found.office
        with scope(office=office):
            policy = callback_policy_of(office)
            deadline = found.deadline
            if (
                not policy.acknowledge
                or found.acknowledged_at is not None
                or deadline is None
                or found.anonymised_at is not None
                or found.state == State.CLOSED
                or not is_mobile_in(found.caller_number, policy.countries)
            ):
                return False
            if not within_caps(office, policy, found.caller_number, now):
                log.warning("callback %s: acknowledgement over the daily cap", found.pk)
                return False
            found.acknowledged_at = now
            found.save(update_fields=["acknowledged_at"])
            _mark(found, now, actions.ACKNOWLEDGED, EventKind.ACKNOWLEDGED)
    text = in_german_and_hers(
        found.language, lambda language: acknowledgement_text(office, deadline, language)
    )
    return send_sms(to=found.caller_number, text=text)


@task()
def callback_unreachable_task(callback_id: int) -> bool:
    """Tell a caller the office gave up reaching her, and how else to reach it (once)."""
    now = timezone.now()
    with transaction.atomic():
        found = _locked(callback_id)
        if found is None:
            return False
        office = found.office
        with scope(office=office):
            policy = callback_policy_of(office)
            if (
                found.unreachable_told_at is not None
                or found.anonymised_at is not None
                or not is_mobile_in(found.caller_number, policy.countries)
                or not within_caps(office, policy, found.caller_number, now)
            ):
                return False
            found.unreachable_told_at = now
            found.save(update_fields=["unreachable_told_at"])
            _mark(found, now, actions.UNREACHABLE_TOLD, None)
    text = in_german_and_hers(found.language, lambda language: unreachable_text(office, language))
    return send_sms(to=found.caller_number, text=text)
