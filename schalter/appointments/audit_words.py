"""The appointments app's audit actions in words (accounts/audit_words.py)."""

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from schalter.accounts.audit_words import MISSING, code_short, register
from schalter.accounts.models import AuditEvent
from schalter.appointments.models import Appointment
from schalter.offices.localtime import local_time


def _appointment(event: AuditEvent, target: models.Model | None) -> dict[str, str]:
    if not isinstance(target, Appointment) or event.office is None:
        return {"code": MISSING, "when": MISSING}
    return {
        "code": code_short(target.code),
        "when": date_format(local_time(event.office, target.start), "DATE_FORMAT"),
    }


APPOINTMENT = "staff:appointment"
for action, template in {
    "appointments.appointment.booked": _("%(actor)s booked appointment %(code)s of %(when)s"),
    "appointments.appointment.confirmed": _("%(actor)s confirmed appointment %(code)s of %(when)s"),
    "appointments.appointment.cancelled": _("%(actor)s cancelled appointment %(code)s of %(when)s"),
    "appointments.appointment.rescheduled": _("%(actor)s moved appointment %(code)s to %(when)s"),
    "appointments.appointment.arrived": _("%(actor)s marked appointment %(code)s as arrived"),
    "appointments.appointment.no_show": _("%(actor)s marked appointment %(code)s as not come"),
    "appointments.appointment.viewed": _("%(actor)s opened appointment %(code)s of %(when)s"),
}.items():
    register(action, template, fill=_appointment, url_name=APPOINTMENT)

register(
    "appointments.appointment.mass_cancelled",
    _("%(actor)s cancelled %(cancelled)s appointments at once"),
)
register("appointments.retention.purged", _("Personal data of past appointments was erased"))
register("appointments.rule.added", _("%(actor)s added times for appointments"))
register(
    "appointments.rule.ended",
    _("%(actor)s ended times for appointments on %(last_day)s"),
    url_name="staff:availability_rule",
)
register("appointments.service.set", _("%(actor)s changed how service %(service)s is offered"))
register("appointments.time.blocked", _("%(actor)s blocked time for appointments"))
register("appointments.time.unblocked", _("%(actor)s freed blocked time again"))
register("appointments.waitlist.joined", _("%(actor)s joined the waiting list"))
register("appointments.waitlist.updated", _("%(actor)s changed an entry of the waiting list"))
register("appointments.waitlist.viewed", _("%(actor)s looked at the waiting list"))
