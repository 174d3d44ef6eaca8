"""The seat rule's three forms (ORM, SQL, Python: `appointments/seats.py`) agree on generated
seats and times, on whichever database the suite runs (SQLite and PostgreSQL)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction
from django_scopes import scopes_disabled
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from schalter.appointments.models import Appointment, Channel, Seat, Status
from schalter.appointments.seats import (
    FREE_SEAT_SQL,
    FREE_SEAT_SQL_PARAMS,
    SEAT_STATE_FIELDS,
    booked_seat_q,
    channels_for,
    free_seat_q,
    seat_is_free,
    seat_state,
)
from schalter.catalog.models import Service
from tests.conftest import build_office

pytestmark = pytest.mark.django_db

BASE = datetime(2027, 6, 7, 7, 0, tzinfo=UTC)
# A few minutes around BASE, so equal times (the edges of every comparison) come up often.
moments = st.integers(-2, 2).map(lambda minutes: BASE + timedelta(minutes=minutes))
seats = st.fixed_dictionaries(
    {
        "held": st.booleans(),
        "held_until": st.none() | moments,
        "blocked": st.booleans(),
        "released_at": moments,
        "free_from": st.none() | moments,
        "channel": st.sampled_from(Channel.values),
    }
)


@pytest.fixture
def office_with_appointment():
    office = build_office("giessen", desks=1)
    with scopes_disabled():
        appointment = Appointment.objects.create(
            office=office,
            service=Service.objects.get(slug="card-pick-up"),
            code="SEATTEST",
            manage_token_hash="",
            status=Status.CONFIRMED,
            start=BASE,
            end=BASE + timedelta(minutes=10),
            name="Test",
            email="test@example.org",
        )
    return office, appointment


def free_by_sql(office, now: datetime) -> set[int]:
    at = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.id FROM {Seat._meta.db_table} s WHERE s.office_id = %s AND {FREE_SEAT_SQL}",  # noqa: S608
            [office.pk, *[at] * FREE_SEAT_SQL_PARAMS],
        )
        return {row[0] for row in cursor.fetchall()}


@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(generated=st.lists(seats, min_size=1, max_size=8), now=moments)
def test_orm_sql_and_python_forms_agree(office_with_appointment, generated, now):
    office, appointment = office_with_appointment
    with transaction.atomic(), scopes_disabled():
        Seat.objects.bulk_create(
            Seat(
                office=office,
                start=BASE,
                channel=seat["channel"],
                index=index,
                appointment=appointment if seat["held"] else None,
                held_until=seat["held_until"],
                blocked=seat["blocked"],
                released_at=seat["released_at"],
                free_from=seat["free_from"],
            )
            for index, seat in enumerate(generated)
        )
        rows = list(Seat.objects.filter(office=office).values("id", *SEAT_STATE_FIELDS))
        by_orm = set(
            Seat.objects.filter(free_seat_q(now), office=office).values_list("pk", flat=True)
        )
        booked_by_orm = set(
            Seat.objects.filter(booked_seat_q(now), office=office).values_list("pk", flat=True)
        )
        by_sql = free_by_sql(office, now)
        transaction.set_rollback(True)
    by_python = {row["id"] for row in rows if seat_is_free(row, now)}
    for row in rows:
        event(seat_state(row, now))
    assert by_orm == by_sql == by_python
    assert booked_by_orm == {row["id"] for row in rows if seat_state(row, now) == "booked"}


def test_states_in_order_of_precedence():
    now = BASE
    seat = {
        "appointment_id": 1,
        "held_until": None,
        "blocked": True,
        "released_at": now,
        "free_from": None,
    }
    assert seat_state(seat, now) == "booked"  # a block never takes a booked seat away
    assert seat_state({**seat, "held_until": now - timedelta(seconds=1)}, now) == "blocked"
    assert seat_state({**seat, "appointment_id": None, "blocked": False}, now) == "free"
    later = now + timedelta(seconds=1)
    unheld = {**seat, "appointment_id": None, "blocked": False}
    assert seat_state({**unheld, "released_at": later}, now) == "withheld"
    assert seat_state({**unheld, "free_from": later}, now) == "withheld"


def test_online_bookings_use_online_seats_staff_their_own_first():
    assert channels_for(Channel.ONLINE) == [Channel.ONLINE]
    assert channels_for(Channel.STAFF) == [Channel.STAFF, Channel.ONLINE]
