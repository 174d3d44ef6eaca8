"""How long a client will likely wait, and how good the waits told were. Reads only: counted in
the database from the queue order (`queue_order`) and today's service times.

The one estimate: clients ahead shared among the open desks, times the mean service time
(`expected_wait`). A ticket's page, its print-out, the kiosk and the phone tell the ticket's own
(`ticket_position`); the displays and the queue page tell, per queue, that of the last client in
it (`queue_wait`), so a display agrees with the newest ticket's page. Every audience words it
with `wait_said`: never "about 0 minutes"."""

import math
from dataclasses import dataclass
from datetime import date, datetime
from statistics import mean, median

from django.db.models import Avg, DurationField, ExpressionWrapper, F, Q, Subquery
from django.utils.translation import gettext, ngettext
from django_scopes import scope, scopes_disabled

from schalter.appointments.models import OfficeService
from schalter.offices.models import Office
from schalter.visits.models import QUEUED_STATES, DeskSession, ServiceGroup, Ticket, TicketState
from schalter.visits.queue_order import queue_of

FALLBACK_SERVICE_MINUTES = 15.0


def served_minutes(office: Office, day: date) -> float | None:
    """Mean service time of the office's tickets finished that day; None before the first."""
    with scope(office=office):
        served = Ticket.objects.filter(
            office=office,
            day=day,
            state=TicketState.DONE,
            started_at__isnull=False,
            finished_at__isnull=False,
        ).aggregate(
            mean=Avg(
                ExpressionWrapper(F("finished_at") - F("started_at"), output_field=DurationField())
            )
        )["mean"]
    return None if served is None else max(1.0, served.total_seconds() / 60)


_UNKNOWN = -1.0  # `served` not looked up yet


def mean_service_minutes(
    office: Office, group: ServiceGroup, day: date, served: float | None = _UNKNOWN
) -> float:
    """Mean service time of today's finished tickets (`served_minutes`, pass it when known);
    before the first, the group's booked service lengths; before any, a default."""
    if served == _UNKNOWN:
        served = served_minutes(office, day)
    if served is not None:
        return served
    services = list(group.services.all())  # read once (none if prefetched)
    if not services:
        return FALLBACK_SERVICE_MINUTES
    with scope(office=office):
        durations = list(
            OfficeService.objects.filter(
                office=office, service_id__in=[s.pk for s in services]
            ).values_list("duration_minutes", flat=True)
        )
    if durations:
        return float(mean(durations))
    return float(mean(s.default_duration_minutes for s in services))


SOON_MINUTES = 5  # an estimate below this is too rough to tell in minutes


def wait_said(minutes: int, *, nobody_ahead: bool = False) -> str:
    """An expected wait as every page and print-out tells it, in the active language: "You are
    next" with nobody ahead, "a few minutes" below SOON_MINUTES, else "about N minutes"."""
    if nobody_ahead:
        return gettext("You are next")
    if minutes < SOON_MINUTES:
        return gettext("a few minutes")
    return ngettext("about %(minutes)s minute", "about %(minutes)s minutes", minutes) % {
        "minutes": minutes
    }


@dataclass(frozen=True)
class Position:
    ahead: int
    open_desks: int
    mean_service_minutes: float
    expected_wait_minutes: int

    @property
    def wait_said(self) -> str:
        """The expected wait in words, in the active language (`wait_said`)."""
        return wait_said(self.expected_wait_minutes, nobody_ahead=self.ahead == 0)


def expected_wait(ahead: int, open_desks: int, service_minutes: float) -> int:
    """Clients ahead shared among the open desks, times the mean service time."""
    return math.ceil(ahead / max(open_desks, 1) * service_minutes)


def queue_wait(waiting: int, open_desks: int, service_minutes: float) -> int:
    """A queue's expected wait as the displays show it: that of the last client in it, whom
    all the others are ahead of; what the newest ticket's own page says at the same moment."""
    return expected_wait(max(waiting - 1, 0), open_desks, service_minutes)


def open_desk_count(office: Office) -> int:
    """Desks someone works at now: the queue is shared among them."""
    with scope(office=office):
        return DeskSession.objects.filter(office=office, ended_at__isnull=True).count()


def ticket_position(ticket: Ticket, now: datetime) -> Position:
    """Where a ticket stands in its group's queue, and how long it will likely wait. Counted in
    the database: a long queue costs no more than a short one."""
    office = ticket.office
    group = ticket.group
    service = mean_service_minutes(office, group, ticket.day)
    desks = open_desk_count(office)
    ahead = 0
    if ticket.state in QUEUED_STATES:
        with scope(office=office):
            queue = queue_of(office, group, ticket.day, now)
            # The ticket's own rank as a subquery: one round trip. Called meanwhile, it has
            # none, nothing compares with NULL, and nobody is ahead any more.
            mine = queue.filter(pk=ticket.pk).values("rank")  # type: ignore[misc]
            created = ticket.created_at
            ahead = (
                queue.annotate(mine=Subquery(mine[:1]))
                .filter(
                    Q(rank__lt=F("mine"))
                    | Q(rank=F("mine"), created_at__lt=created)
                    | Q(rank=F("mine"), created_at=created, pk__lt=ticket.pk)
                )
                .count()
            )
    return Position(ahead, desks, service, expected_wait(ahead, desks, service))


def prediction_errors(office: Office, first_day: date, last_day: date | None = None) -> list[float]:
    """Actual minus predicted wait, in minutes, of the tickets called on these days."""
    with scopes_disabled():
        rows = Ticket.objects.filter(
            office=office,
            day__range=(first_day, last_day or first_day),
            first_called_at__isnull=False,
            predicted_wait_minutes__isnull=False,
        ).values_list("created_at", "first_called_at", "predicted_wait_minutes")
        return [
            (called - created).total_seconds() / 60 - predicted
            for created, called, predicted in rows
            if called and predicted is not None
        ]


CLOSE_ENOUGH_MINUTES = 10  # an estimate this close to the real wait counts as right


@dataclass(frozen=True)
class WaitEstimates:
    """How good the expected waits told to clients were: the figures for staff and ministry."""

    called: int  # tickets with an estimate that were called
    median_error_minutes: float | None  # positive: clients waited longer than told
    close_share: int | None  # per cent within CLOSE_ENOUGH_MINUTES


def wait_estimates(office: Office, first_day: date, last_day: date | None = None) -> WaitEstimates:
    errors = prediction_errors(office, first_day, last_day)
    if not errors:
        return WaitEstimates(0, None, None)
    close = sum(1 for e in errors if abs(e) <= CLOSE_ENOUGH_MINUTES)
    return WaitEstimates(len(errors), round(median(errors), 1), round(100 * close / len(errors)))
