"""Calling clients at a desk: call next, recall, start, finish, park, transfer, no-show. Each is
one transaction under the ticket's row lock with an audit row; every call, recall and finish also
writes a CallEvent for the displays."""

from datetime import datetime

from django.db import OperationalError, transaction
from django.db.models import ForeignKey
from django_scopes import scope

from schalter.accounts.actors import Actor
from schalter.accounts.services import audit_record
from schalter.locks import bounded_lock_wait
from schalter.offices.day_changes import day_changed
from schalter.offices.models import Desk
from schalter.visits import live
from schalter.visits.errors import Busy, DeskBusy, NoQueue, NotAtDesk, WrongState
from schalter.visits.models import (
    QUEUED_STATES,
    CallEvent,
    CallKind,
    DeskSession,
    Outcome,
    ServiceGroup,
    Ticket,
    TicketState,
)
from schalter.visits.queue_order import callable_by
from schalter.visits.races import locks_on, race_window
from schalter.visits.services.wait_anywhere import queue_moved

MAX_CALLS = 3  # a ticket called this often without the client coming is missed (ZMS default)
CLOSED_STATES = (TicketState.DONE, TicketState.MISSED)


def _event(ticket: Ticket, kind: str, now: datetime) -> None:
    event = CallEvent(office_id=ticket.office_id, ticket=ticket, kind=kind, at=now)
    if Ticket.desk.is_cached(ticket):  # type: ignore[attr-defined]
        event.desk = ticket.desk  # publishing describes the desk: no need to read it again
    else:
        event.desk_id = ticket.desk_id
    event.save(force_insert=True)
    live.publish_on_commit(event)


def _open_session(session: DeskSession) -> DeskSession:
    locked = DeskSession.objects.select_for_update().select_related("desk").get(pk=session.pk)
    if locked.ended_at is not None:
        raise NotAtDesk
    if DeskSession.office.is_cached(session):  # type: ignore[attr-defined]
        locked.office = locked.desk.office = session.office  # the same row: no need to read it
    return locked


def ticket_call_next(
    *, desk_session: DeskSession, now: datetime, acting_user: Actor
) -> Ticket | None:
    """Call the first ticket in priority order that no other desk is calling right now; None
    when nobody waits. Rows other desks hold are skipped, never waited for or shared."""
    office = desk_session.office
    try:
        with transaction.atomic(), scope(office=office):
            bounded_lock_wait()
            session = _open_session(desk_session)
            desk = session.desk
            if Ticket.objects.filter(
                desk=desk, state__in=(TicketState.CALLED, TicketState.IN_SERVICE)
            ).exists():
                raise DeskBusy
            candidates = callable_by(desk, now)
            if locks_on():  # off only to show that the race tests fail without it
                candidates = candidates.select_for_update(skip_locked=True, of=("self",))
            ticket = candidates.first()
            if ticket is None:
                return None
            race_window()
            ticket.state = TicketState.CALLED
            ticket.desk = desk
            ticket.called_at = now
            ticket.first_called_at = ticket.first_called_at or now
            ticket.call_count = 1
            ticket.save(
                update_fields=["state", "desk", "called_at", "first_called_at", "call_count"]
            )
            _event(ticket, CallKind.CALL, now)
            queue_moved(office, ticket, now)
            audit_record(
                office=office,
                acting_user=acting_user,
                action="visits.ticket.called",
                target=ticket,
                data={"code": ticket.code, "desk": desk.number},
            )
    except OperationalError as error:
        raise Busy from error
    return ticket


def _at_desk(session: DeskSession, ticket: Ticket, states: tuple[str, ...]) -> Ticket:
    """The ticket locked, if it is at this desk in one of these states."""
    open_session = _open_session(session)
    locked = Ticket.objects.select_for_update().filter(pk=ticket.pk, office=session.office).first()
    if locked is None or locked.desk_id != session.desk_id:
        raise NotAtDesk
    if locked.state not in states:
        raise WrongState
    locked.desk = open_session.desk  # the same desk, already read
    return locked


def _copy_state(ticket: Ticket, saved: Ticket) -> None:
    """What `ticket.refresh_from_db()` would do, from the row just saved instead of a query."""
    for field in Ticket._meta.concrete_fields:
        value = getattr(saved, field.attname)
        changed = getattr(ticket, field.attname) != value
        setattr(ticket, field.attname, value)  # a changed foreign key drops the related object
        if isinstance(field, ForeignKey) and changed and field.is_cached(saved):
            field.set_cached_value(ticket, field.get_cached_value(saved))


def _step(
    *,
    desk_session: DeskSession,
    ticket: Ticket,
    states: tuple[str, ...],
    action: str,
    now: datetime,
    acting_user: Actor,
    change,
) -> Ticket:
    try:
        with transaction.atomic(), scope(office=desk_session.office):
            bounded_lock_wait()
            locked = _at_desk(desk_session, ticket, states)
            fields, data = change(locked)
            if locked.state in CLOSED_STATES and locked.notify_phone:
                locked.notify_phone = ""  # the number was only for this visit
                fields = [*fields, "notify_phone"]
            locked.save(update_fields=fields)
            if locked.state in QUEUED_STATES:  # sent on to a queue: it joined one
                queue_moved(desk_session.office, locked)
            else:  # started, finished, parked, recalled, missed: nobody waiting moved
                live.queue_changed_on_commit(locked, queue_moved=False)
            audit_record(
                office=desk_session.office,
                acting_user=acting_user,
                action=action,
                target=locked,
                data={"code": locked.code, "state": locked.state, **data},
            )
            # A ticket of a day gone by (served past midnight): that day's figures change.
            day_changed(office=desk_session.office, day=locked.day, kind="visits", now=now)
    except OperationalError as error:
        raise Busy from error
    _copy_state(ticket, locked)
    return ticket


def _missed(t: Ticket, now: datetime) -> list[str]:
    """The client did not come: the ticket leaves the queue. Returns the fields changed."""
    t.state = TicketState.MISSED
    t.finished_at = now
    _event(t, CallKind.MISSED, now)
    return ["state", "finished_at"]


def ticket_recall(
    *, desk_session: DeskSession, ticket: Ticket, now: datetime, acting_user: Actor
) -> Ticket:
    """Call again; a ticket already called MAX_CALLS times is missed instead."""

    def change(t: Ticket):
        if t.state == TicketState.CALLED and t.call_count >= MAX_CALLS:
            return _missed(t, now), {"missed": True}
        t.call_count = 1 if t.state == TicketState.PARKED else t.call_count + 1
        t.state = TicketState.CALLED
        t.called_at = now
        _event(t, CallKind.RECALL, now)
        return ["state", "call_count", "called_at"], {"calls": t.call_count}

    return _step(
        desk_session=desk_session,
        ticket=ticket,
        states=(TicketState.CALLED, TicketState.PARKED),
        action="visits.ticket.recalled",
        now=now,
        acting_user=acting_user,
        change=change,
    )


def ticket_start(
    *, desk_session: DeskSession, ticket: Ticket, now: datetime, acting_user: Actor
) -> Ticket:
    def change(t: Ticket):
        t.state = TicketState.IN_SERVICE
        t.started_at = t.started_at or now
        return ["state", "started_at"], {}

    return _step(
        desk_session=desk_session,
        ticket=ticket,
        states=(TicketState.CALLED,),
        action="visits.ticket.started",
        now=now,
        acting_user=acting_user,
        change=change,
    )


def ticket_finish(
    *,
    desk_session: DeskSession,
    ticket: Ticket,
    outcome: str,
    now: datetime,
    acting_user: Actor,
) -> Ticket:
    if outcome not in Outcome.values:
        raise WrongState(field="outcome")

    def change(t: Ticket):
        t.state = TicketState.DONE
        t.outcome = outcome
        t.finished_at = now
        _event(t, CallKind.FINISH, now)
        return ["state", "outcome", "finished_at"], {"outcome": outcome}

    return _step(
        desk_session=desk_session,
        ticket=ticket,
        states=(TicketState.IN_SERVICE,),
        action="visits.ticket.finished",
        now=now,
        acting_user=acting_user,
        change=change,
    )


def ticket_park(
    *, desk_session: DeskSession, ticket: Ticket, now: datetime, acting_user: Actor
) -> Ticket:
    """The client steps out (to fetch a document); the desk recalls her later."""

    def change(t: Ticket):
        t.state = TicketState.PARKED
        return ["state"], {}

    return _step(
        desk_session=desk_session,
        ticket=ticket,
        states=(TicketState.CALLED, TicketState.IN_SERVICE),
        action="visits.ticket.parked",
        now=now,
        acting_user=acting_user,
        change=change,
    )


def ticket_transfer(
    *,
    desk_session: DeskSession,
    ticket: Ticket,
    now: datetime,
    to_desk: Desk | None = None,
    to_group: ServiceGroup | None = None,
    acting_user: Actor,
) -> Ticket:
    """Send the client on to another desk or another group's queue, ahead of new arrivals."""
    office = desk_session.office
    if (to_desk is None) == (to_group is None):
        raise WrongState(field="to")
    if to_desk is not None and (
        to_desk.office_id != office.pk or to_desk.pk == desk_session.desk_id
    ):
        raise NotAtDesk(field="to")
    if to_group is not None and to_group.office_id != office.pk:
        raise NoQueue(field="to")

    def change(t: Ticket):
        t.state = TicketState.TRANSFERRED
        t.desk = to_desk
        if to_group is not None:
            t.group = to_group
        t.call_count = 0
        data: dict[str, object] = {
            "to_desk": to_desk.number if to_desk else None,
            "to_group": to_group.prefix if to_group else None,
        }
        return ["state", "desk", "group", "call_count"], data

    return _step(
        desk_session=desk_session,
        ticket=ticket,
        states=(TicketState.CALLED, TicketState.IN_SERVICE, TicketState.PARKED),
        action="visits.ticket.transferred",
        now=now,
        acting_user=acting_user,
        change=change,
    )


def ticket_no_show(
    *, desk_session: DeskSession, ticket: Ticket, now: datetime, acting_user: Actor
) -> Ticket:
    def change(t: Ticket):
        return _missed(t, now), {}

    return _step(
        desk_session=desk_session,
        ticket=ticket,
        states=(TicketState.CALLED, TicketState.PARKED),
        action="visits.ticket.no_show",
        now=now,
        acting_user=acting_user,
        change=change,
    )
