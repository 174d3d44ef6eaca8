"""Writes that only staff make: arrivals and no-shows, time blocks, cancelling a whole day, and
ending an availability rule without dropping what is booked. Each runs in one transaction with
its audit row; booking, moving and cancelling one appointment are in services.py."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import OperationalError, transaction
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_scopes import scope

from schalter.accounts.services import Actor, audit_record
from schalter.appointments import calendar_selectors, selectors
from schalter.appointments.errors import BookingError, Busy, NotChangeable
from schalter.appointments.models import (
    Appointment,
    AvailabilityRule,
    Seat,
    Status,
    TimeBlock,
)
from schalter.appointments.notifications import queue_appointment_mail
from schalter.appointments.seats import unheld_seat_q
from schalter.appointments.services import (
    _bounded_lock_wait,  # the same ≈3 s lock wait as every booking write
    appointment_cancel,
)
from schalter.offices.models import Office

ALTERNATIVES_OFFERED = 3
LONGEST_BLOCK = timedelta(days=31)

# Why the office cancels: said to each client in her own language (the mail renders these lazily).
CANCELLATION_REASONS: dict[str, Promise] = {
    "closed": _("The office has to close at this time."),
    "illness": _("Several colleagues are ill."),
    "fault": _("There is a technical fault."),
    "other": _("We apologise for the inconvenience."),
}


class PlanningError(BookingError):
    status = 400
    code = "invalid_plan"
    message = _("This change cannot be made.")


def _mark(
    *, appointment: Appointment, status: str, now: datetime, action: str, acting_user: Actor
) -> None:
    office = appointment.office
    with transaction.atomic(), scope(office=office):
        _bounded_lock_wait()
        locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if locked.status != Status.CONFIRMED:
            raise NotChangeable(_("Only confirmed appointments can be marked."))
        if locked.start.astimezone(office.zone).date() > now.astimezone(office.zone).date():
            raise NotChangeable(_("Only appointments of today or earlier can be marked."))
        if status == Status.NO_SHOW and locked.start > now:
            raise NotChangeable(_("A client can be marked as absent only once her time has begun."))
        locked.status = status
        locked.save(update_fields=["status"])
        audit_record(
            office=office,
            acting_user=acting_user,
            action=action,
            target=locked,
            data={"at": now.isoformat()},
        )
    appointment.refresh_from_db()


def appointment_mark_arrived(
    *, appointment: Appointment, now: datetime, acting_user: Actor = None
) -> None:
    """The client is here: a confirmed appointment of today (or earlier, if noted late)."""
    _mark(
        appointment=appointment,
        status=Status.ARRIVED,
        now=now,
        action="appointments.appointment.arrived",
        acting_user=acting_user,
    )


def appointment_mark_no_show(
    *, appointment: Appointment, now: datetime, acting_user: Actor = None
) -> None:
    """The client did not come: a confirmed appointment whose time has begun."""
    _mark(
        appointment=appointment,
        status=Status.NO_SHOW,
        now=now,
        action="appointments.appointment.no_show",
        acting_user=acting_user,
    )


def _serialise_blocks(office: Office) -> None:
    """Block changes of one office run one after another, so overlapping blocks never shift a
    seat twice or release a seat another block still covers."""
    Office.objects.select_for_update().filter(pk=office.pk).first()


def _shift_into_block(office: Office, start: datetime, end: datetime) -> int:
    return Seat.objects.filter(
        office=office, start__gte=start, start__lt=end, blocked=False
    ).update(blocked=True)


@dataclass(frozen=True)
class Blocked:
    block: TimeBlock
    seats: int  # seats taken out of booking
    appointments_inside: int  # booked before the block; they keep their time


def time_block_add(
    *,
    office: Office,
    start: datetime,
    end: datetime,
    reason: str,
    now: datetime,
    acting_user: Actor = None,
) -> Blocked:
    """Take every seat in [start, end) out of booking, also seats that free up later."""
    if not start < end:
        raise PlanningError(_("The end must be after the start."), field="end")
    if end <= now:
        raise PlanningError(_("This time has already passed."), field="end")
    if end - start > LONGEST_BLOCK:
        raise PlanningError(
            _("Block at most %(days)s days at once; add a closure for longer.")
            % {"days": LONGEST_BLOCK.days},
            field="end",
        )
    try:
        with transaction.atomic(), scope(office=office):
            _bounded_lock_wait()
            _serialise_blocks(office)
            block = TimeBlock.objects.create(
                office=office,
                start=start,
                end=end,
                reason=reason.strip()[:200],
                created_by=acting_user if acting_user and acting_user.is_authenticated else None,
            )
            seats = _shift_into_block(office, start, end)
            inside = calendar_selectors.cancellable_appointments(
                office, start, end, now=now
            ).count()
            audit_record(
                office=office,
                acting_user=acting_user,
                action="appointments.time.blocked",
                target=block,
                data={"start": start.isoformat(), "end": end.isoformat(), "seats": seats},
            )
    except OperationalError as error:
        raise Busy from error
    return Blocked(block, seats, inside)


def time_blocks_reapply(*, office: Office, now: datetime) -> int:
    """Block seats created after their block (a new rule, newly generated days). Run after
    seats_generate; returns how many seats it took out of booking."""
    with transaction.atomic(), scope(office=office):
        _serialise_blocks(office)
        return sum(
            _shift_into_block(office, block.start, block.end)
            for block in TimeBlock.objects.filter(office=office, end__gt=now)
        )


def time_block_remove(*, block: TimeBlock, acting_user: Actor = None) -> int:
    """Undo a block: its seats get their own release time back, unless another block still
    covers them. Returns how many seats became bookable again."""
    office = block.office
    try:
        with transaction.atomic(), scope(office=office):
            _bounded_lock_wait()
            _serialise_blocks(office)
            if not TimeBlock.objects.filter(pk=block.pk).exists():
                return 0  # removed in a parallel request
            others = TimeBlock.objects.filter(
                office=office, start__lt=block.end, end__gt=block.start
            ).exclude(pk=block.pk)
            still_blocked = Q(pk__in=[])
            for other in others:
                still_blocked |= Q(start__gte=other.start, start__lt=other.end)
            restored = (
                Seat.objects.filter(
                    office=office,
                    start__gte=block.start,
                    start__lt=block.end,
                    blocked=True,
                )
                .exclude(still_blocked)
                .update(blocked=False)
            )
            audit_record(
                office=office,
                acting_user=acting_user,
                action="appointments.time.unblocked",
                target=block,
                data={
                    "start": block.start.isoformat(),
                    "end": block.end.isoformat(),
                    "seats": restored,
                },
            )
            TimeBlock.objects.filter(pk=block.pk).delete()
    except OperationalError as error:
        raise Busy from error
    return restored


@dataclass
class MassCancellation:
    cancelled: list[Appointment] = field(default_factory=list)
    notified: list[Appointment] = field(default_factory=list)  # an e-mail is on its way
    unreachable: list[Appointment] = field(default_factory=list)  # no e-mail: call them
    skipped: int = 0  # changed by someone else meanwhile
    block: TimeBlock | None = None


def _alternatives(
    office: Office, appointment: Appointment, now: datetime, cache: dict
) -> list[datetime]:
    """The earliest free online times for her service and party, in the office's zone."""
    key = (appointment.service_id, appointment.persons)
    if key not in cache:
        offered = selectors.offered_service(office, appointment.service_id)
        found: list[datetime] = []
        if offered is not None:
            today = now.astimezone(office.zone).date()
            # Uncached on purpose: the 1-second availability cache may predate the new block.
            free = selectors.free_times(
                office, offered, today, now=now, persons=appointment.persons, cached=False
            )
            found = [t.start.astimezone(office.zone) for t in free[:ALTERNATIVES_OFFERED]]
        cache[key] = found
    return cache[key]


def appointments_cancel_by_office(
    *,
    office: Office,
    day: date,
    start_time: time | None = None,
    end_time: time | None = None,
    reason: str,
    now: datetime,
    acting_user: Actor = None,
) -> MassCancellation:
    """Cancel every active appointment of a day (or part of it) that has not begun, block that
    time, and write to each client in her language with the earliest free times for her
    service. All or nothing: the mails leave only after the commit."""
    if reason not in CANCELLATION_REASONS:
        raise PlanningError(field="reason")
    zone = office.zone
    day_start, day_end = calendar_selectors.day_bounds(office, day)
    start = datetime.combine(day, start_time, tzinfo=zone) if start_time else day_start
    end = datetime.combine(day, end_time, tzinfo=zone) if end_time else day_end
    if not start < end:
        raise PlanningError(_("The end must be after the start."), field="end_time")
    if end <= now:
        raise PlanningError(_("This time has already passed."), field="day")
    result = MassCancellation()
    alternatives_cache: dict = {}
    reason_text = CANCELLATION_REASONS[reason]
    try:
        with transaction.atomic(), scope(office=office):
            _bounded_lock_wait()
            targets = list(calendar_selectors.cancellable_appointments(office, start, end, now=now))
            result.block = time_block_add(
                office=office,
                start=max(start, now),
                end=end,
                reason=str(reason_text),
                now=now,
                acting_user=acting_user,
            ).block
            for appointment in targets:
                try:
                    appointment_cancel(
                        appointment=appointment, now=now, acting_user=acting_user, notify=False
                    )
                except NotChangeable:
                    result.skipped += 1
                    continue
                result.cancelled.append(appointment)
                if not appointment.email:
                    result.unreachable.append(appointment)
                    continue
                extra = {
                    "reason_key": reason,  # translated into her language when the mail renders
                    "alternatives": _alternatives(office, appointment, now, alternatives_cache),
                }
                queue_appointment_mail(appointment, "cancelled_by_office", extra)
                result.notified.append(appointment)
            audit_record(
                office=office,
                acting_user=acting_user,
                action="appointments.appointment.mass_cancelled",
                target=result.block,
                data={
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                    "reason": reason,
                    "cancelled": len(result.cancelled),
                    "notified": len(result.notified),
                    "skipped": result.skipped,
                },
            )
    except OperationalError as error:
        raise Busy from error
    return result


@dataclass(frozen=True)
class RuleEnded:
    seats_deleted: int
    seats_kept: int  # booked: their appointments now show as conflicts


def availability_rule_end(
    *, rule: AvailabilityRule, last_day: date, now: datetime, acting_user: Actor = None
) -> RuleEnded:
    """Let a rule end after last_day. Its free seats after that day go; booked seats stay with
    their appointments, which the conflict list then shows until staff move or cancel them."""
    office = rule.office
    today = now.astimezone(office.zone).date()
    if last_day < today - timedelta(days=1):
        raise PlanningError(_("A rule can end yesterday at the earliest."), field="last_day")
    try:
        with transaction.atomic(), scope(office=office):
            _bounded_lock_wait()
            locked = AvailabilityRule.objects.select_for_update().get(pk=rule.pk)
            if locked.valid_until is not None and locked.valid_until <= last_day:
                raise PlanningError(
                    _("This rule already ends on %(day)s.")
                    % {"day": date_format(locked.valid_until, "SHORT_DATE_FORMAT")},
                    field="last_day",
                )
            cutoff = max(
                now, calendar_selectors.day_bounds(office, last_day + timedelta(days=1))[0]
            )
            later = Seat.objects.filter(rule=locked, start__gte=cutoff)
            # Lock them first: a booking that claims one meanwhile either finished (and its
            # seat is kept) or waits and then finds the seat gone.
            list(later.select_for_update().values_list("pk", flat=True))
            _total, by_model = later.filter(unheld_seat_q(now)).delete()
            deleted = by_model.get(Seat._meta.label, 0)
            kept = later.count()
            locked.valid_until = last_day
            locked.save(update_fields=["valid_until"])
            audit_record(
                office=office,
                acting_user=acting_user,
                action="appointments.rule.ended",
                target=locked,
                data={"last_day": last_day.isoformat(), "deleted": deleted, "kept": kept},
            )
    except OperationalError as error:
        raise Busy from error
    rule.refresh_from_db()
    return RuleEnded(deleted, kept)
