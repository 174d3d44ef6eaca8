"""On the day: the client came (arrived) or did not (no-show). Arrival is recorded in one place,
`appointment_arrival_record`, whether staff mark it or the client checks in at a kiosk
(`visits.services.ticket_check_in`)."""

from datetime import datetime

from django.db import transaction
from django_scopes import scope

from schalter.accounts.services import Actor, audit_record
from schalter.appointments import transitions
from schalter.appointments.models import Appointment, Status
from schalter.locks import bounded_lock_wait
from schalter.offices.day_changes import day_changed
from schalter.offices.localtime import local_date
from schalter.offices.models import Office


def _status_record(
    *,
    appointment: Appointment,
    office: Office,
    step: transitions.Step,
    status: str,
    now: datetime,
    acting_user: Actor,
) -> None:
    """Set the day's status on a row locked by the caller, with its audit row."""
    transitions.require(step, appointment, office, now)
    appointment.status = status
    appointment.save(update_fields=["status"])
    audit_record(
        office=office,
        acting_user=acting_user,
        action=f"appointments.appointment.{step}",
        target=appointment,
        data={"at": now.isoformat()},
    )
    # Noted late (the client of yesterday did come after all): that day's figures change.
    day_changed(office=office, day=local_date(office, appointment.start), kind="visits", now=now)


def appointment_arrival_record(
    *, appointment: Appointment, office: Office, now: datetime, acting_user: Actor
) -> None:
    """Record that the client is here, on an appointment row the caller has locked in its
    transaction (`office` is the appointment's, passed so that nothing more is read)."""
    _status_record(
        appointment=appointment,
        office=office,
        step="arrived",
        status=Status.ARRIVED,
        now=now,
        acting_user=acting_user,
    )


def _mark(
    *,
    appointment: Appointment,
    step: transitions.Step,
    status: str,
    now: datetime,
    acting_user: Actor,
) -> None:
    office = appointment.office
    with transaction.atomic(), scope(office=office):
        bounded_lock_wait()
        locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
        _status_record(
            appointment=locked,
            office=office,
            step=step,
            status=status,
            now=now,
            acting_user=acting_user,
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
        acting_user=acting_user,
    )
