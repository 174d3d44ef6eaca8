"""Each figure computed from a known event history, built through the services, compared with
values worked out by hand (docs/insights.md says how each is counted)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django_scopes import scopes_disabled

from schalter.accounts.actors import CLIENT, COMMAND
from schalter.appointments import services as booking
from schalter.appointments.models import Channel
from schalter.insights.models import DailyFigure, DeskDay, FreeDaySample
from schalter.insights.rollups import (
    closed_days_rollup,
    day_rollup,
    free_days_sample,
    insights_tick,
)
from schalter.insights.selectors import daily_spread, period_figures
from schalter.offices.services import closure_add
from schalter.visits import services
from schalter.visits.errors import OfficeClosed
from tests.conftest import make_bookable
from tests.insights.conftest import MONDAY_9, walk_in

BERLIN = ZoneInfo("Europe/Berlin")
DAY = MONDAY_9.date()


def at(hour, minute, day=DAY):
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BERLIN)


def call(session, now):
    return services.ticket_call_next(desk_session=session, now=now, acting_user=COMMAND)


def start(session, ticket, now):
    return services.ticket_start(desk_session=session, ticket=ticket, now=now, acting_user=COMMAND)


def finish(session, ticket, now):
    return services.ticket_finish(
        desk_session=session, ticket=ticket, outcome="completed", now=now, acting_user=COMMAND
    )


def figures(office, first=DAY, last=DAY, **filters):
    return period_figures(office, first, last, **filters)


def test_a_ticket_parked_and_resumed(office, groups, sessions, now):
    (desk,) = sessions(1)
    first = walk_in(office, groups["A"], at(9, 0))
    second = walk_in(office, groups["A"], at(9, 1))
    assert call(desk, at(9, 12)) == first
    start(desk, first, at(9, 14))
    services.ticket_park(desk_session=desk, ticket=first, now=at(9, 20), acting_user=COMMAND)
    services.ticket_recall(desk_session=desk, ticket=first, now=at(9, 40), acting_user=COMMAND)
    start(desk, first, at(9, 41))
    finish(desk, first, at(9, 50))
    assert call(desk, at(9, 51)) == second
    start(desk, second, at(9, 53))
    finish(desk, second, at(10, 3) + timedelta(seconds=30))

    day_rollup(office=office, day=DAY, now=at(13, 0))
    got = figures(office)
    # Waits: 12 (first, to its first call) and 50 (second); the park adds no second wait.
    assert got.spreads["waiting"].n == 2
    assert (got.spreads["waiting"].median, got.spreads["waiting"].p90) == (12, 50)
    # Way: first start 9:14 minus the call before it 9:12; second 9:53 − 9:51.
    assert got.spreads["way"].median == 2 and got.spreads["way"].n == 2
    # Service: 9:14 → 9:50 (the parked time included) = 36; 9:53 → 10:03:30 = 10.
    assert (got.spreads["service_time"].median, got.spreads["service_time"].p90) == (10, 36)
    assert got.counts["tickets"] == got.counts["walk_ins"] == got.counts["served"] == 2
    assert got.rate("walk_ins", "tickets") == 100.0
    assert got.issued_by_hour == {9: 2}


def test_a_client_transferred(office, groups, sessions, now):
    one, two = sessions(2)
    ticket = walk_in(office, groups["A"], at(9, 0))
    call(one, at(9, 5))
    start(one, ticket, at(9, 6))
    services.ticket_transfer(
        desk_session=one, ticket=ticket, to_group=groups["B"], now=at(9, 10), acting_user=COMMAND
    )
    assert call(two, at(9, 20)) == ticket
    start(two, ticket, at(9, 21))
    finish(two, ticket, at(9, 31))

    day_rollup(office=office, day=DAY, now=at(13, 0))
    with scopes_disabled():
        (row,) = DailyFigure.objects.filter(office=office, day=DAY)
    assert row.group_id == groups["B"].pk  # counted in the queue that served it last
    assert row.waiting == {"5": 1}  # to the first call only
    assert row.way == {"1": 1}  # first call 9:05 → first start 9:06
    assert row.service_time == {"25": 1}  # 9:06 → 9:31, the second queue included
    assert row.tickets == 1 and row.served == 1


def test_appointments_early_late_no_show_cancelled(office, groups, sessions, now):
    week_before = now - timedelta(days=7)
    with time_machine.travel(week_before, tick=False):
        offered = make_bookable(office, days=14)

        def book(start, email):
            return booking.appointment_book(
                office=office,
                service=offered["long"],
                start=start,
                name="Ayşe Yılmaz",
                email=email,
                channel=Channel.STAFF,
                now=week_before,
                acting_user=COMMAND,
            ).appointment

        late = book(at(9, 0), "late@example.org")
        early = book(at(9, 30), "early@example.org")
        absent = book(at(10, 0), "absent@example.org")
        dropped = book(at(10, 30), "dropped@example.org")
        booking.appointment_cancel(
            appointment=dropped, now=week_before, acting_user=COMMAND, notify=False
        )
    (desk,) = sessions(1)

    def check_in(appointment, moment):
        return services.ticket_check_in(
            office=office, code=appointment.code, now=moment, acting_user=CLIENT
        ).ticket

    came_late = check_in(late, at(9, 10))
    came_early = check_in(early, at(9, 20))
    assert call(desk, at(9, 15)) == came_late
    start(desk, came_late, at(9, 16))
    finish(desk, came_late, at(9, 34))
    assert call(desk, at(9, 35)) == came_early
    start(desk, came_early, at(9, 37))
    finish(desk, came_early, at(10, 0))

    day_rollup(office=office, day=DAY, now=at(13, 0))
    got = figures(office)
    # Late: from arrival 9:10 to call 9:15 = 5. Early: from booked start 9:30 to 9:35 = 5.
    assert got.spreads["waiting"].n == 2 and got.spreads["waiting"].p90 == 5
    assert got.counts["booked"] == 4
    assert got.counts["arrived"] == 2
    assert got.counts["late"] == 1 and got.spreads["lateness"].median == 10
    assert got.counts["no_shows"] == 1 and got.counts["cancelled"] == 1
    assert got.counts["walk_ins"] == 0
    assert got.leads["booked_by_lead"] == {"2-7": 4}
    assert got.leads["no_shows_by_lead"] == {"2-7": 1}
    assert got.leads["cancelled_by_lead"] == {"2-7": 1}
    assert got.rate("no_shows", "booked") == 25.0
    assert absent.pk  # kept for the count above: booked, never came


def test_expected_wait_accuracy_and_desk_hours(office, groups, sessions, now):
    (desk,) = sessions(1)  # open from 9:00
    ticket = walk_in(office, groups["A"], at(9, 0))
    other = walk_in(office, groups["A"], at(9, 0))
    told = other.predicted_wait_minutes
    call(desk, at(9, 2))
    finish(desk, start(desk, ticket, at(9, 3)), at(9, 10))
    call(desk, at(9, 40))
    services.desk_session_close(session=desk, now=at(10, 30), acting_user=COMMAND)

    day_rollup(office=office, day=DAY, now=at(13, 0))
    got = figures(office)
    assert ticket.predicted_wait_minutes is not None and told is not None
    errors = sorted([2 - ticket.predicted_wait_minutes, 40 - told])
    assert got.spreads["estimate_error"].n == 2
    assert got.spreads["estimate_error"].median == errors[0]
    assert got.desk_minutes_by_hour == {9: 60, 10: 30}
    assert got.tickets_per_desk_hour() == {9: 2.0, 10: 0.0}


def test_a_day_with_a_closure(office, groups, sessions, now):
    (desk,) = sessions(1)
    closure_add(
        office=office,
        first_day=DAY + timedelta(days=1),
        last_day=DAY + timedelta(days=1),
        reason={"de": "Betriebsausflug"},
        acting_user=COMMAND,
    )
    ticket = walk_in(office, groups["A"], at(9, 0))
    call(desk, at(9, 4))
    services.ticket_no_show(desk_session=desk, ticket=ticket, now=at(9, 9), acting_user=COMMAND)
    with pytest.raises(OfficeClosed):
        walk_in(office, groups["A"], at(9, 0, DAY + timedelta(days=1)))
    thursday = DAY + timedelta(days=3)  # Thursday: giessen is closed on Wednesdays too
    later_one = walk_in(office, groups["A"], at(9, 0, thursday))
    call(desk, at(9, 20, thursday))
    assert ticket and later_one

    rolled = closed_days_rollup(office=office, now=at(8, 0, thursday + timedelta(days=1)))
    assert rolled == 4  # Monday, the closed Tuesday and Wednesday (empty), Thursday
    got = figures(office, DAY, thursday)
    assert got.days_with_data == 2
    assert (got.spreads["waiting"].median, got.spreads["waiting"].p90) == (4, 20)
    tuesday = daily_spread(office, DAY, thursday, "waiting")[1]
    assert tuesday[1].n == 0 and tuesday[1].median is None
    # Again: nothing more to do, and a recompute gives the same rows.
    assert closed_days_rollup(office=office, now=at(9, 0, thursday + timedelta(days=1))) == 0
    day_rollup(office=office, day=DAY, now=at(13, 0, thursday))
    assert figures(office, DAY, thursday) == got


def test_a_period_across_the_clock_change(office, groups, sessions, make_staff):
    """Saturday 29 and Monday 31 March 2031 around the change to summer time (Sunday 30):
    hours are local hours, days local days, on both sides."""
    friday, monday = date(2031, 3, 28), date(2031, 3, 31)
    for day in (friday, monday):
        user = make_staff(office, "caseworker")
        with scopes_disabled():
            from schalter.offices.models import Desk

            desk_row = Desk.objects.filter(office=office).order_by("number").first()
        desk = services.desk_session_open(
            office=office, desk=desk_row, user=user, now=at(8, 0, day), acting_user=user
        )
        walk_in(office, groups["A"], at(8, 30, day))
        call(desk, at(8, 45, day))
        services.desk_session_close(session=desk, now=at(10, 0, day), acting_user=COMMAND)
    for day in (friday, date(2031, 3, 29), date(2031, 3, 30), monday):
        day_rollup(office=office, day=day, now=at(12, 0, monday))
    got = figures(office, friday, monday)
    assert got.issued_by_hour == {8: 2}
    assert got.desk_minutes_by_hour == {8: 120, 9: 120}
    assert got.spreads["waiting"].median == 15 and got.spreads["waiting"].n == 2
    assert got.days_with_data == 2


def test_empty_and_long_periods(office):
    got = figures(office, date(2020, 1, 1), date(2040, 12, 31))
    assert got.counts["tickets"] == 0 and got.spreads["waiting"].median is None
    assert got.rate("no_shows", "booked") is None and got.tickets_per_desk_hour() == {}


def test_free_days_sampled_every_quarter_hour(office, now):
    with time_machine.travel(now - timedelta(days=7), tick=False):
        offered = make_bookable(office, days=14)
    assert free_days_sample(office=office, now=at(9, 7)) == 2
    assert free_days_sample(office=office, now=at(9, 14)) == 0  # the same quarter hour
    assert insights_tick(office=office, now=at(9, 15)) == 0
    with scopes_disabled():
        samples = list(FreeDaySample.objects.filter(office=office).order_by("sampled_at"))
    assert len(samples) == 4
    assert {s.sampled_at for s in samples} == {at(9, 0), at(9, 15)}
    # Booking opens a day ahead (booking_window_start_days = 1): Tuesday is the next free day.
    assert {s.days for s in samples} == {1}
    assert offered


def test_the_tick_rolls_up_closed_days_once(office, groups, sessions, now):
    (desk,) = sessions(1)
    walk_in(office, groups["A"], at(9, 0))
    call(desk, at(9, 3))
    insights_tick(office=office, now=at(9, 30))  # today is not closed yet
    assert not DeskDay.objects.filter(office=office).exists()
    insights_tick(office=office, now=at(7, 0, DAY + timedelta(days=1)))
    assert DeskDay.objects.filter(office=office).count() == 1
    assert figures(office).spreads["waiting"].median == 3
