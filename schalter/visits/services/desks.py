"""Desk sessions: taking a desk and leaving it."""

from datetime import datetime

from django.db import IntegrityError, OperationalError, transaction
from django_scopes import scope, scopes_disabled

from schalter.accounts.actors import Actor
from schalter.accounts.services import audit_record
from schalter.locks import bounded_lock_wait
from schalter.offices.models import Desk, Office
from schalter.visits.errors import Busy, DeskBusy, DeskTaken, NotAtDesk
from schalter.visits.models import DeskSession, Ticket, TicketState
from schalter.visits.services.wait_anywhere import queue_moved


def desk_session_open(
    *, office: Office, desk: Desk, user, now: datetime, acting_user: Actor
) -> DeskSession:
    """Take a desk. A person at another desk leaves it first; a desk someone else holds is
    refused."""
    if desk.office_id != office.pk:
        raise NotAtDesk
    try:
        with transaction.atomic(), scope(office=office):
            bounded_lock_wait()
            Desk.objects.select_for_update().get(pk=desk.pk)
            current = DeskSession.objects.filter(desk=desk, ended_at__isnull=True).first()
            if current is not None:
                if current.user_id == user.pk:
                    return current
                raise DeskTaken
            with scopes_disabled():
                mine = list(DeskSession.objects.filter(user=user, ended_at__isnull=True))
            for session in mine:
                _close(session, now, acting_user=acting_user)
            session = DeskSession.objects.create(
                office=office, desk=desk, user=user, started_at=now
            )
            audit_record(
                office=office,
                acting_user=acting_user,
                action="visits.desk.taken",
                target=session,
                data={"desk": desk.number},
            )
    except IntegrityError as error:
        raise DeskTaken from error
    except OperationalError as error:
        raise Busy from error
    return session


def _close(session: DeskSession, now: datetime, *, acting_user: Actor) -> None:
    """Leave a desk: a client called but not yet served goes back to the queue, nothing lost."""
    with scope(office=session.office):
        left = Ticket.objects.select_for_update().filter(
            desk_id=session.desk_id, state__in=(TicketState.CALLED, TicketState.PARKED)
        )
        for ticket in left:
            ticket.state = (
                TicketState.WAITING
                if ticket.state == TicketState.CALLED
                else (TicketState.TRANSFERRED)
            )
            ticket.desk = None
            ticket.call_count = 0
            ticket.save(update_fields=["state", "desk", "call_count"])
            queue_moved(session.office, ticket)
        session.ended_at = now
        session.save(update_fields=["ended_at"])
    audit_record(
        office=session.office,
        acting_user=acting_user,
        action="visits.desk.left",
        target=session,
        data={"returned": [t.code for t in left]},
    )


def desk_session_close(*, session: DeskSession, now: datetime, acting_user: Actor) -> None:
    with transaction.atomic(), scope(office=session.office):
        locked = DeskSession.objects.select_for_update().get(pk=session.pk)
        if locked.ended_at is not None:
            return
        if Ticket.objects.filter(desk_id=locked.desk_id, state=TicketState.IN_SERVICE).exists():
            raise DeskBusy
        _close(locked, now, acting_user=acting_user)
    session.refresh_from_db()
