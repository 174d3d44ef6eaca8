"""On the day: the client came (arrived) or did not (no-show). A visit's check-in at the kiosk
marks arrival itself (`visits.services.ticket_check_in`); these are the staff's marks."""

from datetime import datetime

from django.db import transaction
from django_scopes import scope

from schalter.accounts.services import Actor, audit_record
from schalter.appointments import transitions
from schalter.appointments.models import Appointment, Status
from schalter.locks import bounded_lock_wait


def _mark(
    *,
    appointment: Appointment,
    step: transitions.Step,
    status: str,
    now: datetime,
    action: str,
    acting_user: Actor,
) -> None:
    office = appointment.office
    with transaction.atomic(), scope(office=office):
        bounded_lock_wait()
        locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
        transitions.require(step, locked, office, now)
        locked.status = status
        locked.save(update_fields=["status"])
        audit_record(
            office=office,
            acting_user=acting_user,
            action=action,
            target=locked,
            data={"at": now.isoformat()},
        )
    appointment.refresh_from_db()


def appointment_mark_arrived(
    *, appointment: Appointment, now: datetime, acting_user: Actor
) -> None:
    """The client is here: a confirmed appointment of today (or earlier, if noted late)."""
    _mark(
        appointment=appointment,
        step="arrived",
        status=Status.ARRIVED,
        now=now,
        action="appointments.appointment.arrived",
        acting_user=acting_user,
    )


def appointment_mark_no_show(
    *, appointment: Appointment, now: datetime, acting_user: Actor
) -> None:
    """The client did not come: a confirmed appointment whose time has begun."""
    _mark(
        appointment=appointment,
        step="no_show",
        status=Status.NO_SHOW,
        now=now,
        action="appointments.appointment.no_show",
        acting_user=acting_user,
    )
