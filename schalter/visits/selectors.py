"""Reads about visits, always for one office: queue positions, expected waits, the dashboard."""

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import mean, median

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Subquery
from django.http import Http404
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from schalter.appointments.models import OfficeService
from schalter.offices import palette
from schalter.offices import selectors as office_selectors
from schalter.offices.models import Desk, Office
from schalter.visits.models import (
    QUEUED_STATES,
    CallEvent,
    CallKind,
    DeskSession,
    Kiosk,
    Screen,
    ServiceGroup,
    Ticket,
    TicketState,
)
from schalter.visits.services import queue_rank, token_hash

FALLBACK_SERVICE_MINUTES = 15.0


def groups_of(office: Office, with_services: bool = True) -> list[ServiceGroup]:
    with scope(office=office):
        groups = ServiceGroup.objects.filter(office=office)
        return list(groups.prefetch_related("services") if with_services else groups)


def active_desks(office: Office) -> list[Desk]:
    """The desks in use, for taking one or transferring a client to one."""
    with scope(office=office):
        return list(Desk.objects.filter(office=office, active=True).select_related("location"))


def _of_office(model, office: Office, **lookup):
    """One of the office's rows; 404 alike for a missing one and another office's."""
    with scope(office=office):
        found = model.objects.filter(office=office, **lookup).first()
    if found is None:
        raise Http404
    return found


def group_get(office: Office, pk: int | str) -> ServiceGroup:
    return _of_office(ServiceGroup, office, pk=pk)


def kiosks_of(office: Office) -> list[Kiosk]:
    """All of the office's kiosks, those out of use too, for the staff list."""
    with scope(office=office):
        return list(Kiosk.objects.filter(office=office))


def kiosk_by_pk(office: Office, pk: int) -> Kiosk:
    """A kiosk for staff to edit, in use or not."""
    return _of_office(Kiosk, office, pk=pk)


def kiosk_get(office: Office, public_id: str) -> Kiosk:
    """A kiosk in use, by the id in its address."""
    return _of_office(Kiosk, office, public_id=public_id, active=True)


def kiosk_at(office_slug: str, public_id: str) -> Kiosk:
    """An active kiosk by its office's slug and its public id, with its office, in one query;
    404 alike for an unknown office and an unknown kiosk."""
    with scopes_disabled():
        kiosk = (
            Kiosk.objects.filter(office__slug=office_slug, public_id=public_id, active=True)
            .select_related("office")
            .first()
        )
    if kiosk is None:
        raise Http404
    return kiosk


def ticket_by_token(office: Office, token: str) -> Ticket:
    with scope(office=office):
        ticket = (
            Ticket.objects.filter(office=office, token_hash=token_hash(token))
            .select_related("group", "desk", "desk__location")
            .first()
        )
    if ticket is None:
        raise Http404
    return ticket


def local_day(office: Office, now: datetime) -> date:
    return office_selectors.local_now(office, now).date()


def open_sessions(office: Office) -> list[DeskSession]:
    with scope(office=office):
        return list(
            DeskSession.objects.filter(office=office, ended_at__isnull=True).select_related(
                "desk", "user"
            )
        )


def desk_session_of(office: Office, user) -> DeskSession | None:
    with scope(office=office):
        session = (
            DeskSession.objects.filter(office=office, user=user, ended_at__isnull=True)
            .select_related("desk", "desk__location")
            .first()
        )
    if session is not None:  # the services read the office through the session and its desk
        session.office = office
        session.desk.office = office
    return session


def taken_desk_ids(office: Office) -> set[int]:
    with scope(office=office):
        return set(
            DeskSession.objects.filter(office=office, ended_at__isnull=True).values_list(
                "desk_id", flat=True
            )
        )


def waiting_counts(office: Office, day: date) -> dict[int, int]:
    """Waiting tickets per group id, counted in one query (groups nobody waits in are missing)."""
    with scope(office=office):
        rows = (
            Ticket.objects.filter(office=office, day=day, state__in=QUEUED_STATES)
            .order_by()
            .values_list("group_id")
            .annotate(n=Count("id"))
        )
        return dict(rows)  # type: ignore[arg-type]


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


@dataclass(frozen=True)
class Position:
    ahead: int
    open_desks: int
    mean_service_minutes: float
    expected_wait_minutes: int


def expected_wait(ahead: int, open_desks: int, service_minutes: float) -> int:
    """Clients ahead shared among the open desks, times the mean service time."""
    return math.ceil(ahead / max(open_desks, 1) * service_minutes)


def queue_of(office: Office, group: ServiceGroup, day: date, now: datetime) -> QuerySet[Ticket]:
    """The group's waiting tickets in calling order, as no particular desk sees them (the rules
    are `services.queue_rank`). Use inside the office's scope."""
    return (
        Ticket.objects.filter(office=office, group=group, day=day, state__in=QUEUED_STATES)
        .annotate(rank=queue_rank(now=now))
        .order_by("rank", "created_at", "id")
    )


def _open_desks(office: Office) -> int:
    with scope(office=office):
        return DeskSession.objects.filter(office=office, ended_at__isnull=True).count()


def ticket_position(ticket: Ticket, now: datetime) -> Position:
    """Where a ticket stands in its group's queue, and how long it will likely wait. Counted in
    the database: a long queue costs no more than a short one."""
    office = ticket.office
    group = ticket.group
    service = mean_service_minutes(office, group, ticket.day)
    desks = _open_desks(office)
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


TRAFFIC_GREEN_MINUTES = 20
TRAFFIC_RED_MINUTES = 45


@dataclass(frozen=True)
class GroupStatus:
    group: ServiceGroup
    waiting: int
    expected_wait_minutes: int
    light: str  # green, yellow, red


def traffic_light(minutes: int) -> str:
    if minutes < TRAFFIC_GREEN_MINUTES:
        return "green"
    if minutes < TRAFFIC_RED_MINUTES:
        return "yellow"
    return "red"


@dataclass(frozen=True)
class QueueOverview:
    groups: list[GroupStatus]
    sessions: list[DeskSession]
    average_wait_minutes: int | None  # from issue to first call, today
    served_today: int


def group_statuses(office: Office, now: datetime, open_desks: int) -> list[GroupStatus]:
    """Per group: waiting clients (counted in the database: the queue can be long), expected
    wait and traffic light."""
    day = local_day(office, now)
    waiting = waiting_counts(office, day)
    served = served_minutes(office, day)
    statuses = []
    for group in groups_of(office):
        count = waiting.get(group.pk, 0)
        minutes = expected_wait(count, open_desks, mean_service_minutes(office, group, day, served))
        statuses.append(GroupStatus(group, count, minutes, traffic_light(minutes)))
    return statuses


def queue_overview(office: Office, now: datetime) -> QueueOverview:
    day = local_day(office, now)
    sessions = open_sessions(office)
    statuses = group_statuses(office, now, len(sessions))
    with scope(office=office):
        waits = list(
            Ticket.objects.filter(
                office=office, day=day, first_called_at__isnull=False
            ).values_list("created_at", "first_called_at")
        )
        served = Ticket.objects.filter(office=office, day=day, state=TicketState.DONE).count()
    average = (
        round(mean((called - created).total_seconds() / 60 for created, called in waits if called))
        if waits
        else None
    )
    return QueueOverview(statuses, sessions, average, served)


def desk_tickets(session: DeskSession) -> tuple[Ticket | None, list[Ticket]]:
    """The client at this desk now (called or in service), else a parked one; and the parked
    clients in the order they were called. One query."""
    with scope(office=session.office):
        tickets = list(
            Ticket.objects.filter(
                desk_id=session.desk_id,
                state__in=(TicketState.CALLED, TicketState.IN_SERVICE, TicketState.PARKED),
            )
            .select_related("group", "service", "appointment")
            .order_by("state", "-called_at")
        )
    active = [t for t in tickets if t.state != TicketState.PARKED]
    found = active or tickets
    parked = sorted(
        (t for t in tickets if t.state == TicketState.PARKED),
        key=lambda t: (t.called_at is None, t.called_at),
    )
    return (found[0] if found else None), parked


def desk_ticket(session: DeskSession) -> Ticket | None:
    """The client at this desk now (called or in service), else a parked one."""
    return desk_tickets(session)[0]


def parked_at(session: DeskSession) -> list[Ticket]:
    with scope(office=session.office):
        return list(
            Ticket.objects.filter(desk_id=session.desk_id, state=TicketState.PARKED).order_by(
                "called_at"
            )
        )


def recent_calls(office: Office, since: datetime | None = None, limit: int = 10) -> list[CallEvent]:
    """The latest call events, newest first: what a call display shows."""
    with scope(office=office):
        events = CallEvent.objects.filter(office=office).select_related(
            "ticket", "desk", "desk__location"
        )
        if since is not None:
            events = events.filter(at__gt=since)
        return list(events[:limit])


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


def screens_of(office: Office) -> list[Screen]:
    """All of the office's screens, switched off ones too, for the staff list."""
    with scope(office=office):
        return list(Screen.objects.filter(office=office))


def screen_by_pk(office: Office, pk: int) -> Screen:
    """A screen for staff to edit, active or not."""
    return _of_office(Screen, office, pk=pk)


def desk_floors(office: Office) -> list[int]:
    """The floors the office's desks are on: what a screen may be limited to."""
    with scope(office=office):
        return sorted(set(Desk.objects.filter(office=office).values_list("floor", flat=True)))


def screen_get(office: Office, public_id: str) -> Screen:
    """A screen in use, by the id in its address."""
    return _of_office(Screen, office, public_id=public_id, active=True)


@dataclass(frozen=True)
class DisplayCalls:
    calls: list[CallEvent]  # newest first, one per ticket
    last_event_id: int  # the newest event looked at; the display asks for events after it


# Event ids are handed out before commit: a call committed a moment after a later one has the
# lower id. Calls this recent come again whatever `after` says; the display drops repeats by id.
LATE_COMMIT_WINDOW = timedelta(seconds=30)


def display_calls(screen: Screen, now: datetime, after: int = 0, limit: int = 8) -> DisplayCalls:
    """Today's calls and recalls for a screen, newer than event `after` or made in the last
    LATE_COMMIT_WINDOW. The bound is read first, so a call written meanwhile comes with the
    next poll."""
    office = screen.office
    with scope(office=office):
        today = CallEvent.objects.filter(office=office, ticket__day=local_day(office, now)).filter(
            Q(id__gt=after) | Q(at__gte=now - LATE_COMMIT_WINDOW)
        )
        last = max(today.order_by("-id").values_list("id", flat=True).first() or 0, after)
        events = today.filter(id__lte=last, kind__in=(CallKind.CALL, CallKind.RECALL))
        if screen.groups:
            events = events.filter(ticket__group_id__in=screen.groups)
        if screen.floors:
            events = events.filter(desk__floor__in=screen.floors)
        found = list(events.select_related("ticket", "desk").order_by("-id")[: limit * 3])
    seen: set[int] = set()
    calls = []
    for event in found:
        if event.ticket_id not in seen and event.desk is not None:
            seen.add(event.ticket_id)
            calls.append(event)
    return DisplayCalls(calls[:limit], last)


def _display_desk(desk: Desk) -> dict[str, object]:
    colour = desk.palette_colour
    return {
        "number": desk.number,
        "colour": colour.key,
        "symbol": colour.symbol,
        "name": _("%(colour)s, %(shape)s")
        % {"colour": colour.name, "shape": palette.SHAPES[colour.shape]},
    }


def display_call_data(event: CallEvent) -> dict[str, object]:
    """One call as the displays get it (calls.json and the live updates), in the active language."""
    assert event.desk is not None  # display_calls leaves out calls without a desk
    return {
        "id": event.pk,
        "kind": event.kind,
        "code": event.ticket.code,
        "desk": _display_desk(event.desk),
    }


def display_groups(screen: Screen, now: datetime) -> list[GroupStatus]:
    office = screen.office
    groups = group_statuses(office, now, _open_desks(office))
    return [s for s in groups if not screen.groups or s.group.pk in screen.groups]
