"""When a seat is free, and which channels may use it: the one home of the rule.

A seat is free when it is not blocked (a time block covers it), nobody holds it (no appointment,
or the appointment's unconfirmed hold ran out), it is released (its day has appeared), and it is
past any anti-trading delay after a cancellation (`free_from`). The rule is written three times,
side by side, because three kinds of code read it: the ORM (`free_seat_q`: availability), raw SQL
(`FREE_SEAT_SQL`: the booking claim's one statement) and Python over rows already read
(`seat_state`: the staff calendar). `tests/appointments/test_seats.py` checks that the three agree
on generated seats and times, on SQLite and PostgreSQL; change all three together."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from django.db.models import Q

from schalter.appointments.models import Channel

SeatState = Literal["booked", "blocked", "free", "withheld"]
# The columns `seat_state` reads (a row from `Seat.objects.values(*SEAT_STATE_FIELDS)`).
SEAT_STATE_FIELDS = ("appointment_id", "held_until", "blocked", "released_at", "free_from")


def channels_for(channel: str) -> list[str]:
    """The seats a booking may take: online bookings online seats only; staff book their own
    seats first (the claim orders by channel), then online ones."""
    return [Channel.ONLINE] if channel == Channel.ONLINE else [Channel.STAFF, Channel.ONLINE]


def unheld_seat_q(now: datetime) -> Q:
    """Seats no appointment holds at `now` (none, or its unconfirmed hold ran out)."""
    return Q(appointment__isnull=True) | Q(held_until__lt=now)


def booked_seat_q(now: datetime) -> Q:
    """Seats an appointment holds at `now`: "booked" in `seat_state`."""
    return Q(appointment__isnull=False) & (Q(held_until__isnull=True) | Q(held_until__gte=now))


def free_seat_q(now: datetime) -> Q:
    """The ORM form: seats free at `now`."""
    returned = Q(free_from__isnull=True) | Q(free_from__lte=now)
    return Q(blocked=False) & unheld_seat_q(now) & Q(released_at__lte=now) & returned


# The SQL form, for a seat aliased `s`; its three parameters are all `now` (as the database
# adapts a datetime: `connection.ops.adapt_datetimefield_value`). A plain condition on the seat's
# own columns, so the claim needs no join for it.
FREE_SEAT_SQL = (
    "NOT s.blocked AND (s.appointment_id IS NULL OR s.held_until < %s) AND s.released_at <= %s"
    " AND (s.free_from IS NULL OR s.free_from <= %s)"
)
FREE_SEAT_SQL_PARAMS = 3  # how many times `now` is passed


def seat_state(seat: Mapping[str, Any], now: datetime) -> SeatState:
    """The Python form, on a row with SEAT_STATE_FIELDS: booked (an appointment holds it),
    blocked (a time block covers it), free, or withheld (not released yet, or in the
    anti-trading delay after a cancellation). "free" exactly when `free_seat_q` matches."""
    if seat["appointment_id"] is not None and (
        seat["held_until"] is None or seat["held_until"] >= now
    ):
        return "booked"
    if seat["blocked"]:
        return "blocked"
    if seat["released_at"] <= now and (seat["free_from"] is None or seat["free_from"] <= now):
        return "free"
    return "withheld"


def seat_is_free(seat: Mapping[str, Any], now: datetime) -> bool:
    return seat_state(seat, now) == "free"
