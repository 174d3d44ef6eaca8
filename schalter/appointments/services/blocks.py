"""Time blocks: time nobody can book. Their seats are marked blocked while any block covers them
(`Seat.blocked`; appointments booked before keep their seats)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db import OperationalError, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import scope

from schalter.accounts.services import Actor, audit_record
from schalter.appointments import calendar_selectors
from schalter.appointments.errors import Busy, PlanningError
from schalter.appointments.models import Seat, TimeBlock
from schalter.locks import bounded_lock_wait
from schalter.offices.models import Office
from schalter.text import one_line

LONGEST_BLOCK = timedelta(days=31)


def _serialise_blocks(office: Office) -> None:
    """Block changes of one office run one after another, so a removal never frees a seat that a
    block added meanwhile covers."""
    Office.objects.select_for_update().filter(pk=office.pk).first()


def _block_seats(office: Office, start: datetime, end: datetime) -> int:
    """Mark the seats in [start, end) blocked; returns how many were not blocked before."""
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
    acting_user: Actor,
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
            bounded_lock_wait()
            _serialise_blocks(office)
            block = TimeBlock.objects.create(
                office=office,
                start=start,
                end=end,
                reason=one_line(reason)[:200],
                created_by=acting_user if isinstance(acting_user, User) else None,
            )
            seats = _block_seats(office, start, end)
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
            _block_seats(office, block.start, block.end)
            for block in TimeBlock.objects.filter(office=office, end__gt=now)
        )


def time_block_remove(*, block: TimeBlock, acting_user: Actor) -> int:
    """Undo a block: its seats become bookable again, unless another block still covers them.
    Returns how many seats became bookable again."""
    office = block.office
    try:
        with transaction.atomic(), scope(office=office):
            bounded_lock_wait()
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
                    office=office, start__gte=block.start, start__lt=block.end, blocked=True
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
