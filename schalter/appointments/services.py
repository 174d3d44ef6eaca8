"""Writes for appointments. Scarce capacity is taken under row locks in one short transaction."""

import hashlib
import secrets
import time as time_module
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Q
from django.utils.crypto import salted_hmac
from django_scopes import scope, scopes_disabled

from schalter.accounts.services import Actor, audit_record
from schalter.appointments import slots
from schalter.appointments.errors import (
    AlreadyBooked,
    Busy,
    InvalidContact,
    NotChangeable,
    OutsideWindow,
    ServiceNotOffered,
    SlotUnavailable,
    TokenInvalid,
)
from schalter.appointments.identity import normalise_email, normalise_phone
from schalter.appointments.models import (
    ACTIVE_STATUSES,
    Appointment,
    AvailabilityRule,
    BookingPolicy,
    Channel,
    OfficeService,
    Seat,
    Status,
    WaitlistEntry,
    WaitlistStatus,
)
from schalter.appointments.seats import FREE_SEAT_SQL, free_seat_q
from schalter.catalog.models import Service
from schalter.offices import selectors as office_selectors
from schalter.offices.models import Office

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed at kiosks


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def manage_token_for(code: str) -> str:
    """The token that opens an appointment for change or cancellation. Derived from the code
    with the secret key, so every e-mail can carry it; only its hash is stored."""
    return salted_hmac("schalter.appointments.manage", code, algorithm="sha256").hexdigest()[:40]


def confirm_token_for(code: str) -> str:
    """The e-mail confirmation token; it works once, while the booking is pending."""
    return salted_hmac("schalter.appointments.confirm", code, algorithm="sha256").hexdigest()[:40]


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def policy_for(office: Office) -> BookingPolicy:
    return BookingPolicy.objects.get_or_create(office=office)[0]


@transaction.atomic
def office_service_set(
    *,
    office: Office,
    service: Service,
    duration_minutes: int,
    acting_user: Actor = None,
    **options: Any,
) -> OfficeService:
    with scope(office=office):
        offered, _ = OfficeService.objects.update_or_create(
            office=office,
            service=service,
            defaults={"duration_minutes": duration_minutes, **options},
        )
    audit_record(
        office=office,
        acting_user=acting_user,
        action="appointments.service.set",
        target=offered,
        data={"service": service.slug, "duration": duration_minutes},
    )
    return offered


@transaction.atomic
def availability_rule_add(
    *,
    office: Office,
    weekday: int,
    start: time,
    end: time,
    capacity_online: int,
    capacity_staff: int,
    services: list[Service],
    valid_from: date,
    valid_until: date | None = None,
    acting_user: Actor = None,
) -> AvailabilityRule:
    rule = AvailabilityRule(
        office=office,
        weekday=weekday,
        start=start,
        end=end,
        capacity_online=capacity_online,
        capacity_staff=capacity_staff,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    rule.full_clean()
    rule.save()
    rule.services.set(services)
    audit_record(
        office=office,
        acting_user=acting_user,
        action="appointments.rule.added",
        target=rule,
        data={"weekday": weekday, "start": str(start), "end": str(end)},
    )
    return rule


def seats_generate(*, office: Office, first_day: date, last_day: date) -> int:
    """Create the seats of every rule for these days (idempotent); skips holidays and closures.
    Returns how many seats were created."""
    policy = policy_for(office)
    zone = office.zone
    with scope(office=office):
        rules = list(AvailabilityRule.objects.filter(office=office))
    schedule = office_selectors.week_schedule(
        office, first_day, "de", days=(last_day - first_day).days + 1
    )
    seats = []
    for day in schedule:
        if day.holiday or day.closure:
            continue
        for rule in rules:
            if (
                rule.weekday != day.day.weekday()
                or day.day < rule.valid_from
                or (rule.valid_until and day.day > rule.valid_until)
            ):
                continue
            for start in slots.unit_starts(
                day.day, rule.start, rule.end, policy.slot_minutes, zone
            ):
                released = slots.release_time(
                    day.day,
                    horizon_days=policy.horizon_days,
                    release_hour=policy.release_hour,
                    spread_minutes=policy.release_spread_minutes,
                    zone=zone,
                    salt=f"{rule.pk}:{start.isoformat()}",
                )
                for channel, capacity in (
                    (Channel.ONLINE, rule.capacity_online),
                    (Channel.STAFF, rule.capacity_staff),
                ):
                    seats += [
                        Seat(
                            office=office,
                            rule=rule,
                            start=start,
                            channel=channel,
                            index=index,
                            released_at=released,
                        )
                        for index in range(capacity)
                    ]
    with scopes_disabled():
        created = Seat.objects.bulk_create(seats, ignore_conflicts=True, batch_size=2000)
    return len(created)


@dataclass(frozen=True)
class Booked:
    appointment: Appointment
    manage_token: str
    confirm_token: str


def _offered(
    office: Office, service: Service, channel: str, offered: OfficeService | None = None
) -> OfficeService:
    """The office's offer of the service, with its office and booking policy in the same query.
    `offered` may be one read that way in this request already (`selectors.offered_for_booking`)."""
    if offered is None or offered.office_id != office.pk or offered.service_id != service.pk:
        with scope(office=office):
            offered = (
                OfficeService.objects.filter(office=office, service=service)
                .select_related("office__booking_policy")
                .first()
            )
    if (
        offered is None
        or not offered.enabled
        or (channel == Channel.ONLINE and not offered.bookable_online)
    ):
        raise ServiceNotOffered
    return offered


def _policy_of(offered: OfficeService) -> BookingPolicy:
    """The policy read with the offer (no further query), or created as `policy_for` does. Read
    afresh for every booking: never kept on a longer-lived instance."""
    try:
        return offered.office.booking_policy
    except BookingPolicy.DoesNotExist:
        return policy_for(offered.office)


def _check_window(office: Office, offered: OfficeService, start: datetime, now: datetime) -> None:
    local_day = start.astimezone(office.zone).date()
    today = now.astimezone(office.zone).date()
    if (
        not (
            today + timedelta(days=offered.booking_window_start_days)
            <= local_day
            <= today + timedelta(days=offered.booking_window_end_days)
        )
        or start <= now
    ):
        raise OutsideWindow(field="start")


def _bounded_lock_wait() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '3s'")


# The booking path's two statements on seats, in SQL (`_precheck`, `_claim_seats`): `s` is a seat
# that may serve the service in the office, and `_FREE_SQL` is `free_seat_q` (keep them in step).
_SEAT = Seat._meta.db_table
_ELIGIBLE_SQL = (
    "s.office_id = %s AND s.rule_id IN (SELECT availabilityrule_id FROM "  # noqa: S608
    f"{AvailabilityRule.services.through._meta.db_table} WHERE service_id = %s)"
)
_FREE_SQL = FREE_SEAT_SQL
_ACTIVE = [status.value for status in ACTIVE_STATUSES]


def _placeholders(values: Sequence[object]) -> str:
    return "(" + ", ".join(["%s"] * len(values)) + ")"


def _db_time(value: datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def _precheck(
    *,
    office: Office,
    service: Service,
    starts: list[datetime],
    channels: Sequence[str],
    email_key: str,
    phone: str,
    now: datetime,
) -> tuple[bool, bool]:
    """(every unit has a free seat, the person already has an active appointment for the
    service), in one unlocked read: hints that refuse early and cheaply, not decisions. The
    locked claim and the unique indexes decide."""
    at, channels = _db_time(now), [str(c) for c in channels]
    same_person = []
    person_params: list[object] = []
    if email_key:
        same_person.append("a.email_normalised = %s")
        person_params.append(email_key)
    if phone:
        same_person.append("a.phone = %s")
        person_params.append(phone)
    sql = (
        f"SELECT (SELECT COUNT(DISTINCT s.start) FROM {_SEAT} s WHERE {_ELIGIBLE_SQL}"  # noqa: S608
        f" AND s.channel IN {_placeholders(channels)} AND s.start IN {_placeholders(starts)}"
        f" AND {_FREE_SQL}),"
        f" EXISTS (SELECT 1 FROM {Appointment._meta.db_table} a"
        f" WHERE a.office_id = %s AND a.service_id = %s AND a.status IN {_placeholders(_ACTIVE)}"
        f" AND ({' OR '.join(same_person)}))"
    )
    params = [
        office.pk,
        service.pk,
        *channels,
        *[_db_time(start) for start in starts],
        at,
        at,
        at,
        office.pk,
        service.pk,
        *_ACTIVE,
        *person_params,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        units, taken = cursor.fetchone()
    return units == len(starts), bool(taken)


# PostgreSQL: one statement takes a seat in every unit. Each unit's best free seat is locked
# with SKIP LOCKED (a seat another booking is taking is passed over, never waited for); a unit
# without one simply returns no row, and the caller rolls back. The picking runs once, in a
# CTE: as `WHERE id IN (subquery)` the planner may rescan the locking subquery per row (it did
# once the table's statistics grew), and a rescan skips the row this very statement updated.
_CLAIM_POSTGRESQL = (
    "WITH picked AS MATERIALIZED (SELECT c.id FROM unnest(%s::timestamptz[]) AS u(start)"  # noqa: S608
    f" CROSS JOIN LATERAL (SELECT s.id FROM {_SEAT} s WHERE s.start = u.start"
    f" AND {_ELIGIBLE_SQL} AND s.channel = ANY(%s) AND {_FREE_SQL}"
    ' ORDER BY s.channel DESC, s."index" LIMIT 1 FOR UPDATE OF s SKIP LOCKED) c)'
    f" UPDATE {_SEAT} SET appointment_id = %s, held_until = %s, free_from = NULL"
    f" FROM picked WHERE {_SEAT}.id = picked.id RETURNING {_SEAT}.id"
)
# Elsewhere (SQLite): one unit per statement; the database lets one writer in at a time
# (transactions start IMMEDIATE), which serialises bookings.
_CLAIM_ONE = (
    f"UPDATE {_SEAT} SET appointment_id = %s, held_until = %s, free_from = NULL"  # noqa: S608
    f" WHERE id = (SELECT s.id FROM {_SEAT} s WHERE s.start = %s AND {_ELIGIBLE_SQL}"
    f" AND s.channel IN {{channels}} AND {_FREE_SQL}"
    ' ORDER BY s.channel DESC, s."index" LIMIT 1)'
)


def _claim_seats(
    *,
    office: Office,
    service: Service,
    starts: list[datetime],
    channels: Sequence[str],
    appointment: Appointment,
    held_until: datetime | None,
    now: datetime,
) -> None:
    """Take one free seat in each unit, or raise SlotUnavailable (the transaction rolls back)."""
    if settings.SCHALTER_UNSAFE_SEAT_CLAIM:
        _claim_seats_unlocked(
            office=office,
            service=service,
            starts=starts,
            channels=channels,
            appointment=appointment,
            held_until=held_until,
            now=now,
        )
        return
    at, until = _db_time(now), None if held_until is None else _db_time(held_until)
    channels = [str(c) for c in channels]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                _CLAIM_POSTGRESQL,
                [starts, office.pk, service.pk, channels, at, at, at, appointment.pk, until],
            )
            claimed = len(cursor.fetchall())
        else:
            sql = _CLAIM_ONE.format(channels=_placeholders(channels))
            ids = [office.pk, service.pk]
            claimed = 0
            for start in starts:
                cursor.execute(
                    sql, [appointment.pk, until, _db_time(start), *ids, *channels, at, at, at]
                )
                claimed += cursor.rowcount
    if claimed != len(starts):
        raise SlotUnavailable(field="start")


def _claim_seats_unlocked(
    *,
    office: Office,
    service: Service,
    starts: list[datetime],
    channels: Sequence[str],
    appointment: Appointment,
    held_until: datetime | None,
    now: datetime,
) -> None:
    """Test-only (SCHALTER_UNSAFE_SEAT_CLAIM): read, pause as a slow request would, then write,
    without a lock: proves that the concurrency tests catch an overbooking."""
    eligible = Seat.objects.filter(office=office, rule__services=service, channel__in=channels)
    for start in starts:
        seat = eligible.filter(free_seat_q(now), start=start).order_by("-channel", "index").first()
        time_module.sleep(0.05)
        if seat is None:
            raise SlotUnavailable(field="start")
        Seat.objects.filter(pk=seat.pk).update(
            appointment=appointment, held_until=held_until, free_from=None
        )


def _unit_starts_for(
    offered: OfficeService, start: datetime, persons: int, unit: int
) -> list[datetime]:
    count = slots.units_needed(
        duration_minutes=offered.duration_minutes, persons=persons, unit_minutes=unit
    )
    return [start + timedelta(minutes=unit * i) for i in range(count)]


def appointment_book(
    *,
    office: Office,
    service: Service,
    start: datetime,
    name: str,
    email: str,
    phone: str = "",
    language: str = "de",
    persons: int = 1,
    interpreter_language: str = "",
    channel: str = Channel.ONLINE,
    now: datetime,
    acting_user: Actor = None,
    hold: timedelta | None = None,
    notice: str = "confirm_request",
    notice_extra: dict | None = None,
    offered: OfficeService | None = None,
) -> Booked:
    """Book a time. Online bookings wait for the e-mail confirmation (activation window, or
    `hold`); staff bookings are confirmed at once and may use staff-only capacity. `offered`:
    the office's offer of the service as `selectors.offered_for_booking` read it in this request
    (saves a query)."""
    offered = _offered(office, service, channel, offered)
    if not 1 <= persons <= offered.max_persons:
        raise OutsideWindow(field="persons")
    _check_window(office, offered, start, now)
    email_key = normalise_email(email)
    phone_e164 = normalise_phone(phone)
    if not email_key and not phone_e164:
        raise InvalidContact(field="email")
    policy = _policy_of(offered)
    starts = _unit_starts_for(offered, start, persons, policy.slot_minutes)
    online = channel == Channel.ONLINE
    channels = [Channel.ONLINE] if online else [Channel.STAFF, Channel.ONLINE]
    free, taken = _precheck(
        office=office,
        service=service,
        starts=starts,
        channels=channels,
        email_key=email_key,
        phone=phone_e164,
        now=now,
    )
    if taken:
        with scope(office=office):
            _refuse_second_booking(
                office=office, service=service, email_key=email_key, phone=phone_e164, now=now
            )
    if not free:
        # A full slot is refused without a transaction: under a rush on one time most
        # requests end here, cheaply. The locked claim below still decides the rest.
        raise SlotUnavailable(field="start")
    try:
        # The person's second active booking is refused above, or, when two race, by the
        # partial unique indexes (IntegrityError below).
        with transaction.atomic(), scope(office=office):
            _bounded_lock_wait()
            code = _new_code()
            manage_token, confirm_token = manage_token_for(code), confirm_token_for(code)
            appointment = Appointment.objects.create(
                office=office,
                service=service,
                code=code,
                manage_token_hash=token_hash(manage_token),
                confirm_token_hash=token_hash(confirm_token) if online else "",
                status=Status.PENDING if online else Status.CONFIRMED,
                channel=channel,
                start=start,
                end=start + timedelta(minutes=offered.duration_minutes * persons),
                persons=persons,
                name=name.strip(),
                email=email.strip(),
                email_normalised=email_key,
                phone=phone_e164,
                language=language,
                interpreter_language=interpreter_language,
                hold_expires_at=now + (hold or policy.activation) if online else None,
                confirmed_at=None if online else now,
            )
            _claim_seats(
                office=office,
                service=service,
                starts=starts,
                channels=channels,
                appointment=appointment,
                held_until=appointment.hold_expires_at,
                now=now,
            )
            audit_record(
                office=office,
                acting_user=acting_user,
                action="appointments.appointment.booked",
                target=appointment,
                data={"channel": channel, "start": start.isoformat()},
            )
            _notify_on_commit(appointment, notice if online else "confirmed", notice_extra)
    except IntegrityError as error:
        # The partial unique index saw a parallel booking of the same person.
        raise AlreadyBooked from error
    except OperationalError as error:
        raise Busy from error
    return Booked(appointment, manage_token, confirm_token)


def _refuse_second_booking(
    *, office: Office, service: Service, email_key: str, phone: str, now: datetime
) -> None:
    """AlreadyBooked if this person has an active appointment for the service. Usually nobody
    is found and one query suffices; stale holds are expired only when they are in the way."""
    same_person = Q(email_normalised=email_key) if email_key else Q(pk__in=[])
    if phone:
        same_person |= Q(phone=phone)
    active = Appointment.objects.filter(
        same_person, office=office, service=service, status__in=ACTIVE_STATUSES
    )
    if active.exists():
        _expire_stale(office=office, service=service, email_key=email_key, phone=phone, now=now)
        if active.exists():
            raise AlreadyBooked


def _expire_stale(
    *, office: Office, service: Service, email_key: str, phone: str, now: datetime
) -> None:
    """Unconfirmed bookings past their activation window stop counting as active."""
    person = Q(email_normalised=email_key) if email_key else Q(pk__in=[])
    if phone:
        person |= Q(phone=phone)
    Appointment.objects.filter(
        person,
        office=office,
        service=service,
        status__in=(Status.HELD, Status.PENDING),
        hold_expires_at__lt=now,
    ).update(status=Status.EXPIRED)


def appointment_by_token(*, code: str, manage_token: str) -> Appointment:
    """The appointment a manage token opens; the same error for a wrong code or token."""
    with scopes_disabled():
        appointment = (
            Appointment.objects.filter(code=code.upper())
            .select_related("office", "service")
            .first()
        )
    if appointment is None or not secrets.compare_digest(
        appointment.manage_token_hash, token_hash(manage_token)
    ):
        raise TokenInvalid
    return appointment


def appointment_by_confirm_token(*, code: str, confirm_token: str) -> Appointment:
    with scopes_disabled():
        appointment = (
            Appointment.objects.filter(code=code.upper())
            .select_related("office", "service")
            .first()
        )
    if (
        appointment is None
        or not appointment.confirm_token_hash
        or not secrets.compare_digest(appointment.confirm_token_hash, token_hash(confirm_token))
    ):
        raise TokenInvalid
    return appointment


def appointment_confirm(*, appointment: Appointment, confirm_token: str, now: datetime) -> None:
    if not appointment.confirm_token_hash or not secrets.compare_digest(
        appointment.confirm_token_hash, token_hash(confirm_token)
    ):
        raise TokenInvalid
    office = appointment.office
    with transaction.atomic(), scope(office=office):
        _bounded_lock_wait()
        locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
        seats = list(Seat.objects.select_for_update().filter(appointment=locked))
        if (
            locked.status != Status.PENDING
            or not locked.hold_expires_at
            or locked.hold_expires_at < now
            or not seats
        ):
            raise TokenInvalid
        Seat.objects.filter(pk__in=[s.pk for s in seats]).update(held_until=None)
        locked.status = Status.CONFIRMED
        locked.confirmed_at = now
        locked.confirm_token_hash = ""
        locked.hold_expires_at = None
        locked.save(
            update_fields=["status", "confirmed_at", "confirm_token_hash", "hold_expires_at"]
        )
        audit_record(
            office=office,
            acting_user=None,
            action="appointments.appointment.confirmed",
            target=locked,
        )
        # An accepted waiting-list offer ends the wait.
        WaitlistEntry.objects.filter(appointment=locked).update(status=WaitlistStatus.BOOKED)
        _notify_on_commit(locked, "confirmed")
    appointment.refresh_from_db()


def _release_seats(appointment: Appointment, now: datetime) -> None:
    delay = timedelta(minutes=policy_for(appointment.office).deallocation_minutes)
    Seat.objects.filter(appointment=appointment).update(
        appointment=None, held_until=None, free_from=now + delay
    )


def appointment_cancel(
    *, appointment: Appointment, now: datetime, acting_user: Actor = None, notify: bool = True
) -> None:
    office = appointment.office
    with transaction.atomic(), scope(office=office):
        _bounded_lock_wait()
        locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if locked.status not in ACTIVE_STATUSES or locked.start <= now:
            raise NotChangeable
        _release_seats(locked, now)
        locked.status = Status.CANCELLED
        locked.cancelled_at = now
        locked.save(update_fields=["status", "cancelled_at"])
        audit_record(
            office=office,
            acting_user=acting_user,
            action="appointments.appointment.cancelled",
            target=locked,
        )
        if notify:
            _notify_on_commit(locked, "cancelled")
    appointment.refresh_from_db()


def appointment_reschedule(
    *, appointment: Appointment, start: datetime, now: datetime, acting_user: Actor = None
) -> None:
    """Move to a new time: the new seats are taken before the old ones are let go."""
    office = appointment.office
    offered = _offered(office, appointment.service, appointment.channel)
    _check_window(office, offered, start, now)
    policy = _policy_of(offered)
    starts = _unit_starts_for(offered, start, appointment.persons, policy.slot_minutes)
    try:
        with transaction.atomic(), scope(office=office):
            _bounded_lock_wait()
            locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
            if locked.status not in (Status.PENDING, Status.CONFIRMED) or locked.start <= now:
                raise NotChangeable
            old_seats = list(Seat.objects.filter(appointment=locked).values_list("pk", flat=True))
            channels = (
                [Channel.ONLINE]
                if locked.channel == Channel.ONLINE
                else [Channel.STAFF, Channel.ONLINE]
            )
            _claim_seats(
                office=office,
                service=locked.service,
                starts=starts,
                channels=channels,
                appointment=locked,
                held_until=locked.hold_expires_at,
                now=now,
            )
            delay = timedelta(minutes=policy.deallocation_minutes)
            Seat.objects.filter(pk__in=old_seats).update(
                appointment=None, held_until=None, free_from=now + delay
            )
            previous = locked.start
            locked.start = start
            locked.end = start + (locked.end - previous)
            locked.reminder_sent_at = None
            locked.save(update_fields=["start", "end", "reminder_sent_at"])
            audit_record(
                office=office,
                acting_user=acting_user,
                action="appointments.appointment.rescheduled",
                target=locked,
                data={"from": previous.isoformat(), "to": start.isoformat()},
            )
            _notify_on_commit(locked, "rescheduled")
    except OperationalError as error:
        raise Busy from error
    appointment.refresh_from_db()


def _notify_on_commit(appointment: Appointment, kind: str, extra: dict | None = None) -> None:
    from schalter.appointments.notifications import queue_appointment_mail

    queue_appointment_mail(appointment, kind, extra)
