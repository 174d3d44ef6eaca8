"""The .ics file sent with every confirmation: times in the office's zone with its VTIMEZONE."""

from datetime import timedelta

from django.utils import translation
from icalendar import Calendar, Event, Timezone

from schalter.appointments.models import Appointment


def appointment_ics(appointment: Appointment) -> bytes:
    office = appointment.office
    zone = office.zone
    with translation.override(appointment.language):
        summary = translation.gettext("Appointment: %(service)s") % {
            "service": appointment.service.name_in(appointment.language)
        }
        office_name = office.name_in(appointment.language)
        description = translation.gettext("Booking code: %(code)s") % {"code": appointment.code}
    calendar = Calendar()
    calendar.add("prodid", "-//Schalter//Appointments//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    start = appointment.start.astimezone(zone)
    end = appointment.end.astimezone(zone)
    # The zone's transitions around the event, so calendars place it right across DST changes.
    calendar.add_component(
        Timezone.from_tzid(
            office.time_zone,
            first_date=start.date() - timedelta(days=366),
            last_date=end.date() + timedelta(days=366),
        )
    )
    event = Event()
    event.add("uid", f"{appointment.code}@schalter")
    event.add("dtstamp", appointment.created_at)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", summary)
    event.add("location", f"{office_name}, {office.street}, {office.postcode} {office.city}")
    event.add("description", description)
    calendar.add_component(event)
    return calendar.to_ical()
