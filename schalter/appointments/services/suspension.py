"""An office suspended by the operator (offices.services.office_suspend): its appointments are
kept, and each client of one still to come is told by e-mail in her language (the mails leave
after the commit). Lives here because offices do not know appointments."""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django_scopes import scope

from schalter.accounts.actors import Actor
from schalter.appointments.models import ACTIVE_STATUSES, Appointment
from schalter.appointments.notifications import queue_appointment_mail
from schalter.offices.models import Office
from schalter.offices.services import office_suspend

SUSPENDED_MAIL = "office_suspended"


@dataclass(frozen=True)
class Suspension:
    office: Office
    told: int  # clients an e-mail is on its way to
    unreachable: int  # appointments without an e-mail address: the office calls them


@transaction.atomic
def office_suspend_and_tell(*, office: Office, now: datetime, acting_user: Actor) -> Suspension:
    already = office.suspended_at is not None
    suspended = office_suspend(office=office, now=now, acting_user=acting_user)
    told = unreachable = 0
    if not already:
        with scope(office=suspended):
            coming = Appointment.objects.filter(
                office=suspended, status__in=ACTIVE_STATUSES, start__gte=now
            ).select_related("office", "service")
            for appointment in coming:
                if not appointment.email:
                    unreachable += 1
                    continue
                queue_appointment_mail(appointment, SUSPENDED_MAIL)
                told += 1
    return Suspension(office=suspended, told=told, unreachable=unreachable)
