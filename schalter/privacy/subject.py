"""Everything an office holds about one person, found by her e-mail address, phone number or
booking code: her appointments, waiting-list entries, tickets (with notes and the number left for
a text message), and the audit rows about those records (who read or changed them, when).

Matching uses the same normalisation as booking (`appointments.identity`), so `Jane+x@Gmail.com`
finds what `jane@gmail.com` booked. Records already anonymised after retention hold nothing about
her any more and are not found."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from schalter.accounts.models import AuditEvent
from schalter.appointments.codes import code_normalise
from schalter.appointments.errors import InvalidContact
from schalter.appointments.identity import normalise_email, normalise_phone
from schalter.appointments.models import Appointment, WaitlistEntry
from schalter.offices.models import Office
from schalter.visits.models import Ticket


@dataclass(frozen=True)
class SubjectRecords:
    appointments: list[Appointment] = field(default_factory=list)
    waitlist_entries: list[WaitlistEntry] = field(default_factory=list)
    tickets: list[Ticket] = field(default_factory=list)
    audit_events: list[AuditEvent] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.appointments) + len(self.waitlist_entries) + len(self.tickets)


def subject_records(
    *, office: Office, email: str = "", phone: str = "", code: str = ""
) -> SubjectRecords:
    """What `office` holds about the person with this e-mail, phone or booking code (any one
    suffices; all given must not be blank together). Raises InvalidContact for an address or
    number that is not one."""
    email_key = normalise_email(email) if email.strip() else ""
    phone_key = normalise_phone(phone) if phone.strip() else ""
    code_key = code_normalise(code) if code.strip() else ""
    if not (email_key or phone_key or code_key):
        raise InvalidContact(field="email")
    match = Q(pk__in=[])
    if email_key:
        match |= Q(email_normalised=email_key)
    if phone_key:
        match |= Q(phone=phone_key)
    if code_key:
        match |= Q(code=code_key)
    appointments = list(
        Appointment.objects.filter(match, office=office, anonymised_at__isnull=True)
        .select_related("service")
        .order_by("start")
    )
    # Her waiting-list entries: by address, and those that became one of her appointments.
    entry_match = Q(appointment__in=appointments)
    if email_key:
        entry_match |= Q(email_normalised=email_key)
    waitlist_entries = list(
        WaitlistEntry.objects.filter(entry_match, office=office)
        .exclude(name="")
        .select_related("service")
        .order_by("created_at")
    )
    ticket_match = Q(appointment__in=appointments)
    if phone_key:
        ticket_match |= Q(notify_phone=phone_key)
    tickets = list(Ticket.objects.filter(ticket_match, office=office).order_by("created_at"))
    targets = Q(pk__in=[])
    for label, records in (
        (Appointment._meta.label_lower, appointments),
        (WaitlistEntry._meta.label_lower, waitlist_entries),
        (Ticket._meta.label_lower, tickets),
    ):
        if records:
            targets |= Q(target_type=label, target_id__in=[str(r.pk) for r in records])
    audit_events = list(
        AuditEvent.objects.filter(targets, office=office).select_related("actor").order_by("at")
    )
    return SubjectRecords(appointments, waitlist_entries, tickets, audit_events)


def _when(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def subject_export(records: SubjectRecords) -> dict[str, Any]:
    """The records as plain data for the person: every field that is about her, none that is
    only the office's bookkeeping (token hashes, idempotency keys)."""
    return {
        "appointments": [
            {
                "code": a.code,
                "service": a.service.name_in("de"),
                "status": a.status,
                "channel": a.channel,
                "start": _when(a.start),
                "end": _when(a.end),
                "persons": a.persons,
                "name": a.name,
                "email": a.email,
                "phone": a.phone,
                "language": a.language,
                "interpreter_language": a.interpreter_language,
                "created_at": _when(a.created_at),
                "confirmed_at": _when(a.confirmed_at),
                "cancelled_at": _when(a.cancelled_at),
                "reminder_sent_at": _when(a.reminder_sent_at),
            }
            for a in records.appointments
        ],
        "waitlist_entries": [
            {
                "service": e.service.name_in("de"),
                "name": e.name,
                "email": e.email,
                "language": e.language,
                "permit_expires": _when(e.permit_expires),
                "urgency": e.urgency,
                "status": e.status,
                "created_at": _when(e.created_at),
            }
            for e in records.waitlist_entries
        ],
        "tickets": [
            {
                "code": t.code,
                "day": _when(t.day),
                "state": t.state,
                "outcome": t.outcome,
                "language": t.language,
                "interpreter_language": t.interpreter_language,
                "created_at": _when(t.created_at),
                "called_at": _when(t.called_at),
                "finished_at": _when(t.finished_at),
                "notify_phone": t.notify_phone,
                "note": t.note,
            }
            for t in records.tickets
        ],
        "record_history": [
            {
                "at": _when(e.at),
                "action": e.action,
                "by": e.actor.get_full_name() or e.actor.username if e.actor else e.system_actor,
                "record": f"{e.target_type} {e.target_id}",
            }
            for e in records.audit_events
        ],
    }
