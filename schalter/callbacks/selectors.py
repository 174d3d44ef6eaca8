"""Reads about callbacks. Never writes, never imports services."""

from collections.abc import Collection
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.db.models import F, Q, QuerySet
from django_scopes import scope, scopes_disabled

from schalter.callbacks.deadlines import Promise, callback_deadline
from schalter.callbacks.models import (
    Callback,
    CallbackMailbox,
    CallbackPolicy,
    State,
    VoicemailPattern,
)
from schalter.offices.localtime import local_time
from schalter.offices.models import Office
from schalter.offices.selectors import Day, week_schedule

SCHEDULE_CHUNK_DAYS = 42  # days of opening hours read at once while looking for a deadline
# A chunk of the office's days is kept this long under the office's revision (which every change
# of hours, special hours and closures raises: offices.services.office_touch), so a kept chunk
# is never stale; the time only bounds how long unused ones stay.
SCHEDULE_CACHE_SECONDS = 6 * 3600


def callback_policy_of(office: Office) -> CallbackPolicy:
    """The office's callback rules; an unsaved row with the defaults when it has none yet."""
    found = CallbackPolicy.objects.filter(office_id=office.pk).first()
    return found or CallbackPolicy(office=office)


def promise_of(policy: CallbackPolicy) -> Promise:
    return Promise(
        kind=policy.promise_kind,
        working_days=policy.promise_working_days,
        hours=policy.promise_hours,
    )


class ScheduleReader:
    """The office's days, a few weeks at a time as `day_of` asks: from the cache, kept under the
    office's current `revision`, or read from the database (offices.selectors.week_schedule)."""

    def __init__(self, office: Office):
        self.office = office  # as read now: its revision names the kept chunks
        self.days: dict[date, Day] = {}

    def __call__(self, day: date) -> Day:
        if day not in self.days:
            office = self.office
            key = f"callbacks:days:{office.pk}:{office.revision}:{office.subdivision}:{day}"
            chunk = cache.get(key)
            if chunk is None:
                chunk = week_schedule(office, day, "de", days=SCHEDULE_CHUNK_DAYS)
                cache.set(key, chunk, SCHEDULE_CACHE_SECONDS)
            for found in chunk:
                self.days[found.day] = found
        return self.days[day]


def deadline_for(
    office: Office, received: datetime, policy: CallbackPolicy | None = None
) -> datetime | None:
    """When a callback received at `received` is due under the office's promise (deadlines.py),
    with its opening hours, closures and public holidays. One query reads the office's current
    revision with its policy; the schedule comes from the cache while the revision stands."""
    current = Office.objects.defer("logo_png").select_related("callback_policy").get(pk=office.pk)
    if policy is None:
        try:
            policy = current.callback_policy
        except CallbackPolicy.DoesNotExist:
            policy = CallbackPolicy(office=current)
    return callback_deadline(
        local_time(current, received), promise=promise_of(policy), day_of=ScheduleReader(current)
    )


def mailbox_by_address(address: str) -> CallbackMailbox | None:
    """The receiving address or IMAP mailbox configured by an office (any office: the address
    decides which), or None; one switched off on the settings page is none."""
    with scopes_disabled():
        return (
            CallbackMailbox.objects.filter(address=address.strip().lower(), active=True)
            .select_related("office")
            .first()
        )


def mailboxes_of(office: Office) -> list[CallbackMailbox]:
    with scope(office=office):
        return list(CallbackMailbox.objects.filter(office=office))


def imap_mailboxes() -> list[CallbackMailbox]:
    """Every office's IMAP mailbox that is switched on, for the poller
    (`manage.py ingest_voicemail --imap-mailboxes`)."""
    with scopes_disabled():
        return list(
            CallbackMailbox.objects.filter(active=True)
            .exclude(imap_host="")
            .select_related("office")
            .order_by("id")
        )


def patterns_of(office: Office) -> list[VoicemailPattern]:
    """The office's generic voicemail formats, in the order they are tried."""
    with scope(office=office):
        return list(VoicemailPattern.objects.filter(office=office))


def callback_by_dedup_key(
    office: Office, dedup_key: str, recording_key: str = ""
) -> Callback | None:
    """The callback a message already made: by its key, or by caller and recording time."""
    with scope(office=office):
        same = Q(dedup_key=dedup_key)
        if recording_key:
            same |= Q(recording_key=recording_key)
        return Callback.objects.filter(same, office=office).order_by("id").first()


def claimable(office: Office, now: datetime, leave_out: Collection[str] = ()) -> QuerySet:
    """Open callbacks an agent may take now, most urgent first: overdue and soonest deadlines on
    top, those with a follow-up time still ahead left out, and those in the languages
    `leave_out` (left to the agents who speak them: worklist.left_to_others)."""
    with scope(office=office):
        found = Callback.objects.filter(office=office, state=State.OPEN).exclude(
            follow_up_at__gt=now
        )
        if leave_out:
            found = found.exclude(language__in=list(leave_out))
        return found.order_by(F("deadline").asc(nulls_last=True), "id")


def closed_before(office: Office, cutoff: datetime) -> QuerySet:
    """Closed callbacks not yet anonymised that closed before `cutoff` (retention)."""
    with scope(office=office):
        return Callback.objects.filter(
            office=office, state=State.CLOSED, closed_at__lt=cutoff, anonymised_at__isnull=True
        )


def retention_cutoff(office: Office, now: datetime) -> datetime:
    return now - timedelta(days=callback_policy_of(office).retention_days)
