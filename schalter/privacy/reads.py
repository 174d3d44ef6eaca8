"""Staff reads of client records, as the audit log holds them, for the data protection officer."""

from django.db.models import QuerySet

from schalter.accounts.models import AuditEvent
from schalter.callbacks.actions import PLAYED as CALLBACK_PLAYED
from schalter.callbacks.actions import VIEWED as CALLBACK_VIEWED
from schalter.offices.models import Office

# The audit actions written when staff see a client's personal data (name, contacts, notes).
APPOINTMENT_VIEWED = "appointments.appointment.viewed"
WAITLIST_VIEWED = "appointments.waitlist.viewed"
SUBJECT_EXPORTED = "privacy.subject.exported"
CLIENT_RECORD_READS = (
    APPOINTMENT_VIEWED,
    WAITLIST_VIEWED,
    SUBJECT_EXPORTED,
    CALLBACK_PLAYED,
    CALLBACK_VIEWED,
)


def record_reads(*, office: Office, limit: int = 500) -> QuerySet[AuditEvent]:
    """The newest reads of client records in `office`, newest first."""
    return AuditEvent.objects.filter(office=office, action__in=CLIENT_RECORD_READS).select_related(
        "actor"
    )[:limit]
