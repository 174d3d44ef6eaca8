"""Issuing tickets: walk-ins at a kiosk or the front desk, and check-in with a booking code.
Numbers are counted per group and day under the counter's row lock, with a unique code as the
backstop (docs/locking.md)."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, OperationalError, connection, transaction
from django_scopes import scope, scopes_disabled

from schalter.accounts.actors import Actor
from schalter.accounts.services import audit_record
from schalter.appointments.codes import code_normalise
from schalter.appointments.models import Appointment, Status
from schalter.appointments.services import appointment_arrival_record
from schalter.locks import bounded_lock_wait
from schalter.offices import selectors as office_selectors
from schalter.offices.localtime import local_date, local_time
from schalter.offices.models import Office
from schalter.offices.parts import uses
from schalter.tokens import token_hash
from schalter.visits import live
from schalter.visits.capabilities import ticket_token_new
from schalter.visits.errors import (
    AlreadyCheckedIn,
    Busy,
    CodeNotConfirmed,
    CodeOtherDay,
    CodeOtherOffice,
    CodeUnknown,
    NoQueue,
    OfficeClosed,
    QuotaReached,
    WalkInsNotAllowed,
)
from schalter.visits.models import (
    Kiosk,
    Priority,
    ServiceGroup,
    Ticket,
    TicketCounter,
    TicketLink,
)
from schalter.visits.parts import QUEUE
from schalter.visits.races import locks_on, race_window
from schalter.visits.selectors import group_for_service
from schalter.visits.services.notes import valid_note
from schalter.visits.wait_estimates import ticket_position


@dataclass(frozen=True)
class Issued:
    ticket: Ticket
    token: str  # opens the ticket's live page; random, only its hash is kept: hand it on now
    created: bool  # False when a repeated POST returned the ticket issued before


def _repeat(kiosk: Kiosk | None, issue_key: str) -> Ticket | None:
    if kiosk is None or not issue_key:
        return None
    with scopes_disabled():
        return Ticket.objects.filter(kiosk=kiosk, issue_key=issue_key).first()


def _counted_on(table: str, lock: str) -> str:
    """One statement: read the group's counter for the day (under a row lock, `lock`) and write
    what was read plus one. The lock makes the read wait for an issue still under way."""
    return (
        f"WITH current AS (SELECT id, last_number FROM {table}"  # noqa: S608
        f" WHERE office_id = %s AND group_id = %s AND day = %s{lock})"
        f" UPDATE {table} SET last_number = (SELECT last_number FROM current) + 1"
        " WHERE id = (SELECT id FROM current) RETURNING last_number"
    )


def _next_number(office: Office, group: ServiceGroup, day: date) -> int:
    """Count the group's day on, or start it at 1, under the counter's row lock, which the
    caller's transaction keeps until it ends: every issue of this group and day waits here for
    the one before (and its quota counts after it). Two first issues of a day both trying to
    start the counter: one inserts it, the other counts it on."""
    table = connection.ops.quote_name(TicketCounter._meta.db_table)
    lock = " FOR UPDATE" if connection.features.has_select_for_update and locks_on() else ""
    key = [office.pk, group.pk, connection.ops.adapt_datefield_value(day)]
    with connection.cursor() as cursor:
        while True:
            cursor.execute(_counted_on(table, lock), key)
            if (row := cursor.fetchone()) is not None:
                return row[0]
            cursor.execute(
                f"INSERT INTO {table} (office_id, group_id, day, last_number)"  # noqa: S608
                " VALUES (%s, %s, %s, 1) ON CONFLICT (office_id, group_id, day) DO NOTHING"
                " RETURNING last_number",
                key,
            )
            if (row := cursor.fetchone()) is not None:
                return row[0]


def _issue(
    *,
    office: Office,
    group: ServiceGroup,
    now: datetime,
    language: str,
    priority: int,
    kiosk: Kiosk | None,
    issue_key: str,
    acting_user: Actor,
    appointment: Appointment | None = None,
    walk_in: bool,
    note: str = "",
    token: str,
    interpreter_language: str = "",
) -> Ticket:
    """Take the next number of the group's day under the counter's row lock and create the
    ticket, its page opened by `token`. Runs inside the caller's transaction and scope."""
    day = local_date(office, now)
    number = _next_number(office, group, day)
    race_window()
    if walk_in and group.daily_walk_in_quota:
        issued = Ticket.objects.filter(
            office=office, group=group, day=day, appointment__isnull=True
        ).count()
        if issued >= group.daily_walk_in_quota:
            raise QuotaReached  # the caller's transaction rolls the number back
    ticket = Ticket.objects.create(
        office=office,
        group=group,
        number=number,
        code=f"{group.prefix}-{number:03d}",
        day=day,
        priority=priority,
        appointment=appointment,
        service=appointment.service if appointment else None,
        interpreter_language=appointment.interpreter_language
        if appointment
        else interpreter_language,
        token_hash=token_hash(token),
        kiosk=kiosk,
        issue_key=issue_key if kiosk else "",
        language=language,
        note=note,
        created_at=now,
    )
    audit_record(
        office=office,
        acting_user=acting_user,
        action="visits.ticket.checked_in" if appointment else "visits.ticket.issued",
        target=ticket,
        data={"code": ticket.code, "kiosk": kiosk.public_id if kiosk else "", "note": len(note)},
    )
    # Once committed, the desks calling from the group count one more. A plain walk-in joins at
    # the end; one that goes ahead (an appointment due, a priority) moves the phones behind it.
    live.queue_changed_on_commit(
        ticket, queue_moved=appointment is not None or priority != Priority.NORMAL
    )
    return ticket


def ticket_link_issue(*, ticket: Ticket) -> str:
    """One more token that opens the ticket's live page, for an answer that needs it after the
    issuing call handed out the first; those handed out before keep working."""
    token = ticket_token_new()
    with scope(office=ticket.office_id):
        TicketLink.objects.create(ticket=ticket, token_hash=token_hash(token))
    return token


def _repeated(ticket: Ticket) -> Issued:
    """A repeated POST of the same kiosk form answers with the ticket issued before. Its first
    token went to the first answer only, so this answer carries a new one."""
    return Issued(ticket, ticket_link_issue(ticket=ticket), False)


def _new(ticket: Ticket, token: str, now: datetime) -> Issued:
    """A ticket just committed, with the expected wait it was told stored to measure the
    estimate later. Worked out after the commit, so other kiosks do not wait on the counter's
    lock meanwhile."""
    ticket.predicted_wait_minutes = ticket_position(ticket, now).expected_wait_minutes
    with scope(office=ticket.office_id):
        Ticket.objects.filter(pk=ticket.pk).update(
            predicted_wait_minutes=ticket.predicted_wait_minutes
        )
    return Issued(ticket, token, True)


def ticket_issue_walk_in(
    *,
    office: Office,
    group: ServiceGroup,
    now: datetime,
    language: str = "de",
    priority: int = Priority.NORMAL,
    kiosk: Kiosk | None = None,
    issue_key: str = "",
    note: str = "",
    interpreter_language: str = "",
    acting_user: Actor,
) -> Issued:
    """A walk-in ticket, during opening hours and within the group's daily quota, in an office
    that uses the walk-in queue (offices/parts.py). `interpreter_language`: the wish chosen at
    the kiosk (a code of the one list, checked by the form)."""
    note = valid_note(note)
    if (repeated := _repeat(kiosk, issue_key)) is not None:
        return _repeated(repeated)
    if group.office_id != office.pk:
        raise NoQueue
    if not group.walk_ins_allowed or not uses(office, QUEUE):
        raise WalkInsNotAllowed
    local = local_time(office, now)
    today = office_selectors.week_schedule(office, local.date(), "de", days=1)[0]
    if not today.is_open or not any(p.opens <= local.time() < p.closes for p in today.periods):
        raise OfficeClosed
    try:
        token = ticket_token_new()
        with transaction.atomic(), scope(office=office):
            bounded_lock_wait()
            ticket = _issue(
                office=office,
                group=group,
                now=now,
                language=language,
                priority=priority,
                kiosk=kiosk,
                issue_key=issue_key,
                acting_user=acting_user,
                walk_in=True,
                note=note,
                token=token,
                interpreter_language=interpreter_language[:10],
            )
    except IntegrityError as error:
        if (repeated := _repeat(kiosk, issue_key)) is not None:
            return _repeated(repeated)
        raise Busy from error
    except OperationalError as error:
        raise Busy from error
    return _new(ticket, token, now)


def ticket_check_in(
    *,
    office: Office,
    code: str,
    now: datetime,
    language: str = "de",
    kiosk: Kiosk | None = None,
    issue_key: str = "",
    note: str = "",
    acting_user: Actor,
) -> Issued:
    """Check in with a booking code: a confirmed appointment of this office, today, once."""
    note = valid_note(note)
    if (repeated := _repeat(kiosk, issue_key)) is not None:
        return _repeated(repeated)
    code = code_normalise(code)
    with scopes_disabled():
        found = Appointment.objects.filter(code=code).select_related("service").first()
    if found is None:
        raise CodeUnknown(field="code")
    if found.office_id != office.pk:
        raise CodeOtherOffice(field="code")
    if local_date(office, found.start) != local_date(office, now):
        raise CodeOtherDay(field="code")
    group = group_for_service(office, found.service)
    token = ticket_token_new()
    try:
        with transaction.atomic(), scope(office=office):
            bounded_lock_wait()
            appointment = Appointment.objects.select_for_update().get(pk=found.pk)
            if Ticket.objects.filter(appointment=appointment).exists():
                raise AlreadyCheckedIn(field="code")
            if appointment.status != Status.CONFIRMED:
                raise CodeNotConfirmed(field="code")
            ticket = _issue(
                office=office,
                group=group,
                now=now,
                language=language,
                priority=Priority.NORMAL,
                kiosk=kiosk,
                issue_key=issue_key,
                acting_user=acting_user,
                appointment=appointment,
                walk_in=False,
                note=note,
                token=token,
            )
            appointment_arrival_record(
                appointment=appointment, office=office, now=now, acting_user=acting_user
            )
    except IntegrityError as error:
        if (repeated := _repeat(kiosk, issue_key)) is not None:
            return _repeated(repeated)
        raise AlreadyCheckedIn(field="code") from error
    except OperationalError as error:
        raise Busy from error
    return _new(ticket, token, now)
