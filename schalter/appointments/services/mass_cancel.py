"""Cancelling a whole day (or part of it) by the office: office closed, colleagues ill."""

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db import OperationalError, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_scopes import scope

from schalter.accounts.services import Actor, audit_record
from schalter.appointments import calendar_selectors, selectors
from schalter.appointments.errors import Busy, NotChangeable, PlanningError
from schalter.appointments.models import Appointment, CancellationReason, TimeBlock
from schalter.appointments.notifications import queue_appointment_mail
from schalter.appointments.services.blocks import time_block_add
from schalter.appointments.services.changes import appointment_cancel
from schalter.locks import bounded_lock_wait
from schalter.offices.localtime import local_date, local_time
from schalter.offices.models import Office

ALTERNATIVES_OFFERED = 3

# The reasons and their texts (the labels of `CancellationReason`), by key.
CANCELLATION_REASONS: dict[str, Promise] = {
    reason.value: reason.label for reason in CancellationReason
}


@dataclass
class MassCancellation:
    cancelled: list[Appointment] = field(default_factory=list)
    notified: list[Appointment] = field(default_factory=list)  # an e-mail is on its way
    unreachable: list[Appointment] = field(default_factory=list)  # no e-mail: call them
    skipped: int = 0  # changed by someone else meanwhile
    block: TimeBlock | None = None


def _alternatives(
    office: Office, appointment: Appointment, now: datetime, cache: dict
) -> list[datetime]:
    """The earliest free online times for her service and party, in the office's zone."""
    key = (appointment.service_id, appointment.persons)
    if key not in cache:
        offered = selectors.offered_service(office, appointment.service_id)
        found: list[datetime] = []
        if offered is not None:
            today = local_date(office, now)
            # Uncached on purpose: the 1-second availability cache may predate the new block.
            free = selectors.free_times(
                office, offered, today, now=now, persons=appointment.persons, cached=False
            )
            found = [local_time(office, t.start) for t in free[:ALTERNATIVES_OFFERED]]
        cache[key] = found
    return cache[key]


def appointments_cancel_by_office(
    *,
    office: Office,
    day: date,
    start_time: time | None = None,
    end_time: time | None = None,
    reason: str,
    now: datetime,
    acting_user: Actor,
) -> MassCancellation:
    """Cancel every active appointment of a day (or part of it) that has not begun, block that
    time, and write to each client in her language with the earliest free times for her
    service. All or nothing: the mails leave only after the commit."""
    if reason not in CancellationReason:
        raise PlanningError(field="reason")
    window = calendar_selectors.cancellation_window(office, day, start_time, end_time, now=now)
    start, end = window.start, window.end
    if not start < end:
        raise PlanningError(_("The end must be after the start."), field="end_time")
    if end <= now:
        raise PlanningError(_("This time has already passed."), field="day")
    result = MassCancellation()
    alternatives_cache: dict = {}
    reason_text = CancellationReason(reason).label
    try:
        with transaction.atomic(), scope(office=office):
            bounded_lock_wait()
            targets = list(calendar_selectors.cancellable_appointments(office, start, end, now=now))
            result.block = time_block_add(
                office=office,
                start=window.block_start,
                end=end,
                reason=str(reason_text),
                now=now,
                acting_user=acting_user,
            ).block
            for appointment in targets:
                try:
                    appointment_cancel(
                        appointment=appointment, now=now, acting_user=acting_user, notify=False
                    )
                except NotChangeable:
                    result.skipped += 1
                    continue
                result.cancelled.append(appointment)
                if not appointment.email:
                    result.unreachable.append(appointment)
                    continue
                extra = {
                    "reason_key": reason,  # translated into her language when the mail renders
                    "alternatives": _alternatives(office, appointment, now, alternatives_cache),
                }
                queue_appointment_mail(appointment, "cancelled_by_office", extra)
                result.notified.append(appointment)
            audit_record(
                office=office,
                acting_user=acting_user,
                action="appointments.appointment.mass_cancelled",
                target=result.block,
                data={
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                    "reason": reason,
                    "cancelled": len(result.cancelled),
                    "notified": len(result.notified),
                    "skipped": result.skipped,
                },
            )
    except OperationalError as error:
        raise Busy from error
    return result
