"""An office's local date and time. Times are stored in UTC; every "which day is it at this
office" goes through here, in the office's own IANA zone (the only place that converts)."""

from datetime import date, datetime, time

from schalter.offices.models import Office


def local_time(office: Office, moment: datetime) -> datetime:
    """`moment` on the office's wall clock."""
    return moment.astimezone(office.zone)


def local_date(office: Office, moment: datetime) -> date:
    """The office's calendar day at `moment` (after 23:00 UTC it is already tomorrow in winter)."""
    return moment.astimezone(office.zone).date()


def local_midnight(office: Office, day: date) -> datetime:
    """The start of `day` at the office, as an aware datetime."""
    return datetime.combine(day, time.min, tzinfo=office.zone)
