"""Reminders before the day: e-mail, and a text message where a mobile number was given."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import formats, translation
from django_scopes import scope

from schalter.appointments.models import Appointment, Status
from schalter.appointments.notifications import queue_appointment_mail
from schalter.appointments.selectors import policy_of
from schalter.offices.localtime import local_time
from schalter.offices.models import Office
from schalter.sms import send_sms


def reminder_text(appointment: Appointment) -> str:
    start = local_time(appointment.office, appointment.start)
    with translation.override(appointment.language):
        return translation.gettext(
            "Reminder: %(service)s on %(day)s at %(time)s, %(office)s. Code %(code)s"
        ) % {
            "service": appointment.service.name_in(appointment.language),
            "day": formats.date_format(start, "SHORT_DATE_FORMAT"),
            "time": start.strftime("%H:%M"),
            "office": appointment.office.name_in(appointment.language),
            "code": appointment.code,
        }


def reminders_send(*, office: Office, now: datetime) -> int:
    """Remind every confirmed appointment that starts within the office's reminder lead time,
    once. Returns how many were reminded."""
    lead = timedelta(hours=policy_of(office).reminder_hours)
    with scope(office=office):
        due = list(
            Appointment.objects.filter(
                office=office,
                status=Status.CONFIRMED,
                reminder_sent_at__isnull=True,
                start__gt=now,
                start__lte=now + lead,
            ).select_related("office", "service")
        )
        for appointment in due:
            # Marked and queued together: the mail task goes out exactly once, and waits for an
            # SMTP server that is away (schalter/mail/services.py).
            with transaction.atomic():
                Appointment.objects.filter(pk=appointment.pk).update(reminder_sent_at=now)
                queue_appointment_mail(appointment, "reminder")
            if appointment.phone:
                send_sms(to=appointment.phone, text=reminder_text(appointment))
    return len(due)
