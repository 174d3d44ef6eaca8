"""The office's records read for calibration: tickets with their calls, kept bookings, desks."""

from datetime import timedelta

import pytest

from schalter.accounts.actors import CLIENT, COMMAND
from schalter.planning.calibration import calibrate
from schalter.planning.selectors import (
    booking_records,
    desk_specs,
    opening_by_weekday,
    rules_on,
    visit_records,
)
from schalter.visits import services
from schalter.visits.models import Outcome
from tests.visits.conftest import book, desks, groups, now, sessions, walk_in  # noqa: F401


def serve(session, at, minutes):
    ticket = services.ticket_call_next(desk_session=session, now=at, acting_user=COMMAND)
    services.ticket_start(desk_session=session, ticket=ticket, now=at, acting_user=COMMAND)
    services.ticket_finish(
        desk_session=session,
        ticket=ticket,
        outcome=Outcome.COMPLETED,
        now=at + timedelta(minutes=minutes),
        acting_user=COMMAND,
    )
    return ticket


@pytest.mark.django_db
def test_visits_and_bookings_in_minutes_after_opening(office, groups, now, sessions, book):  # noqa: F811
    (session,) = sessions(1)
    walk_in(office, groups["A"], now)  # 09:00, the office opens at 08:00
    serve(session, now + timedelta(minutes=10), 14)
    appointment = book(now + timedelta(minutes=30))
    services.ticket_check_in(
        office=office,
        code=appointment.code,
        now=now + timedelta(minutes=25),
        acting_user=CLIENT,
    )
    serve(session, now + timedelta(minutes=32), 13)

    assert opening_by_weekday(office)[0][1] == 240  # 08:00–12:00
    day = now.date()
    visits = visit_records(office, day, day)
    assert [(v.arrival, v.called, v.finished, v.appointment) for v in visits] == [
        (60.0, 70.0, 84.0, None),
        (85.0, 92.0, 105.0, 90.0),
    ]
    assert visits[0].wait == 10.0 and visits[1].duration == 13.0
    bookings = booking_records(office, day, day)
    assert [(b.start, b.kept) for b in bookings] == [(90.0, True)]
    assert visit_records(office, day + timedelta(days=1), day + timedelta(days=1)) == []

    calibration = calibrate(visits, bookings, open_minutes=240)
    assert calibration.no_show == {bookings[0].service: 0.0}
    assert calibration.punctuality.mean_minutes == -5.0


@pytest.mark.django_db
def test_desks_and_rules(office, desks, now):  # noqa: F811
    specs = desk_specs(office)
    assert len(specs) == 3 and all(d.services is None for d in specs)
    assert rules_on(office, now.date()) == []
