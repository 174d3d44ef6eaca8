"""Reads about visits, always for one office: the dashboard, desks, kiosks, screens and what the
displays show. The queue order and the wait estimates are read modules of their own
(`queue_order`, `wait_estimates`); their names are importable from here too."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import mean

from django.db.models import Count, Q
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from schalter.catalog.models import Service
from schalter.languages import BY_CODE, LANGUAGES
from schalter.offices import palette
from schalter.offices.localtime import local_date
from schalter.offices.models import Desk, Office
from schalter.offices.selectors import owned_by
from schalter.tokens import token_hash
from schalter.visits.errors import NoQueue
from schalter.visits.models import (
    QUEUED_STATES,
    CallEvent,
    CallKind,
    DeskSession,
    Kiosk,
    Screen,
    ServiceGroup,
    Ticket,
    TicketLink,
    TicketState,
)
from schalter.visits.queue_order import queue_of as queue_of
from schalter.visits.queue_order import served_groups
from schalter.visits.wait_estimates import CLOSE_ENOUGH_MINUTES as CLOSE_ENOUGH_MINUTES
from schalter.visits.wait_estimates import FALLBACK_SERVICE_MINUTES as FALLBACK_SERVICE_MINUTES
from schalter.visits.wait_estimates import Position as Position
from schalter.visits.wait_estimates import WaitEstimates as WaitEstimates
from schalter.visits.wait_estimates import expected_wait as expected_wait
from schalter.visits.wait_estimates import (
    mean_service_minutes,
    open_desk_count,
    queue_wait,
    served_minutes,
    wait_said,
)
from schalter.visits.wait_estimates import prediction_errors as prediction_errors
from schalter.visits.wait_estimates import ticket_position as ticket_position
from schalter.visits.wait_estimates import wait_estimates as wait_estimates


def groups_of(office: Office, with_services: bool = True) -> list[ServiceGroup]:
    with scope(office=office):
        groups = ServiceGroup.objects.filter(office=office)
        return list(groups.prefetch_related("services") if with_services else groups)


def active_desks(office: Office) -> list[Desk]:
    """The desks in use, for taking one or transferring a client to one."""
    with scope(office=office):
        return list(Desk.objects.filter(office=office, active=True).select_related("location"))


def group_get(office: Office, pk: int | str) -> ServiceGroup:
    return owned_by(office, ServiceGroup, pk=pk)


def group_for_service(office: Office, service: Service) -> ServiceGroup:
    """The queue a booked service's clients join: the first group offering it, else the first
    group; NoQueue without any."""
    with scope(office=office):
        groups = list(ServiceGroup.objects.filter(office=office).prefetch_related("services"))
    for group in groups:
        if any(s.pk == service.pk for s in group.services.all()):
            return group
    if not groups:
        raise NoQueue
    return groups[0]


def kiosks_of(office: Office) -> list[Kiosk]:
    """All of the office's kiosks, those out of use too, for the staff list."""
    with scope(office=office):
        return list(Kiosk.objects.filter(office=office))


def kiosk_by_pk(office: Office, pk: int) -> Kiosk:
    """A kiosk for staff to edit, in use or not."""
    return owned_by(office, Kiosk, pk=pk)


def kiosk_get(office: Office, public_id: str) -> Kiosk:
    """A kiosk in use, by the id in its address."""
    return owned_by(office, Kiosk, public_id=public_id, active=True)


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
    """The ticket whose live page `token` opens: its first token (one query), else one handed
    out later (`TicketLink`); 404 alike for an unknown token and another office's."""
    hashed = token_hash(token)
    related = ("group", "desk", "desk__location")
    try:
        return owned_by(office, Ticket, None, *related, token_hash=hashed)
    except Http404:
        with scope(office=office):
            linked = TicketLink.objects.filter(token_hash=hashed).values("ticket_id")
        return owned_by(office, Ticket, None, *related, pk__in=linked)


def local_day(office: Office, now: datetime) -> date:
    return local_date(office, now)


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


@dataclass(frozen=True)
class DeskQueue:
    """A queue a desk calls from, with the clients in it that this desk could call now."""

    group: ServiceGroup
    waiting: int


def desk_queues(desk: Desk, now: datetime) -> list[DeskQueue]:
    """The queues this desk calls from (`queue_order.served_groups`) and, per queue, the
    clients "call next" could reach: waiting today, not transferred to another desk (the
    tickets `queue_order.callable_by` offers). One query, however many queues."""
    office = desk.office
    reachable = Q(
        tickets__day=local_date(office, now),
        tickets__state__in=QUEUED_STATES,
    ) & (Q(tickets__desk__isnull=True) | Q(tickets__desk=desk))
    with scope(office=office):
        groups = served_groups(desk).annotate(waiting=Count("tickets", filter=reachable))
        return [DeskQueue(group, group.waiting) for group in groups]  # type: ignore[attr-defined]


def desks_served_groups(desks: list[Desk]) -> dict[int, list[ServiceGroup]]:
    """Per desk id, the queues the desk calls from: what the desk picker says each desk serves.
    One query per desk (an office has a few dozen at most)."""
    return {desk.pk: list(served_groups(desk)) for desk in desks}


TRAFFIC_GREEN_MINUTES = 20
TRAFFIC_RED_MINUTES = 45


@dataclass(frozen=True)
class GroupStatus:
    group: ServiceGroup
    waiting: int
    expected_wait_minutes: int  # that of the last client in the queue (`queue_wait`)
    light: str  # green, yellow, red

    @property
    def wait_said(self) -> str:
        """The expected wait in words, in the active language (`wait_said`)."""
        return wait_said(self.expected_wait_minutes)


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
    wait of the last of them (`queue_wait`) and traffic light."""
    day = local_day(office, now)
    waiting = waiting_counts(office, day)
    served = served_minutes(office, day)
    statuses = []
    for group in groups_of(office):
        count = waiting.get(group.pk, 0)
        minutes = queue_wait(count, open_desks, mean_service_minutes(office, group, day, served))
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


def screens_of(office: Office) -> list[Screen]:
    """All of the office's screens, switched off ones too, for the staff list."""
    with scope(office=office):
        return list(Screen.objects.filter(office=office))


def screen_by_pk(office: Office, pk: int) -> Screen:
    """A screen for staff to edit, active or not."""
    return owned_by(office, Screen, pk=pk)


def desk_floors(office: Office) -> list[int]:
    """The floors the office's desks are on: what a screen may be limited to."""
    with scope(office=office):
        return sorted(set(Desk.objects.filter(office=office).values_list("floor", flat=True)))


def screen_get(office: Office, public_id: str) -> Screen:
    """A screen in use, by the id in its address."""
    return owned_by(office, Screen, public_id=public_id, active=True)


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


# A call display speaks German and at most this many of the office's languages, so its labels
# still fit on the screen.
DISPLAY_EXTRA_LANGUAGES = 3


def display_languages(office: Office) -> list[str]:
    """The languages of an office's call displays besides German: its first served ones."""
    served = [c for c in office.languages_served if c in BY_CODE and c != "de"]
    return served[:DISPLAY_EXTRA_LANGUAGES]


def desk_colour_names(desk: Desk, languages: Sequence[str] | None) -> list[dict[str, object]]:
    """The desk's colour and shape ("blue, circle") in German and each of `languages` (where
    it reads differently), each with its language and direction, for the displays; in every
    language for None (a live call, sent once to displays of any language: each picks its own)."""
    colour = desk.palette_colour
    lines: list[dict[str, object]] = []
    codes = [language.code for language in LANGUAGES] if languages is None else languages
    for code in ["de", *(c for c in codes if c != "de")]:
        with translation.override(code):
            said = _("%(colour)s, %(shape)s") % {
                "colour": colour.name,
                "shape": palette.SHAPES[colour.shape],
            }
        if languages is None or all(line["text"] != said for line in lines):
            language = BY_CODE[code]
            lines.append({"lang": language.html_lang, "rtl": language.bidi, "text": said})
    return lines


def _display_desk(desk: Desk, languages: Sequence[str] | None) -> dict[str, object]:
    colour = desk.palette_colour
    return {
        "number": desk.number,
        "colour": colour.key,
        "symbol": colour.symbol,
        "name": _("%(colour)s, %(shape)s")
        % {"colour": colour.name, "shape": palette.SHAPES[colour.shape]},
        "names": desk_colour_names(desk, languages),
    }


def display_call_data(
    event: CallEvent, languages: Sequence[str] | None = None
) -> dict[str, object]:
    """One call as the displays get it (calls.json and the live updates), in the active language;
    the desk's colour also in `languages` (display_languages of the office; None: in every one,
    and each display shows those it speaks)."""
    assert event.desk is not None  # display_calls leaves out calls without a desk
    return {
        "id": event.pk,
        "kind": event.kind,
        "code": event.ticket.code,
        "desk": _display_desk(event.desk, languages),
    }


def display_groups(screen: Screen, now: datetime) -> list[GroupStatus]:
    office = screen.office
    groups = group_statuses(office, now, open_desk_count(office))
    return [s for s in groups if not screen.groups or s.group.pk in screen.groups]
