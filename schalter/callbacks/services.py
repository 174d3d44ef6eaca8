"""Writes of callbacks: receive a message, claim, record an attempt, close, release, anonymise.
Each is one transaction with its audit row and, where the figures need it, its CallbackEvent;
text messages are queued after the commit (tasks.py)."""

import hashlib
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F
from django.http import Http404
from django_scopes import scope

from schalter.accounts.actors import SCHEDULER, Actor
from schalter.accounts.services import audit_record
from schalter.callbacks import actions
from schalter.callbacks.errors import AlreadyClosed, Busy, NotClaimable, NotYours
from schalter.callbacks.incoming import Incoming
from schalter.callbacks.models import (
    FAILED_OUTCOMES,
    AttemptOutcome,
    Callback,
    CallbackAttempt,
    CallbackEvent,
    EventKind,
    Outcome,
    State,
    VoicemailAudio,
)
from schalter.callbacks.races import locks_on, race_window
from schalter.callbacks.selectors import (
    callback_by_dedup_key,
    callback_policy_of,
    claimable,
    closed_before,
    deadline_for,
    retention_cutoff,
)
from schalter.callbacks.tasks import callback_acknowledge_task, callback_unreachable_task
from schalter.locks import bounded_lock_wait
from schalter.offices.models import Office
from schalter.offices.selectors import owned_by
from schalter.text import one_line, sanitise


@dataclass(frozen=True)
class Received:
    callback: Callback
    created: bool  # False: the message was already there (a re-delivery), nothing was written


def _event(callback: Callback, kind: str, now: datetime, outcome: str = "") -> None:
    CallbackEvent.objects.create(
        office_id=callback.office_id,
        callback=callback,
        kind=kind,
        at=now,
        source=callback.source,
        language=callback.language,
        outcome=outcome,
        deadline=callback.deadline,
    )


def callback_receive(
    *, office: Office, incoming: Incoming, now: datetime, acting_user: Actor
) -> Received:
    """Write a message as a callback, with its audio, its "received" event and audit row, in one
    transaction: either all of it is there or none. Idempotent by `incoming.dedup_key` and
    `incoming.recording_key`: the same message again (a re-delivery after a crash, the same mail
    twice, the same recording under a new Message-ID) returns the callback it made and writes
    nothing. The acknowledgement is queued after the commit."""
    existing = callback_by_dedup_key(office, incoming.dedup_key, incoming.recording_key)
    if existing is not None:
        return Received(existing, created=False)
    try:
        with transaction.atomic(), scope(office=office):
            callback = _create(office, incoming, now, acting_user=acting_user)
    except IntegrityError:
        # Two deliveries of one message at once: the other one's commit won the unique key.
        existing = callback_by_dedup_key(office, incoming.dedup_key, incoming.recording_key)
        if existing is None:
            raise
        return Received(existing, created=False)
    transaction.on_commit(lambda: callback_acknowledge_task.enqueue(callback.pk))
    return Received(callback, created=True)


def _create(office: Office, incoming: Incoming, now: datetime, *, acting_user: Actor) -> Callback:
    reasons = list(dict.fromkeys(incoming.review_reasons))
    audio = incoming.audio
    callback = Callback(
        office=office,
        source=incoming.source,
        dedup_key=incoming.dedup_key,
        recording_key=incoming.recording_key,
        caller_number=incoming.caller_number,
        caller_raw=incoming.caller_raw,
        withheld=incoming.withheld,
        needs_review=bool(reasons),
        review_reasons=reasons,
        caller_name=one_line(incoming.caller_name)[:120],
        language=incoming.language,
        service_id=incoming.service_id,
        preferred_windows=list(incoming.preferred_windows),
        mailbox=incoming.mailbox[:254],
        pbx_mailbox=incoming.pbx_mailbox[:40],
        vendor=incoming.vendor[:20],
        recorded_at=incoming.recorded_at,
        received_at=now,
        deadline=deadline_for(office, now),
        status_token_hash=incoming.status_token_hash,
    )
    # The unique keys are the database's to enforce (an IntegrityError is a re-delivery): checked
    # here as well they cost three round trips per message.
    callback.full_clean(
        exclude=["office", "service"], validate_unique=False, validate_constraints=False
    )
    callback.save(force_insert=True)
    if audio is not None:
        stored = VoicemailAudio(
            callback=callback,
            data=audio.data,
            content_type=audio.content_type,
            filename=audio.filename[:200],
            size=len(audio.data),
            duration_seconds=audio.duration_seconds
            if audio.duration_seconds is not None
            else incoming.duration_seconds,
            sha256=hashlib.sha256(audio.data).hexdigest(),
        )
        stored.full_clean(
            exclude=["callback", "data"], validate_unique=False, validate_constraints=False
        )
        stored.save(force_insert=True)
    _event(callback, EventKind.RECEIVED, now)
    audit_record(
        office=office,
        acting_user=acting_user,
        action=actions.RECEIVED,
        target=callback,
        data={"source": callback.source, "vendor": callback.vendor, "review": reasons},
    )
    return callback


def callback_claim(
    *,
    office: Office,
    now: datetime,
    acting_user: Actor,
    callback: Callback | None = None,
    leave_out: Collection[str] = (),
) -> Callback | None:
    """Take a callback to work on: `callback`, or else the most urgent claimable one not in one
    of the languages `leave_out` (those other agents speak and she does not). Two agents never
    get the same callback: candidates are read under `FOR UPDATE SKIP LOCKED`, so a row another
    agent is claiming is passed over, never waited for.
    None when nothing is claimable; NotClaimable when `callback` is taken or closed."""
    agent = _agent(acting_user=acting_user)
    try:
        with transaction.atomic(), scope(office=office):
            bounded_lock_wait()
            candidates = claimable(office, now, leave_out)
            if callback is not None:
                candidates = candidates.filter(pk=callback.pk)
            if locks_on():  # off only to show that the race test fails without it
                candidates = candidates.select_for_update(skip_locked=True, of=("self",))
            found = candidates.first()
            if found is None:
                if callback is not None:
                    raise NotClaimable
                return None
            race_window()
            found.state = State.CLAIMED
            found.claimed_by = agent
            found.claimed_at = now
            found.save(update_fields=["state", "claimed_by", "claimed_at"])
            audit_record(
                office=office, acting_user=acting_user, action=actions.CLAIMED, target=found
            )
    except OperationalError as error:
        raise Busy from error
    return found


def _agent(*, acting_user: Actor) -> User:
    """Callbacks are claimed and called by signed-in staff only."""
    if not isinstance(acting_user, User) or not acting_user.is_authenticated:
        raise NotYours
    return acting_user


def _locked_claim(callback: Callback, *, acting_user: Actor) -> Callback:
    """The callback under its row lock, if `acting_user` holds the claim on it."""
    locked = Callback.objects.select_for_update().get(pk=callback.pk, office_id=callback.office_id)
    if locked.state == State.CLOSED:
        raise AlreadyClosed
    if locked.state != State.CLAIMED or locked.claimed_by_id != getattr(acting_user, "pk", None):
        raise NotYours
    return locked


def callback_release(*, callback: Callback, acting_user: Actor) -> Callback:
    """Give a claimed callback back to the list untouched."""
    try:
        with transaction.atomic(), scope(office=callback.office):
            bounded_lock_wait()
            locked = _locked_claim(callback, acting_user=acting_user)
            locked.state = State.OPEN
            locked.claimed_by = None
            locked.claimed_at = None
            locked.save(update_fields=["state", "claimed_by", "claimed_at"])
            audit_record(
                office=callback.office,
                acting_user=acting_user,
                action=actions.RELEASED,
                target=locked,
            )
    except OperationalError as error:
        raise Busy from error
    return locked


def _close(locked: Callback, outcome: str, now: datetime, *, acting_user: Actor) -> None:
    locked.state = State.CLOSED
    locked.outcome = outcome
    locked.closed_at = now
    locked.claimed_by = None
    locked.claimed_at = None
    locked.follow_up_at = None
    locked.save(
        update_fields=["state", "outcome", "closed_at", "claimed_by", "claimed_at", "follow_up_at"]
    )
    _event(locked, EventKind.CLOSED, now, outcome)
    audit_record(
        office=locked.office,
        acting_user=acting_user,
        action=actions.CLOSED,
        target=locked,
        data={"outcome": outcome},
    )
    if outcome == Outcome.UNREACHABLE:
        callback_id = locked.pk
        transaction.on_commit(lambda: callback_unreachable_task.enqueue(callback_id))


@dataclass(frozen=True)
class Attempted:
    attempt: CallbackAttempt
    callback: Callback  # as it is now: closed when reached, wrong or out of attempts


def callback_attempt_record(
    *,
    callback: Callback,
    outcome: str,
    now: datetime,
    acting_user: Actor,
    note: str = "",
    follow_up_at: datetime | None = None,
) -> Attempted:
    """Record one call to the caller by the agent holding the claim. Reached closes it as
    reached, a wrong number as wrong number; a failed call (no answer, busy, voicemail) gives it
    back to the list (after `follow_up_at`, if given) until the office's number of failed attempts
    is reached, when it closes as unreachable and the caller is told how else to reach the
    office."""
    outcome = AttemptOutcome(outcome)
    office = callback.office
    try:
        with transaction.atomic(), scope(office=office):
            bounded_lock_wait()
            locked = _locked_claim(callback, acting_user=acting_user)
            locked.office = office
            attempt = CallbackAttempt(
                office=office,
                callback=locked,
                at=now,
                by=_agent(acting_user=acting_user),
                outcome=outcome,
                note=sanitise(note)[:500],
                follow_up_at=follow_up_at,
            )
            attempt.full_clean(exclude=["office", "callback", "by"])
            attempt.save(force_insert=True)
            locked.attempts = F("attempts") + 1
            if outcome in FAILED_OUTCOMES:
                locked.failed_attempts = F("failed_attempts") + 1
            locked.follow_up_at = follow_up_at
            locked.save(update_fields=["attempts", "failed_attempts", "follow_up_at"])
            locked.refresh_from_db(fields=["attempts", "failed_attempts"])
            _event(locked, EventKind.ATTEMPT, now, outcome)
            audit_record(
                office=office,
                acting_user=acting_user,
                action=actions.ATTEMPTED,
                target=locked,
                data={"outcome": outcome, "attempt": locked.attempts},
            )
            policy = callback_policy_of(office)
            if outcome == AttemptOutcome.REACHED:
                _close(locked, Outcome.REACHED, now, acting_user=acting_user)
            elif outcome == AttemptOutcome.WRONG_NUMBER:
                _close(locked, Outcome.WRONG_NUMBER, now, acting_user=acting_user)
            elif locked.failed_attempts >= policy.max_failed_attempts:
                _close(locked, Outcome.UNREACHABLE, now, acting_user=acting_user)
            else:
                locked.state = State.OPEN
                locked.claimed_by = None
                locked.claimed_at = None
                locked.save(update_fields=["state", "claimed_by", "claimed_at"])
    except OperationalError as error:
        raise Busy from error
    return Attempted(attempt, locked)


def callback_close(
    *, callback: Callback, outcome: str, now: datetime, acting_user: Actor
) -> Callback:
    """Close a callback with its outcome: by the agent holding the claim, or, withdrawing it, by
    the client herself (acting_user=CLIENT) while nobody works on it."""
    outcome = Outcome(outcome)
    office = callback.office
    try:
        with transaction.atomic(), scope(office=office):
            bounded_lock_wait()
            if outcome == Outcome.WITHDRAWN:
                locked = Callback.objects.select_for_update().get(pk=callback.pk, office=office)
                if locked.state == State.CLOSED:
                    raise AlreadyClosed
            else:
                locked = _locked_claim(callback, acting_user=acting_user)
            locked.office = office
            _close(locked, outcome, now, acting_user=acting_user)
    except OperationalError as error:
        raise Busy from error
    return locked


@transaction.atomic
def callback_audio_play(
    *, office: Office, callback_id: object, acting_user: Actor
) -> VoicemailAudio:
    """The recording of one of the office's callbacks, for a staff member to play: 404 alike for
    a missing callback, another office's, or one without (or no longer with) a recording. Each
    playback is audited as a read of a client record."""
    callback = owned_by(office, Callback, callback_id)
    with scope(office=office):
        audio = VoicemailAudio.objects.filter(callback=callback).first()
    if audio is None:
        raise Http404
    audit_record(
        office=office,
        acting_user=acting_user,
        action=actions.PLAYED,
        target=callback,
        data={"seconds": audio.duration_seconds},
    )
    return audio


@transaction.atomic
def callback_anonymise(*, office: Office, now: datetime, acting_user: Actor) -> int:
    """Retention: callbacks closed longer ago than the office's retention days lose their
    audio, number, caller name, attempt notes and status link; the rows and their events stay
    for the figures. Returns how many callbacks were anonymised."""
    cutoff = retention_cutoff(office, now)
    with scope(office=office):
        due = closed_before(office, cutoff)
        ids = list(due.values_list("pk", flat=True))
        if not ids:
            return 0
        VoicemailAudio.objects.filter(callback_id__in=ids).delete()
        CallbackAttempt.objects.filter(callback_id__in=ids).update(note="")
        Callback.objects.filter(pk__in=ids).update(
            caller_number="",
            caller_raw="",
            caller_name="",
            preferred_windows=[],
            status_token_hash="",
            anonymised_at=now,
        )
    audit_record(
        office=office,
        acting_user=acting_user,
        action=actions.ANONYMISED,
        data={"callbacks": len(ids), "before": cutoff.isoformat()},
    )
    return len(ids)


def callbacks_personal_erase(*, office: Office, now: datetime) -> int:
    """The retention eraser registered with offices.retention (run by the periodic tick)."""
    return callback_anonymise(office=office, now=now, acting_user=SCHEDULER)
