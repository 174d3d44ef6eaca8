"""Which steps an appointment allows (`appointments/transitions.py`): the one rule the services
enforce under lock and the staff pages ask; and the one mass-cancellation window."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.utils import translation
from django_scopes import scopes_disabled

from schalter.appointments import transitions
from schalter.appointments.calendar_selectors import cancellation_window
from schalter.appointments.models import Appointment, BookingPolicy, Status
from schalter.offices.models import Office
from tests.conftest import build_office

OFFICE = Office(slug="giessen", time_zone="Europe/Berlin")
NOW = datetime(2027, 6, 7, 8, 0, tzinfo=UTC)  # Monday 10:00 in Giessen


def appointment(status: str, start: datetime) -> Appointment:
    return Appointment(status=status, start=start, end=start + timedelta(minutes=10))


def allowed(status: str, start: datetime) -> set[str]:
    return {
        step
        for step, ok in transitions.allowed(appointment(status, start), OFFICE, NOW).items()
        if ok
    }


@pytest.mark.parametrize(
    "status, start, steps",
    [
        (Status.CONFIRMED, NOW + timedelta(hours=1), {"move", "cancel", "arrived"}),
        (Status.CONFIRMED, NOW, {"arrived", "no_show"}),  # begun: no longer moved or cancelled
        (Status.CONFIRMED, NOW - timedelta(days=3), {"arrived", "no_show"}),  # noted late
        (Status.CONFIRMED, NOW + timedelta(days=1), {"move", "cancel"}),  # not today yet
        # 23:30 in Giessen is still today there, though it is tomorrow in UTC: arrived, not absent
        (Status.CONFIRMED, datetime(2027, 6, 7, 21, 30, tzinfo=UTC), {"move", "cancel", "arrived"}),
        (Status.PENDING, NOW + timedelta(hours=1), {"move", "cancel"}),
        (Status.HELD, NOW + timedelta(hours=1), {"cancel"}),
        (Status.CANCELLED, NOW + timedelta(hours=1), set()),
        (Status.ARRIVED, NOW - timedelta(hours=1), set()),
        (Status.NO_SHOW, NOW - timedelta(hours=1), set()),
    ],
)
def test_allowed_steps(status, start, steps):
    assert allowed(status, start) == steps


@translation.override("en")
def test_refusals_say_why():
    messages = {
        step: str(transitions.refusal(step, appointment(status, start), OFFICE, NOW).message)
        for step, status, start in [
            ("arrived", Status.PENDING, NOW),
            ("arrived", Status.CONFIRMED, NOW + timedelta(days=1)),
            ("no_show", Status.CONFIRMED, NOW + timedelta(minutes=1)),
            ("cancel", Status.CONFIRMED, NOW),
        ]
    }
    assert messages == {
        "arrived": "Only appointments of today or earlier can be marked.",
        "no_show": "A client can be marked as absent only once her time has begun.",
        "cancel": "This appointment can no longer be changed.",
    }
    refused = transitions.refusal("arrived", appointment(Status.PENDING, NOW), OFFICE, NOW)
    assert str(refused.message) == "Only confirmed appointments can be marked."
    with pytest.raises(type(refused)):
        transitions.require("move", appointment(Status.CANCELLED, NOW), OFFICE, NOW)


def test_the_mass_cancellation_window_is_clipped_to_now_only_for_the_block():
    day = date(2027, 6, 7)
    whole = cancellation_window(OFFICE, day, None, None, now=NOW)
    assert (whole.start, whole.end) == (
        datetime(2027, 6, 6, 22, 0, tzinfo=UTC),
        datetime(2027, 6, 7, 22, 0, tzinfo=UTC),
    )
    assert whole.block_start == NOW
    part = cancellation_window(OFFICE, day, time(11, 0), time(12, 0), now=NOW)
    assert (part.start, part.end, part.block_start) == (
        datetime(2027, 6, 7, 9, 0, tzinfo=UTC),
        datetime(2027, 6, 7, 10, 0, tzinfo=UTC),
        datetime(2027, 6, 7, 9, 0, tzinfo=UTC),
    )


@pytest.mark.django_db
def test_an_office_gets_its_booking_policy_when_it_is_set_up():
    office = build_office("giessen", desks=1)
    assert BookingPolicy.objects.filter(office=office).count() == 1
    with scopes_disabled():
        office.save()  # saved again: still one
    assert BookingPolicy.objects.filter(office=office).count() == 1
