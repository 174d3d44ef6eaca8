"""Wait anywhere: a client leaves a mobile number for one text message when her turn is near.
The messages themselves go from a task (`schalter.visits.tasks`)."""

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django_scopes import scope

from schalter.accounts.actors import Actor
from schalter.accounts.services import audit_record
from schalter.appointments.errors import InvalidContact
from schalter.appointments.identity import normalise_phone
from schalter.offices.models import Office
from schalter.visits import live
from schalter.visits.errors import InvalidMobile, WrongState
from schalter.visits.models import QUEUED_STATES, Ticket
from schalter.visits.tasks import numbers_waiting, tickets_notify_near_task


def ticket_notify_set(
    *, ticket: Ticket, phone: str = "", from_booking: bool = False, acting_user: Actor
) -> Ticket:
    """Leave a mobile number for one text message when the turn is near, so the client can wait
    outside. With `from_booking`, the number given when booking is used. Only while the ticket
    waits and before that message went; the check runs at once after commit, so a client already
    near the front gets it right away."""
    office = ticket.office
    with transaction.atomic(), scope(office=office):
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if from_booking:
            phone = locked.appointment.phone if locked.appointment else ""
        try:
            e164 = normalise_phone(phone)
        except InvalidContact:  # its message offers an e-mail address, which is no use here
            e164 = ""
        if not e164:
            raise InvalidMobile(field="phone")
        if locked.state not in QUEUED_STATES or locked.notified_at is not None:
            raise WrongState(field="phone")
        locked.notify_phone = e164
        locked.save(update_fields=["notify_phone"])
        # The number itself stays out of the audit log.
        audit_record(
            office=office,
            acting_user=acting_user,
            action="visits.ticket.notify_set",
            target=locked,
            data={"code": locked.code, "from_booking": from_booking},
        )
        notify_near_on_commit(office, locked.group_id, locked.day)
    ticket.refresh_from_db()
    return ticket


def ticket_notify_withdraw(*, ticket: Ticket, acting_user: Actor) -> Ticket:
    """Take the number back: it is erased, and no message goes."""
    office = ticket.office
    with transaction.atomic(), scope(office=office):
        if Ticket.objects.filter(pk=ticket.pk).exclude(notify_phone="").update(notify_phone=""):
            audit_record(
                office=office,
                acting_user=acting_user,
                action="visits.ticket.notify_withdrawn",
                target=ticket,
                data={"code": ticket.code},
            )
    ticket.refresh_from_db()
    return ticket


def queue_moved(office: Office, ticket: Ticket, now: datetime | None = None) -> None:
    """Once committed: the phones of the ticket and of its queue refresh, and the next clients
    in line may get their text message."""
    live.queue_changed_on_commit(ticket)
    notify_near_on_commit(office, ticket.group_id, ticket.day, now)


def notify_near_on_commit(
    office: Office, group_id: int, day: date, now: datetime | None = None
) -> None:
    """Once committed: if anyone in the group left a number, the text messages are sent by the
    task backend (a worker in production), so that a slow or broken gateway never holds up the
    desk's request. The check itself is one cheap query, and usually ends it."""

    def check() -> None:
        if numbers_waiting(office, group_id, day, now or timezone.now()).exists():
            tickets_notify_near_task.enqueue(office.pk, group_id, day.isoformat())

    # robust: whatever goes wrong after the commit is logged, never turned into a failed call.
    transaction.on_commit(check, robust=True)
