"""Writes for visits: issuing tickets, desk sessions and calling. Each is one transaction with an
audit row; every call, recall and finish also writes a CallEvent for the displays."""

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import (
    Case,
    Exists,
    ForeignKey,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.tasks import task
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_scopes import scope, scopes_disabled

from schalter.accounts.services import Actor, audit_record
from schalter.appointments import ratelimit
from schalter.appointments.errors import InvalidContact, RateLimited
from schalter.appointments.identity import normalise_phone
from schalter.appointments.models import Appointment, Status
from schalter.catalog.models import Service
from schalter.offices import selectors as office_selectors
from schalter.offices.models import Desk, Office
from schalter.sms import send_sms
from schalter.visits import live
from schalter.visits.errors import (
    AlreadyCheckedIn,
    Busy,
    CodeNotConfirmed,
    CodeOtherDay,
    CodeOtherOffice,
    CodeUnknown,
    DeskBusy,
    DeskTaken,
    InvalidMobile,
    NoQueue,
    NotAtDesk,
    NoteTooLong,
    OfficeClosed,
    QuotaReached,
    WalkInsNotAllowed,
    WrongState,
)
from schalter.visits.models import (
    NOTE_MAX_LENGTH,
    QUEUED_STATES,
    CallEvent,
    CallKind,
    DeskSession,
    Kiosk,
    Outcome,
    Priority,
    Screen,
    ServiceGroup,
    Ticket,
    TicketCounter,
    TicketState,
)

log = logging.getLogger(__name__)

MAX_CALLS = 3  # a ticket called this often without the client coming is missed (ZMS default)
DUE_NOW = timedelta(minutes=15)  # an appointment starting within this much is "due now"
CLOSED_STATES = (TicketState.DONE, TicketState.MISSED)
SMS_TRIES = 3  # "wait anywhere": sends tried per ticket before giving up on a failing gateway
# A claim this old with the number still set was left by a process that died before the send
# finished (a send waits at most the gateway's few seconds of timeout): the message is retried.
SMS_CLAIM_EXPIRES = timedelta(minutes=5)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def ticket_token_for(*, office_id: int, day: date, group_id: int, number: int) -> str:
    """The token of the live ticket page. Derived with the secret key, so the kiosk can print
    it again; only its hash is stored."""
    value = f"{office_id}:{day.isoformat()}:{group_id}:{number}"
    return salted_hmac("schalter.visits.ticket", value, algorithm="sha256").hexdigest()[:40]


def token_of(ticket: Ticket) -> str:
    return ticket_token_for(
        office_id=ticket.office_id, day=ticket.day, group_id=ticket.group_id, number=ticket.number
    )


def kiosk_key_for(public_id: str, version: int = 0) -> str:
    """The key that unlocks a kiosk, in its current version (`Kiosk.key_version`); only its hash
    is stored. Derived with the secret key, so an admin can always show it again."""
    value = f"{public_id}:{version}" if version else public_id
    return salted_hmac("schalter.visits.kiosk", value, algorithm="sha256").hexdigest()[:32]


def kiosk_key_valid(kiosk: Kiosk, key: str) -> bool:
    return bool(key) and secrets.compare_digest(kiosk.key_hash, token_hash(key))


def kiosk_unlock_mark(kiosk: Kiosk) -> str:
    """What a browser's session keeps for a kiosk its key unlocked: good until the key is
    renewed."""
    return f"{kiosk.public_id}:{kiosk.key_version}" if kiosk.key_version else kiosk.public_id


@transaction.atomic
def kiosk_key_renew(*, kiosk: Kiosk, acting_user: Actor = None) -> str:
    """A new key for a kiosk (its link was lost or seen by the wrong people): the old key
    unlocks nothing any more, and browsers it unlocked are locked until they open the new
    link. Returns the new key."""
    with scope(office=kiosk.office):
        locked = Kiosk.objects.select_for_update().get(pk=kiosk.pk)
        locked.key_version += 1
        key = kiosk_key_for(locked.public_id, locked.key_version)
        locked.key_hash = token_hash(key)
        locked.save(update_fields=["key_version", "key_hash"])
    kiosk.key_version, kiosk.key_hash = locked.key_version, locked.key_hash
    audit_record(
        office=kiosk.office,
        acting_user=acting_user,
        action="visits.kiosk.key_renewed",
        target=kiosk,
        data={"version": kiosk.key_version},
    )
    return key


def _bounded_lock_wait() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '3s'")


# --- set-up -------------------------------------------------------------------------------------


def service_group_create(
    *,
    office: Office,
    name: dict[str, str],
    prefix: str,
    services: list[Service],
    walk_ins_allowed: bool = True,
    daily_walk_in_quota: int = 0,
    waiting_zone: dict[str, str] | None = None,
    notify_when_ahead: int = 3,
    position: int = 0,
    acting_user: Actor = None,
) -> ServiceGroup:
    return service_group_update(
        group=ServiceGroup(office=office),
        name=name,
        prefix=prefix,
        services=services,
        walk_ins_allowed=walk_ins_allowed,
        daily_walk_in_quota=daily_walk_in_quota,
        waiting_zone=waiting_zone or {},
        notify_when_ahead=notify_when_ahead,
        position=position,
        acting_user=acting_user,
    )


@transaction.atomic
def service_group_update(
    *,
    group: ServiceGroup,
    name: dict[str, str],
    prefix: str,
    services: list[Service],
    walk_ins_allowed: bool,
    daily_walk_in_quota: int,
    waiting_zone: dict[str, str],
    notify_when_ahead: int,
    position: int,
    acting_user: Actor = None,
) -> ServiceGroup:
    """Save a group, new or changed. Tickets issued today keep their codes; new ones take the
    new prefix."""
    office = group.office
    created = group.pk is None
    with scope(office=office):
        group.name, group.prefix = name, prefix.upper()
        group.walk_ins_allowed, group.daily_walk_in_quota = walk_ins_allowed, daily_walk_in_quota
        group.waiting_zone, group.notify_when_ahead = waiting_zone, notify_when_ahead
        group.position = position
        group.full_clean()
        group.save()
        group.services.set(services)
    audit_record(
        office=office,
        acting_user=acting_user,
        action="visits.group.created" if created else "visits.group.updated",
        target=group,
        data={"prefix": group.prefix, "services": [s.pk for s in services]},
    )
    return group


@transaction.atomic
def kiosk_update(*, kiosk: Kiosk, name: str, active: bool, acting_user: Actor = None) -> Kiosk:
    """Rename a kiosk or take it out of use (its key then unlocks nothing)."""
    with scope(office=kiosk.office):
        kiosk.name, kiosk.active = name, active
        kiosk.full_clean()
        kiosk.save()
    audit_record(
        office=kiosk.office,
        acting_user=acting_user,
        action="visits.kiosk.updated",
        target=kiosk,
        data={"active": active},
    )
    return kiosk


@transaction.atomic
def kiosk_create(
    *, office: Office, name: str, public_id: str = "", acting_user: Actor = None
) -> tuple[Kiosk, str]:
    """A kiosk and its key (shown once; derived, so an admin can recover it with the secret)."""
    public_id = public_id or secrets.token_urlsafe(9).lower().replace("_", "-")
    key = kiosk_key_for(public_id)
    with scope(office=office):
        kiosk = Kiosk.objects.create(
            office=office, name=name, public_id=public_id, key_hash=token_hash(key)
        )
    audit_record(
        office=office, acting_user=acting_user, action="visits.kiosk.created", target=kiosk
    )
    return kiosk, key


def screen_create(
    *,
    office: Office,
    name: str,
    public_id: str = "",
    groups: list[ServiceGroup] | None = None,
    floors: list[int] | None = None,
    active: bool = True,
    acting_user: Actor = None,
) -> Screen:
    """A call display; with groups, it shows only those (a waiting zone); with floors, only
    calls to desks on those floors."""
    public_id = public_id or secrets.token_urlsafe(9).lower().replace("_", "-")
    with scope(office=office):
        screen = Screen(
            office=office,
            name=name,
            public_id=public_id,
            groups=[g.pk for g in groups or [] if g.office_id == office.pk],
            floors=sorted({int(f) for f in floors or []}),
            active=active,
        )
        screen.full_clean()
        screen.save()
    audit_record(
        office=office,
        acting_user=acting_user,
        action="visits.screen.created",
        target=screen,
        data={"groups": screen.groups, "floors": screen.floors},
    )
    return screen


@transaction.atomic
def screen_update(
    *,
    screen: Screen,
    name: str,
    groups: list[ServiceGroup],
    floors: list[int],
    active: bool = True,
    acting_user: Actor = None,
) -> Screen:
    """Change what a display shows. Its polling sees the change at once; a connected WebSocket
    keeps filtering by what the screen showed when it connected, until it reconnects."""
    office = screen.office
    before = {"name": screen.name, "groups": screen.groups, "floors": screen.floors}
    with scope(office=office):
        screen.name = name
        screen.groups = [g.pk for g in groups if g.office_id == office.pk]
        screen.floors = sorted({int(f) for f in floors})
        screen.active = active
        screen.full_clean()
        screen.save()
    audit_record(
        office=office,
        acting_user=acting_user,
        action="visits.screen.updated",
        target=screen,
        data={
            "before": before,
            "after": {"name": screen.name, "groups": screen.groups, "floors": screen.floors},
            "active": active,
        },
    )
    return screen


# --- issuing tickets ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Issued:
    ticket: Ticket
    token: str
    created: bool  # False when a repeated POST returned the ticket issued before


def _repeat(kiosk: Kiosk | None, issue_key: str) -> Ticket | None:
    if kiosk is None or not issue_key:
        return None
    with scopes_disabled():
        return Ticket.objects.filter(kiosk=kiosk, issue_key=issue_key).first()


def _next_number(office: Office, group: ServiceGroup, day: date) -> int:
    """Count the group's day on: insert its counter at 1, or add one to it, in one statement
    that keeps the counter's row locked until the caller's transaction ends, so every issue of
    this group and day waits here for the one before."""
    table = connection.ops.quote_name(TicketCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (office_id, group_id, day, last_number)"  # noqa: S608
            " VALUES (%s, %s, %s, 1) ON CONFLICT (office_id, group_id, day)"
            f" DO UPDATE SET last_number = {table}.last_number + 1 RETURNING last_number",
            [office.pk, group.pk, connection.ops.adapt_datefield_value(day)],
        )
        return cursor.fetchone()[0]


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
) -> Ticket:
    """Take the next number of the group's day under the counter's row lock and create the
    ticket. Runs inside the caller's transaction and scope."""
    day = office_selectors.local_now(office, now).date()
    number = _next_number(office, group, day)
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
        interpreter_language=appointment.interpreter_language if appointment else "",
        token_hash=token_hash(
            ticket_token_for(office_id=office.pk, day=day, group_id=group.pk, number=number)
        ),
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
    return ticket


def _issued(ticket: Ticket, created: bool) -> Issued:
    return Issued(ticket, token_of(ticket), created)


def _new(ticket: Ticket, now: datetime) -> Issued:
    """A ticket just committed, with the expected wait it was told stored to measure the
    estimate later. Worked out after the commit, so other kiosks do not wait on the counter's
    lock meanwhile."""
    from schalter.visits.selectors import ticket_position  # selectors imports this module

    ticket.predicted_wait_minutes = ticket_position(ticket, now).expected_wait_minutes
    with scope(office=ticket.office_id):
        Ticket.objects.filter(pk=ticket.pk).update(
            predicted_wait_minutes=ticket.predicted_wait_minutes
        )
    return _issued(ticket, True)


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
    acting_user: Actor = None,
) -> Issued:
    """A walk-in ticket, during opening hours and within the group's daily quota."""
    note = _valid_note(note)
    if (repeated := _repeat(kiosk, issue_key)) is not None:
        return _issued(repeated, False)
    if group.office_id != office.pk:
        raise NoQueue
    if not group.walk_ins_allowed:
        raise WalkInsNotAllowed
    local = office_selectors.local_now(office, now)
    today = office_selectors.week_schedule(office, local.date(), "de", days=1)[0]
    if not today.is_open or not any(p.opens <= local.time() < p.closes for p in today.periods):
        raise OfficeClosed
    try:
        with transaction.atomic(), scope(office=office):
            _bounded_lock_wait()
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
            )
    except IntegrityError as error:
        if (repeated := _repeat(kiosk, issue_key)) is not None:
            return _issued(repeated, False)
        raise Busy from error
    except OperationalError as error:
        raise Busy from error
    return _new(ticket, now)


def group_for_service(office: Office, service: Service) -> ServiceGroup:
    with scope(office=office):
        groups = list(ServiceGroup.objects.filter(office=office).prefetch_related("services"))
    for group in groups:
        if any(s.pk == service.pk for s in group.services.all()):
            return group
    if not groups:
        raise NoQueue
    return groups[0]


def ticket_check_in(
    *,
    office: Office,
    code: str,
    now: datetime,
    language: str = "de",
    kiosk: Kiosk | None = None,
    issue_key: str = "",
    note: str = "",
    acting_user: Actor = None,
) -> Issued:
    """Check in with a booking code: a confirmed appointment of this office, today, once."""
    note = _valid_note(note)
    if (repeated := _repeat(kiosk, issue_key)) is not None:
        return _issued(repeated, False)
    code = "".join(code.split()).upper().replace("-", "")
    with scopes_disabled():
        found = Appointment.objects.filter(code=code).select_related("service").first()
    if found is None:
        raise CodeUnknown(field="code")
    if found.office_id != office.pk:
        raise CodeOtherOffice(field="code")
    if found.start.astimezone(office.zone).date() != now.astimezone(office.zone).date():
        raise CodeOtherDay(field="code")
    group = group_for_service(office, found.service)
    try:
        with transaction.atomic(), scope(office=office):
            _bounded_lock_wait()
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
            )
            appointment.status = Status.ARRIVED
            appointment.save(update_fields=["status"])
    except IntegrityError as error:
        if (repeated := _repeat(kiosk, issue_key)) is not None:
            return _issued(repeated, False)
        raise AlreadyCheckedIn(field="code") from error
    except OperationalError as error:
        raise Busy from error
    return _new(ticket, now)


# --- desks --------------------------------------------------------------------------------------


def desk_session_open(
    *, office: Office, desk: Desk, user, now: datetime, acting_user: Actor = None
) -> DeskSession:
    """Take a desk. A person at another desk leaves it first; a desk someone else holds is
    refused."""
    if desk.office_id != office.pk:
        raise NotAtDesk
    try:
        with transaction.atomic(), scope(office=office):
            _bounded_lock_wait()
            Desk.objects.select_for_update().get(pk=desk.pk)
            current = DeskSession.objects.filter(desk=desk, ended_at__isnull=True).first()
            if current is not None:
                if current.user_id == user.pk:
                    return current
                raise DeskTaken
            with scopes_disabled():
                mine = list(DeskSession.objects.filter(user=user, ended_at__isnull=True))
            for session in mine:
                _close(session, now, acting_user or user)
            session = DeskSession.objects.create(
                office=office, desk=desk, user=user, started_at=now
            )
            audit_record(
                office=office,
                acting_user=acting_user or user,
                action="visits.desk.taken",
                target=session,
                data={"desk": desk.number},
            )
    except IntegrityError as error:
        raise DeskTaken from error
    except OperationalError as error:
        raise Busy from error
    return session


def _close(session: DeskSession, now: datetime, acting_user: Actor) -> None:
    """Leave a desk: a client called but not yet served goes back to the queue, nothing lost."""
    with scope(office=session.office):
        left = Ticket.objects.select_for_update().filter(
            desk_id=session.desk_id, state__in=(TicketState.CALLED, TicketState.PARKED)
        )
        for ticket in left:
            ticket.state = (
                TicketState.WAITING
                if ticket.state == TicketState.CALLED
                else (TicketState.TRANSFERRED)
            )
            ticket.desk = None
            ticket.call_count = 0
            ticket.save(update_fields=["state", "desk", "call_count"])
            _queue_moved(session.office, ticket)
        session.ended_at = now
        session.save(update_fields=["ended_at"])
    audit_record(
        office=session.office,
        acting_user=acting_user,
        action="visits.desk.left",
        target=session,
        data={"returned": [t.code for t in left]},
    )


def desk_session_close(*, session: DeskSession, now: datetime, acting_user: Actor = None) -> None:
    with transaction.atomic(), scope(office=session.office):
        locked = DeskSession.objects.select_for_update().get(pk=session.pk)
        if locked.ended_at is not None:
            return
        if Ticket.objects.filter(desk_id=locked.desk_id, state=TicketState.IN_SERVICE).exists():
            raise DeskBusy
        _close(locked, now, acting_user)
    session.refresh_from_db()


# --- calling ------------------------------------------------------------------------------------


def served_groups(desk: Desk) -> QuerySet[ServiceGroup]:
    """Groups a desk calls from: those sharing a service with it (all, for a desk or group
    without services). A query, so that calling the next client can use it as a subquery."""
    desk_services = Desk.services.through.objects.filter(desk_id=desk.pk).values("service_id")
    group_services = ServiceGroup.services.through.objects.filter(servicegroup_id=OuterRef("pk"))
    with scope(office=desk.office_id):
        return ServiceGroup.objects.filter(office_id=desk.office_id).filter(
            ~Exists(desk_services)
            | ~Exists(group_services)
            | Exists(group_services.filter(service_id__in=desk_services))
        )


def groups_served_by(desk: Desk) -> list[int]:
    return list(served_groups(desk).values_list("pk", flat=True))


def queue_rank(*, now: datetime, desk: Desk | None = None) -> Case:
    """The priority rules as an SQL expression, lower first: a ticket transferred to this desk,
    an appointment due now, urgent or vulnerable clients and transfers to the group, then
    everyone else in order of arrival."""
    whens = []
    if desk is not None:
        whens.append(When(state=TicketState.TRANSFERRED, desk=desk, then=Value(0)))
    whens += [
        When(appointment__start__range=(now - DUE_NOW, now + DUE_NOW), then=Value(1)),
        When(priority__gt=Priority.NORMAL, then=Value(2)),
        When(state=TicketState.TRANSFERRED, then=Value(2)),
    ]
    return Case(*whens, default=Value(3), output_field=IntegerField())


def callable_by(desk: Desk, now: datetime) -> QuerySet[Ticket]:
    return (
        Ticket.objects.filter(
            Q(desk__isnull=True) | Q(desk=desk),
            office=desk.office,
            day=office_selectors.local_now(desk.office, now).date(),
            state__in=QUEUED_STATES,
            group_id__in=served_groups(desk).values("pk"),
        )
        .annotate(rank=queue_rank(now=now, desk=desk))
        .order_by("rank", "created_at", "id")
    )


def _event(ticket: Ticket, kind: str, now: datetime) -> None:
    event = CallEvent(office_id=ticket.office_id, ticket=ticket, kind=kind, at=now)
    if Ticket.desk.is_cached(ticket):  # type: ignore[attr-defined]
        event.desk = ticket.desk  # publishing describes the desk: no need to read it again
    else:
        event.desk_id = ticket.desk_id
    event.save(force_insert=True)
    live.publish_on_commit(event)


def _open_session(session: DeskSession) -> DeskSession:
    locked = DeskSession.objects.select_for_update().select_related("desk").get(pk=session.pk)
    if locked.ended_at is not None:
        raise NotAtDesk
    if DeskSession.office.is_cached(session):  # type: ignore[attr-defined]
        locked.office = locked.desk.office = session.office  # the same row: no need to read it
    return locked


def ticket_call_next(
    *, desk_session: DeskSession, now: datetime, acting_user: Actor = None
) -> Ticket | None:
    """Call the first ticket in priority order that no other desk is calling right now; None
    when nobody waits. Rows other desks hold are skipped, never waited for or shared."""
    office = desk_session.office
    try:
        with transaction.atomic(), scope(office=office):
            _bounded_lock_wait()
            session = _open_session(desk_session)
            desk = session.desk
            if Ticket.objects.filter(
                desk=desk, state__in=(TicketState.CALLED, TicketState.IN_SERVICE)
            ).exists():
                raise DeskBusy
            ticket = (
                callable_by(desk, now).select_for_update(skip_locked=True, of=("self",)).first()
            )
            if ticket is None:
                return None
            ticket.state = TicketState.CALLED
            ticket.desk = desk
            ticket.called_at = now
            ticket.first_called_at = ticket.first_called_at or now
            ticket.call_count = 1
            ticket.save(
                update_fields=["state", "desk", "called_at", "first_called_at", "call_count"]
            )
            _event(ticket, CallKind.CALL, now)
            _queue_moved(office, ticket, now)
            audit_record(
                office=office,
                acting_user=acting_user,
                action="visits.ticket.called",
                target=ticket,
                data={"code": ticket.code, "desk": desk.number},
            )
    except OperationalError as error:
        raise Busy from error
    return ticket


def _at_desk(session: DeskSession, ticket: Ticket, states: tuple[str, ...]) -> Ticket:
    """The ticket locked, if it is at this desk in one of these states."""
    open_session = _open_session(session)
    locked = Ticket.objects.select_for_update().filter(pk=ticket.pk, office=session.office).first()
    if locked is None or locked.desk_id != session.desk_id:
        raise NotAtDesk
    if locked.state not in states:
        raise WrongState
    locked.desk = open_session.desk  # the same desk, already read
    return locked


def _copy_state(ticket: Ticket, saved: Ticket) -> None:
    """What `ticket.refresh_from_db()` would do, from the row just saved instead of a query."""
    for field in Ticket._meta.concrete_fields:
        value = getattr(saved, field.attname)
        changed = getattr(ticket, field.attname) != value
        setattr(ticket, field.attname, value)  # a changed foreign key drops the related object
        if isinstance(field, ForeignKey) and changed and field.is_cached(saved):
            field.set_cached_value(ticket, field.get_cached_value(saved))


def _step(
    *,
    desk_session: DeskSession,
    ticket: Ticket,
    states: tuple[str, ...],
    action: str,
    acting_user: Actor,
    change,
) -> Ticket:
    try:
        with transaction.atomic(), scope(office=desk_session.office):
            _bounded_lock_wait()
            locked = _at_desk(desk_session, ticket, states)
            fields, data = change(locked)
            if locked.state in CLOSED_STATES and locked.notify_phone:
                locked.notify_phone = ""  # the number was only for this visit
                fields = [*fields, "notify_phone"]
            locked.save(update_fields=fields)
            if locked.state in QUEUED_STATES:  # sent on to a queue: it joined one
                _queue_moved(desk_session.office, locked)
            else:  # started, finished, parked, recalled, missed: nobody waiting moved
                live.queue_changed_on_commit(locked, queue_moved=False)
            audit_record(
                office=desk_session.office,
                acting_user=acting_user,
                action=action,
                target=locked,
                data={"code": locked.code, "state": locked.state, **data},
            )
    except OperationalError as error:
        raise Busy from error
    _copy_state(ticket, locked)
    return ticket


def _missed(t: Ticket, now: datetime) -> list[str]:
    """The client did not come: the ticket leaves the queue. Returns the fields changed."""
    t.state = TicketState.MISSED
    t.finished_at = now
    _event(t, CallKind.MISSED, now)
    return ["state", "finished_at"]


def ticket_recall(
    *, desk_session: DeskSession, ticket: Ticket, now: datetime, acting_user: Actor = None
) -> Ticket:
    """Call again; a ticket already called MAX_CALLS times is missed instead."""

    def change(t: Ticket):
        if t.state == TicketState.CALLED and t.call_count >= MAX_CALLS:
            return _missed(t, now), {"missed": True}
        t.call_count = 1 if t.state == TicketState.PARKED else t.call_count + 1
        t.state = TicketState.CALLED
        t.called_at = now
        _event(t, CallKind.RECALL, now)
        return ["state", "call_count", "called_at"], {"calls": t.call_count}

    return _step(
        desk_session=desk_session,
        ticket=ticket,
        states=(TicketState.CALLED, TicketState.PARKED),
        action="visits.ticket.recalled",
        acting_user=acting_user,
        change=change,
    )


def ticket_start(
    *, desk_session: DeskSession, ticket: Ticket, now: datetime, acting_user: Actor = None
) -> Ticket:
    def change(t: Ticket):
        t.state = TicketState.IN_SERVICE
        t.started_at = t.started_at or now
        return ["state", "started_at"], {}

    return _step(
        desk_session=desk_session,
        ticket=ticket,
        states=(TicketState.CALLED,),
        action="visits.ticket.started",
        acting_user=acting_user,
        change=change,
    )


def ticket_finish(
    *,
    desk_session: DeskSession,
    ticket: Ticket,
    outcome: str,
    now: datetime,
    acting_user: Actor = None,
) -> Ticket:
    if outcome not in Outcome.values:
        raise WrongState(field="outcome")

    def change(t: Ticket):
        t.state = TicketState.DONE
        t.outcome = outcome
        t.finished_at = now
        _event(t, CallKind.FINISH, now)
        return ["state", "outcome", "finished_at"], {"outcome": outcome}

    return _step(
        desk_session=desk_session,
        ticket=ticket,
        states=(TicketState.IN_SERVICE,),
        action="visits.ticket.finished",
        acting_user=acting_user,
        change=change,
    )


def ticket_park(
    *, desk_session: DeskSession, ticket: Ticket, now: datetime, acting_user: Actor = None
) -> Ticket:
    """The client steps out (to fetch a document); the desk recalls her later."""

    def change(t: Ticket):
        t.state = TicketState.PARKED
        return ["state"], {}

    return _step(
        desk_session=desk_session,
        ticket=ticket,
        states=(TicketState.CALLED, TicketState.IN_SERVICE),
        action="visits.ticket.parked",
        acting_user=acting_user,
        change=change,
    )


def ticket_transfer(
    *,
    desk_session: DeskSession,
    ticket: Ticket,
    now: datetime,
    to_desk: Desk | None = None,
    to_group: ServiceGroup | None = None,
    acting_user: Actor = None,
) -> Ticket:
    """Send the client on to another desk or another group's queue, ahead of new arrivals."""
    office = desk_session.office
    if (to_desk is None) == (to_group is None):
        raise WrongState(field="to")
    if to_desk is not None and (
        to_desk.office_id != office.pk or to_desk.pk == desk_session.desk_id
    ):
        raise NotAtDesk(field="to")
    if to_group is not None and to_group.office_id != office.pk:
        raise NoQueue(field="to")

    def change(t: Ticket):
        t.state = TicketState.TRANSFERRED
        t.desk = to_desk
        if to_group is not None:
            t.group = to_group
        t.call_count = 0
        data: dict[str, object] = {
            "to_desk": to_desk.number if to_desk else None,
            "to_group": to_group.prefix if to_group else None,
        }
        return ["state", "desk", "group", "call_count"], data

    return _step(
        desk_session=desk_session,
        ticket=ticket,
        states=(TicketState.CALLED, TicketState.IN_SERVICE, TicketState.PARKED),
        action="visits.ticket.transferred",
        acting_user=acting_user,
        change=change,
    )


def ticket_no_show(
    *, desk_session: DeskSession, ticket: Ticket, now: datetime, acting_user: Actor = None
) -> Ticket:
    def change(t: Ticket):
        return _missed(t, now), {}

    return _step(
        desk_session=desk_session,
        ticket=ticket,
        states=(TicketState.CALLED, TicketState.PARKED),
        action="visits.ticket.no_show",
        acting_user=acting_user,
        change=change,
    )


# --- wait anywhere ------------------------------------------------------------------------------


def ticket_notify_set(
    *, ticket: Ticket, phone: str = "", from_booking: bool = False, acting_user: Actor = None
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
        _notify_near_on_commit(office, locked.group_id, locked.day)
    ticket.refresh_from_db()
    return ticket


def ticket_notify_withdraw(*, ticket: Ticket, acting_user: Actor = None) -> Ticket:
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


def _queue_moved(office: Office, ticket: Ticket, now: datetime | None = None) -> None:
    """Once committed: the phones of the ticket and of its queue refresh, and the next clients
    in line may get their text message."""
    live.queue_changed_on_commit(ticket)
    _notify_near_on_commit(office, ticket.group_id, ticket.day, now)


def _notify_near_on_commit(
    office: Office, group_id: int, day: date, now: datetime | None = None
) -> None:
    """Once committed: if anyone in the group left a number, the text messages are sent by the
    task backend (a worker in production), so that a slow or broken gateway never holds up the
    desk's request. The check itself is one cheap query, and usually ends it."""

    def check() -> None:
        if _numbers_waiting(office, group_id, day, now or timezone.now()).exists():
            tickets_notify_near_task.enqueue(office.pk, group_id, day.isoformat())

    # robust: whatever goes wrong after the commit is logged, never turned into a failed call.
    transaction.on_commit(check, robust=True)


def _numbers_waiting(office: Office, group_id: int, day: date, now: datetime) -> QuerySet[Ticket]:
    """The group's waiting tickets with a number left for a text message not yet claimed."""
    with scope(office=office):
        return (
            Ticket.objects.filter(
                office=office, group_id=group_id, day=day, state__in=QUEUED_STATES
            )
            .filter(_sms_unclaimed(now))
            .exclude(notify_phone="")
        )


@task
def tickets_notify_near_task(office_id: int, group_id: int, day: str) -> int:
    with scopes_disabled():
        office = Office.objects.get(pk=office_id)
    return tickets_notify_near(office=office, group=group_id, day=date.fromisoformat(day))


def near_text(ticket: Ticket, ahead: int, language: str) -> str:
    values = {"office": ticket.office.name_in(language), "code": ticket.code, "ahead": ahead}
    with translation.override(language):
        if ahead == 0:
            return (
                _(
                    "%(office)s: your number %(code)s is next. "
                    "Please come back to the waiting area now."
                )
                % values
            )
        return (
            ngettext(
                "%(office)s: your number %(code)s will be called soon (about %(ahead)d client "
                "ahead of you). Please come back to the waiting area.",
                "%(office)s: your number %(code)s will be called soon (about %(ahead)d clients "
                "ahead of you). Please come back to the waiting area.",
                ahead,
            )
            % values
        )


def tickets_notify_near(
    *,
    office: Office,
    group: ServiceGroup | int,
    day: date | None = None,
    now: datetime | None = None,
) -> int:
    """Send the one "your turn is near" text message to each waiting client of the group who
    left a number and now has at most `group.notify_when_ahead` clients ahead (the order of
    `selectors.queue_of`). Runs after the commit of a queue change, outside any transaction
    and lock. Returns how many messages went.

    Each ticket is first claimed with an update guarded by `notified_at` (unclaimed), so two
    desks calling at once never send twice. After a sent message the number is erased. A failing
    gateway is logged and the claim undone, so the next queue change tries again; after
    SMS_TRIES failed tries (counted per UTC day, which holds the office's opening hours) the
    number is erased and no message goes (each try may wait for the gateway's timeout, so a
    broken gateway must not slow every call of the day). A process that dies between its claim
    and the number's erasure leaves the claim with the number still set: once older than
    SMS_CLAIM_EXPIRES it counts as unclaimed and a later queue change sends. If the message had
    gone just before the process died, the client gets it twice: better than never."""
    from schalter.visits import selectors  # selectors imports this module

    now = now or timezone.now()
    day = day or office_selectors.local_now(office, now).date()
    group_id = group if isinstance(group, int) else group.pk
    with scope(office=office):
        if not _numbers_waiting(office, group_id, day, now).exists():
            return 0
        if isinstance(group, int):
            group = ServiceGroup.objects.get(office=office, pk=group)
        order = list(selectors.queue_of(office, group, day, now)[: group.notify_when_ahead + 1])
    sent = 0
    for ahead, ticket in enumerate(order):
        stale = ticket.notified_at is not None and ticket.notified_at < now - SMS_CLAIM_EXPIRES
        if ticket.notify_phone and (ticket.notified_at is None or stale):
            sent += _notify_one(office, ticket, ahead, now)
    return sent


def _sms_unclaimed(now: datetime) -> Q:
    """Tickets nobody is sending to: never claimed, or claimed by a process long gone (the rows
    also need a number: a sent message erased it)."""
    return Q(notified_at__isnull=True) | Q(notified_at__lt=now - SMS_CLAIM_EXPIRES)


def _notify_one(office: Office, ticket: Ticket, ahead: int, now: datetime) -> int:
    with scope(office=office):
        mine = (
            Ticket.objects.filter(pk=ticket.pk, state__in=QUEUED_STATES)
            .filter(_sms_unclaimed(now))
            .exclude(notify_phone="")
        )
        if not mine.update(notified_at=now):
            return 0  # another process claimed it, or the client withdrew or was called
        phone = Ticket.objects.filter(pk=ticket.pk).values_list("notify_phone", flat=True)[0]
        claimed = Ticket.objects.filter(pk=ticket.pk)
    try:
        ratelimit.hit(
            f"visits.sms:{ticket.pk}", limit=SMS_TRIES, window_seconds=86400, now=now, always=True
        )
    except RateLimited:
        log.warning("ticket %s: gave up on the text message after %s tries", ticket.pk, SMS_TRIES)
        with scope(office=office):
            claimed.update(notify_phone="", notified_at=None)
        return 0
    ticket.office = office
    if not send_sms(to=phone, text=near_text(ticket, ahead, ticket.language)):
        with scope(office=office):
            claimed.update(notified_at=None)  # the next queue change tries again
        return 0
    with scope(office=office):
        claimed.update(notify_phone="")
    audit_record(
        office=office,
        acting_user=None,
        action="visits.ticket.notified",
        target=ticket,
        data={"code": ticket.code, "ahead": ahead},
    )
    return 1


def tickets_personal_erase(*, office: Office, now: datetime) -> int:
    """The day after a visit, its ticket keeps no personal data: the number left for the SMS
    (closed tickets lose it at once) and staff's note. Run by the retention job."""
    day = office_selectors.local_now(office, now).date()
    with scope(office=office):
        return (
            Ticket.objects.filter(office=office, day__lt=day)
            .exclude(notify_phone="", note="")
            .update(notify_phone="", note="")
        )


def _valid_note(note: str) -> str:
    note = note.strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise NoteTooLong(field="note")
    return note


def ticket_note_set(*, ticket: Ticket, note: str, acting_user: Actor = None) -> Ticket:
    """Staff's note on a visit, for the next desk; the audit row says that, not what."""
    note = _valid_note(note)
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
