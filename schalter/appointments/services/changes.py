"""Changes to one appointment: confirming it by e-mail, cancelling it, moving it. Each takes the
appointment's row lock, asks `transitions` whether the step is allowed, and writes its audit row;
the client's e-mail leaves after the commit."""

from datetime import datetime, timedelta

from django.db import OperationalError, transaction
from django_scopes import scope

from schalter.accounts.services import Actor, audit_record
from schalter.appointments import transitions
from schalter.appointments.capabilities import confirm_links_use, link_issue
from schalter.appointments.errors import Busy, TokenInvalid
from schalter.appointments.hooks import hooks_run
from schalter.appointments.models import (
    Appointment,
    LinkPurpose,
    Seat,
    Status,
    WaitlistEntry,
    WaitlistStatus,
)
from schalter.appointments.notifications import queue_appointment_mail
from schalter.appointments.seats import channels_for
from schalter.appointments.selectors import policy_of
from schalter.appointments.services.booking import (
    offer_bookable,
    offer_policy,
    seats_claim,
    unit_starts,
    window_check,
)
from schalter.locks import bounded_lock_wait


def appointment_confirm(
    *, appointment: Appointment, confirm_token: str, now: datetime, acting_user: Actor
) -> str:
    """Confirm a pending booking (or take an offered time) with its confirmation link, which
    is spent. Returns a new manage token for the page the person is shown next."""
    office = appointment.office
    with transaction.atomic(), scope(office=office):
        bounded_lock_wait()
        locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
        seats = list(Seat.objects.select_for_update().filter(appointment=locked))
        if (
            not confirm_links_use(appointment=locked, token=confirm_token, now=now)
            or locked.status != Status.PENDING
            or not locked.hold_expires_at
            or locked.hold_expires_at < now
            or not seats
        ):
            raise TokenInvalid
        Seat.objects.filter(pk__in=[s.pk for s in seats]).update(held_until=None)
        locked.status = Status.CONFIRMED
        locked.confirmed_at = now
        locked.confirm_token_hash = ""
        locked.hold_expires_at = None
        locked.save(
            update_fields=["status", "confirmed_at", "confirm_token_hash", "hold_expires_at"]
        )
        audit_record(
            office=office,
            acting_user=acting_user,
            action="appointments.appointment.confirmed",
            target=locked,
        )
        # An accepted waiting-list offer ends the wait.
        WaitlistEntry.objects.filter(appointment=locked).update(status=WaitlistStatus.BOOKED)
        queue_appointment_mail(locked, "confirmed")
        manage_token = link_issue(appointment=locked, purpose=LinkPurpose.MANAGE, now=now)
    appointment.refresh_from_db()
    return manage_token


def seats_release(appointment: Appointment, now: datetime) -> None:
    """Let the appointment's seats go; they come back after the anti-trading delay."""
    delay = timedelta(minutes=policy_of(appointment.office).deallocation_minutes)
    Seat.objects.filter(appointment=appointment).update(
        appointment=None, held_until=None, free_from=now + delay
    )


def appointment_cancel(
    *, appointment: Appointment, now: datetime, acting_user: Actor, notify: bool = True
) -> None:
    office = appointment.office
    with transaction.atomic(), scope(office=office):
        bounded_lock_wait()
        locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
        transitions.require("cancel", locked, office, now)
        seats_release(locked, now)
        locked.status = Status.CANCELLED
        locked.cancelled_at = now
        locked.save(update_fields=["status", "cancelled_at"])
        audit_record(
            office=office,
            acting_user=acting_user,
            action="appointments.appointment.cancelled",
            target=locked,
        )
        hooks_run(  # e.g. its interpreter is told (appointments/hooks.py)
            "cancelled",
            appointment=locked,
            previous_start=locked.start,
            previous_end=locked.end,
            now=now,
            acting_user=acting_user,
        )
        if notify:
            queue_appointment_mail(locked, "cancelled")
    appointment.refresh_from_db()


def appointment_reschedule(
    *, appointment: Appointment, start: datetime, now: datetime, acting_user: Actor
) -> None:
    """Move to a new time: the new seats are taken before the old ones are let go."""
    office = appointment.office
    offered = offer_bookable(office, appointment.service, appointment.channel)
    window_check(office, offered, start, now)
    policy = offer_policy(offered)
    starts = unit_starts(offered, start, appointment.persons, policy.slot_minutes)
    try:
        with transaction.atomic(), scope(office=office):
            bounded_lock_wait()
            locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
            transitions.require("move", locked, office, now)
            old_seats = list(Seat.objects.filter(appointment=locked).values_list("pk", flat=True))
            seats_claim(
                office=office,
                service=locked.service,
                starts=starts,
                channels=channels_for(locked.channel),
                appointment=locked,
                held_until=locked.hold_expires_at,
                now=now,
            )
            delay = timedelta(minutes=policy.deallocation_minutes)
            Seat.objects.filter(pk__in=old_seats).update(
                appointment=None, held_until=None, free_from=now + delay
            )
            previous, previous_end = locked.start, locked.end
            locked.start = start
            locked.end = start + (locked.end - previous)
            locked.reminder_sent_at = None
            locked.save(update_fields=["start", "end", "reminder_sent_at"])
            audit_record(
                office=office,
                acting_user=acting_user,
                action="appointments.appointment.rescheduled",
                target=locked,
                data={"from": previous.isoformat(), "to": start.isoformat()},
            )
            hooks_run(  # e.g. its interpreter is checked again (appointments/hooks.py)
                "moved",
                appointment=locked,
                previous_start=previous,
                previous_end=previous_end,
                now=now,
                acting_user=acting_user,
            )
            queue_appointment_mail(locked, "rescheduled")
    except OperationalError as error:
        raise Busy from error
    appointment.refresh_from_db()
