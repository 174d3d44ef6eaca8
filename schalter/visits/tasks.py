"""Work outside the request: the "wait anywhere" text messages. A queue change checks cheaply,
after its commit, whether anyone in the group left a number (`services.wait_anywhere`), and
queues `tickets_notify_near_task` for the task backend (a worker in production), so that a slow
or broken gateway never holds up a desk."""

import logging
from datetime import date, datetime, timedelta

from django.db.models import Q, QuerySet
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_scopes import scope, scopes_disabled

from schalter.accounts.actors import SCHEDULER, Actor
from schalter.accounts.services import audit_record
from schalter.appointments import ratelimit
from schalter.appointments.errors import RateLimited
from schalter.offices.localtime import local_date
from schalter.offices.models import Office
from schalter.sms import send_sms
from schalter.visits.models import QUEUED_STATES, ServiceGroup, Ticket
from schalter.visits.queue_order import queue_of

log = logging.getLogger(__name__)

SMS_TRIES = 3  # "wait anywhere": sends tried per ticket before giving up on a failing gateway
# A claim this old with the number still set was left by a process that died before the send
# finished (a send waits at most the gateway's few seconds of timeout): the message is retried.
SMS_CLAIM_EXPIRES = timedelta(minutes=5)


def sms_unclaimed(now: datetime) -> Q:
    """Tickets nobody is sending to: never claimed, or claimed by a process long gone (the rows
    also need a number: a sent message erased it)."""
    return Q(notified_at__isnull=True) | Q(notified_at__lt=now - SMS_CLAIM_EXPIRES)


def numbers_waiting(office: Office, group_id: int, day: date, now: datetime) -> QuerySet[Ticket]:
    """The group's waiting tickets with a number left for a text message not yet claimed."""
    with scope(office=office):
        return (
            Ticket.objects.filter(
                office=office, group_id=group_id, day=day, state__in=QUEUED_STATES
            )
            .filter(sms_unclaimed(now))
            .exclude(notify_phone="")
        )


def near_text(ticket: Ticket, ahead: int, language: str) -> str:
    values = {"office": ticket.office.name_in(language), "code": ticket.code, "ahead": ahead}
    with translation.override(language):
        if ahead == 0:
            return (
                _(
                    "%(office)s: your number %(code)s is next. "
                    "Please come back to the waiting area now."
                )
                % values
            )
        return (
            ngettext(
                "%(office)s: your number %(code)s will be called soon (about %(ahead)d client "
                "ahead of you). Please come back to the waiting area.",
                "%(office)s: your number %(code)s will be called soon (about %(ahead)d clients "
                "ahead of you). Please come back to the waiting area.",
                ahead,
            )
            % values
        )


def tickets_notify_near(
    *,
    office: Office,
    group: ServiceGroup | int,
    day: date | None = None,
    now: datetime | None = None,
    acting_user: Actor,
) -> int:
    """Send the one "your turn is near" text message to each waiting client of the group who
    left a number and now has at most `group.notify_when_ahead` clients ahead (the order of
    `selectors.queue_of`). Runs after the commit of a queue change, outside any transaction
    and lock. Returns how many messages went.

    Each ticket is first claimed with an update guarded by `notified_at` (unclaimed), so two
    desks calling at once never send twice. After a sent message the number is erased. A failing
    gateway is logged and the claim undone, so the next queue change tries again; after
    SMS_TRIES failed tries (counted per UTC day, which holds the office's opening hours) the
    number is erased and no message goes (each try may wait for the gateway's timeout, so a
    broken gateway must not slow every call of the day). A process that dies between its claim
    and the number's erasure leaves the claim with the number still set: once older than
    SMS_CLAIM_EXPIRES it counts as unclaimed and a later queue change sends. If the message had
    gone just before the process died, the client gets it twice: better than never."""
    now = now or timezone.now()
    day = day or local_date(office, now)
    group_id = group if isinstance(group, int) else group.pk
    with scope(office=office):
        if not numbers_waiting(office, group_id, day, now).exists():
            return 0
        if isinstance(group, int):
            group = ServiceGroup.objects.get(office=office, pk=group)
        order = list(queue_of(office, group, day, now)[: group.notify_when_ahead + 1])
    sent = 0
    for ahead, ticket in enumerate(order):
        stale = ticket.notified_at is not None and ticket.notified_at < now - SMS_CLAIM_EXPIRES
        if ticket.notify_phone and (ticket.notified_at is None or stale):
            sent += notify_one(office, ticket, ahead, now, acting_user=acting_user)
    return sent


def notify_one(
    office: Office, ticket: Ticket, ahead: int, now: datetime, *, acting_user: Actor
) -> int:
    with scope(office=office):
        mine = (
            Ticket.objects.filter(pk=ticket.pk, state__in=QUEUED_STATES)
            .filter(sms_unclaimed(now))
            .exclude(notify_phone="")
        )
        if not mine.update(notified_at=now):
            return 0  # another process claimed it, or the client withdrew or was called
        phone = Ticket.objects.filter(pk=ticket.pk).values_list("notify_phone", flat=True)[0]
        claimed = Ticket.objects.filter(pk=ticket.pk)
    try:
        ratelimit.hit(
            f"visits.sms:{ticket.pk}", limit=SMS_TRIES, window_seconds=86400, now=now, always=True
        )
    except RateLimited:
        log.warning("ticket %s: gave up on the text message after %s tries", ticket.pk, SMS_TRIES)
        with scope(office=office):
            claimed.update(notify_phone="", notified_at=None)
        return 0
    ticket.office = office
    if not send_sms(to=phone, text=near_text(ticket, ahead, ticket.language)):
        with scope(office=office):
            claimed.update(notified_at=None)  # the next queue change tries again
        return 0
    with scope(office=office):
        claimed.update(notify_phone="")
    audit_record(
        office=office,
        acting_user=acting_user,
        action="visits.ticket.notified",
        target=ticket,
        data={"code": ticket.code, "ahead": ahead},
    )
    return 1


@task
def tickets_notify_near_task(office_id: int, group_id: int, day: str) -> int:
    with scopes_disabled():
        office = Office.objects.get(pk=office_id)
    return tickets_notify_near(
        office=office, group=group_id, day=date.fromisoformat(day), acting_user=SCHEDULER
    )
