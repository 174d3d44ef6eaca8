"""Which steps an appointment allows now, and why not: cancel, move, mark as arrived, mark as
absent. Pure (no queries): the services ask it under their row lock and raise its refusal; the
staff pages ask it which buttons to show."""

from datetime import datetime
from typing import Literal

from django.utils.translation import gettext_lazy as _

from schalter.appointments.errors import NotChangeable
from schalter.appointments.models import ACTIVE_STATUSES, Appointment, Status
from schalter.offices.localtime import local_date
from schalter.offices.models import Office

Step = Literal["move", "cancel", "arrived", "no_show"]
STEPS: tuple[Step, ...] = ("move", "cancel", "arrived", "no_show")
MOVABLE_STATUSES = (Status.PENDING, Status.CONFIRMED)


def refusal(
    step: Step, appointment: Appointment, office: Office, now: datetime
) -> NotChangeable | None:
    """Why `step` is not allowed for the appointment at `now` (None: it is). `office` is the
    appointment's office, passed so that nothing is read."""
    begun = appointment.start <= now
    if step == "cancel":
        return None if appointment.status in ACTIVE_STATUSES and not begun else NotChangeable()
    if step == "move":
        return None if appointment.status in MOVABLE_STATUSES and not begun else NotChangeable()
    # Arrived and absent: marks on a confirmed appointment of today (or earlier, if noted late).
    if appointment.status != Status.CONFIRMED:
        return NotChangeable(_("Only confirmed appointments can be marked."))
    if local_date(office, appointment.start) > local_date(office, now):
        return NotChangeable(_("Only appointments of today or earlier can be marked."))
    if step == "no_show" and not begun:
        return NotChangeable(_("A client can be marked as absent only once her time has begun."))
    return None


def require(step: Step, appointment: Appointment, office: Office, now: datetime) -> None:
    """Raise the refusal of `step`, if any (services call it on the locked row)."""
    refused = refusal(step, appointment, office, now)
    if refused is not None:
        raise refused


def allowed(appointment: Appointment, office: Office, now: datetime) -> dict[str, bool]:
    """Every step and whether it is allowed now (the services check again under lock)."""
    return {step: refusal(step, appointment, office, now) is None for step in STEPS}
