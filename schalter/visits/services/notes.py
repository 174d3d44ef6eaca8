"""Staff's notes on a visit, and erasing a visit's personal data the day after."""

from datetime import datetime

from django.db import transaction
from django_scopes import scope

from schalter.accounts.actors import Actor
from schalter.accounts.services import audit_record
from schalter.offices.localtime import local_date
from schalter.offices.models import Office
from schalter.text import sanitise
from schalter.visits.errors import NoteTooLong
from schalter.visits.models import NOTE_MAX_LENGTH, Ticket


def valid_note(note: str) -> str:
    """The note as stored (the one rule for typed text, line breaks kept), or NoteTooLong."""
    note = sanitise(note)
    if len(note) > NOTE_MAX_LENGTH:
        raise NoteTooLong(field="note")
    return note


def ticket_note_set(*, ticket: Ticket, note: str, acting_user: Actor) -> Ticket:
    """Staff's note on a visit, for the next desk; the audit row says that, not what."""
    note = valid_note(note)
    with transaction.atomic(), scope(office=ticket.office):
        Ticket.objects.filter(pk=ticket.pk).update(note=note)
        audit_record(
            office=ticket.office,
            acting_user=acting_user,
            action="visits.ticket.noted",
            target=ticket,
            data={"code": ticket.code, "length": len(note)},
        )
    ticket.note = note
    return ticket


def tickets_personal_erase(*, office: Office, now: datetime) -> int:
    """The day after a visit, its ticket keeps no personal data: the number left for the SMS
    (closed tickets lose it at once) and staff's note. Run by the retention job."""
    day = local_date(office, now)
    with scope(office=office):
        return (
            Ticket.objects.filter(office=office, day__lt=day)
            .exclude(notify_phone="", note="")
            .update(notify_phone="", note="")
        )
