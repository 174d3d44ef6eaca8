"""Closed days that change later are rolled up again (insights/reroll.py, docs/insights.md "Late
changes"): an interpreter's report filed three days late and corrected later, a client of
yesterday marked as arrived or absent the next day, a ticket of yesterday missed the next
morning. Each history is built through the services; the figures are worked out by hand."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine
from django_scopes import scopes_disabled

from schalter.accounts.actors import CLIENT, COMMAND
from schalter.appointments import services as booking
from schalter.appointments.models import Channel
from schalter.insights.models import DailyFigure, DeskDay, InterpreterDay, RollupDue
from schalter.insights.reroll import LEASE, dues_claim
from schalter.insights.rollups import closed_days_rollup, dues_rollup, insights_tick
from schalter.insights.selectors import period_figures
from schalter.interpreters import services as interpreting
from schalter.offices.day_changes import day_changed
from schalter.visits import services as visits
from tests.conftest import make_bookable
from tests.insights.conftest import MONDAY_9, walk_in
from tests.interpreters.conftest import NOW, TUESDAY_9, make_interpreter

BERLIN = ZoneInfo("Europe/Berlin")
TUESDAY = date(2026, 3, 3)  # the interpreter's day: TUESDAY_9 is 09:00 there
MONDAY = MONDAY_9.date()  # the visits' day


def berlin(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BERLIN)


def later(day: date, days: int, hour: int, minute: int = 0) -> datetime:
    return berlin(day + timedelta(days=days), hour, minute)


def confirmed(office, interpreter, start=TUESDAY_9, minutes=70):
    assignment = interpreting.assignment_request(
        office=office,
        language="prs",
        mode="on_site",
        start=start,
        end=start + timedelta(minutes=minutes),
        now=NOW,
        acting_user=COMMAND,
    )
    interpreting.assignment_propose(
        assignment=assignment, interpreter=interpreter, now=NOW, acting_user=COMMAND
    )
    return interpreting.assignment_accept(
        interpreter=interpreter, assignment_id=assignment.pk, now=NOW, acting_user=CLIENT
    )


def report(interpreter, assignment, now, *, minutes=70):
    """The worked example of docs/interpreters.md: 30 min travel there, 15 waiting, the work,
    30 back, 40 km."""
    return interpreting.assignment_report(
        interpreter=interpreter,
        assignment_id=assignment.pk,
        start=assignment.start,
        end=assignment.start + timedelta(minutes=minutes),
        travel_before_minutes=30,
        travel_after_minutes=30,
        waiting_minutes=15,
        km=Decimal(40),
        receipts=[],
        now=now,
        acting_user=CLIENT,
    )


def interpreting_of(office, day):
    with scopes_disabled():
        return [
            (row.assignments, row.minutes, str(row.cost))
            for row in InterpreterDay.objects.filter(office=office, day=day)
        ]


def dues(office):
    return list(RollupDue.objects.filter(office=office).values_list("day", "kind"))


def test_a_report_filed_three_days_late_is_rolled_up_again(office):
    amina = make_interpreter({office: Decimal(10)})
    assignment = confirmed(office, amina)
    insights_tick(office=office, now=later(TUESDAY, 1, 0, 5))  # Tuesday closes, rolled up
    assert interpreting_of(office, TUESDAY) == []  # confirmed, not reported yet: costs nothing

    report(amina, assignment, later(TUESDAY, 3, 10))  # Friday
    assert dues(office) == [(TUESDAY, "interpreters")]
    insights_tick(office=office, now=later(TUESDAY, 3, 10, 1))
    # 30 + 15 + 70 + 30 = 145 min = 2 h 25 → 2.5 h × 93.00 € = 232.50 €; 40 km × 0.42 € = 16.80 €.
    assert interpreting_of(office, TUESDAY) == [(1, 145, "249.30")]
    assert dues(office) == []

    # Idempotent: the next tick rolls nothing again, and the day keeps one row.
    assert dues_rollup(office=office, now=later(TUESDAY, 3, 10, 2)) == 0
    assert interpreting_of(office, TUESDAY) == [(1, 145, "249.30")]

    # Staff find she worked 30 minutes more and she corrects her report a week after the day:
    # 30 + 15 + 100 + 30 = 175 min = 2 h 55 → 3 h × 93.00 € = 279.00 € + 16.80 € = 295.80 €.
    report(amina, assignment, later(TUESDAY, 7, 9), minutes=100)
    insights_tick(office=office, now=later(TUESDAY, 7, 9, 1))
    assert interpreting_of(office, TUESDAY) == [(1, 175, "295.80")]


def test_two_late_changes_of_one_day_leave_one_due_row(office):
    amina = make_interpreter({office: Decimal(10)})
    morning = confirmed(office, amina)
    afternoon = confirmed(office, amina, start=TUESDAY_9 + timedelta(hours=4))
    insights_tick(office=office, now=later(TUESDAY, 1, 0, 5))
    report(amina, morning, later(TUESDAY, 2, 10))
    report(amina, afternoon, later(TUESDAY, 2, 11))
    assert dues(office) == [(TUESDAY, "interpreters")]
    assert insights_tick(office=office, now=later(TUESDAY, 2, 11, 1)) == 2  # Wednesday, Tuesday
    assert interpreting_of(office, TUESDAY) == [(2, 290, "498.60")]


def test_only_closed_days_are_marked_with_slack_at_midnight(office):
    amina = make_interpreter({office: Decimal(10)})
    on_the_day = confirmed(office, amina)
    at_midnight = confirmed(office, amina, start=TUESDAY_9 + timedelta(hours=4))
    report(amina, on_the_day, berlin(TUESDAY, 18))  # the day itself: its closing roll-up counts it
    assert dues(office) == []
    # Begun at 23:58, it may commit after the tick after midnight read the day: marked too.
    report(amina, at_midnight, berlin(TUESDAY, 23, 58))
    assert dues(office) == [(TUESDAY, "interpreters")]


def test_a_client_of_yesterday_marked_the_next_day(office, groups, now):
    week_before = now - timedelta(days=7)
    with time_machine.travel(week_before, tick=False):
        offered = make_bookable(office, days=14)
        came, absent = (
            booking.appointment_book(
                office=office,
                service=offered["long"],
                start=start,
                name="Ayşe Yılmaz",
                email=f"{n}@example.org",
                channel=Channel.STAFF,
                now=week_before,
                acting_user=COMMAND,
            ).appointment
            for n, start in enumerate((berlin(MONDAY, 9), berlin(MONDAY, 9, 30)))
        )
    # No ticket at all: the roll-ups begin at the first appointment.
    insights_tick(office=office, now=later(MONDAY, 1, 0, 5))
    got = period_figures(office, MONDAY, MONDAY)
    assert (got.counts["booked"], got.counts["arrived"], got.counts["no_shows"]) == (2, 0, 2)

    # Tuesday morning the desk notes that the 9:00 client did come, and the 9:30 one did not.
    tuesday = later(MONDAY, 1, 9)
    booking.appointment_mark_arrived(appointment=came, now=tuesday, acting_user=COMMAND)
    booking.appointment_mark_no_show(appointment=absent, now=tuesday, acting_user=COMMAND)
    assert dues(office) == [(MONDAY, "visits")]
    insights_tick(office=office, now=tuesday + timedelta(minutes=1))
    got = period_figures(office, MONDAY, MONDAY)
    assert (got.counts["booked"], got.counts["arrived"], got.counts["no_shows"]) == (2, 1, 1)
    assert got.rate("no_shows", "booked") == 50.0


def test_a_ticket_of_yesterday_missed_the_next_morning(office, groups, sessions, now):
    (desk,) = sessions(1)
    ticket = walk_in(office, groups["A"], berlin(MONDAY, 11))
    visits.ticket_call_next(desk_session=desk, now=berlin(MONDAY, 11, 5), acting_user=COMMAND)
    insights_tick(office=office, now=later(MONDAY, 1, 0, 5))
    got = period_figures(office, MONDAY, MONDAY)
    assert (got.counts["tickets"], got.counts["missed"], got.spreads["waiting"].median) == (1, 0, 5)

    # The desk, left open overnight, notes on Tuesday at 8:01 that the client never came.
    visits.ticket_no_show(
        desk_session=desk, ticket=ticket, now=later(MONDAY, 1, 8, 1), acting_user=COMMAND
    )
    assert dues(office) == [(MONDAY, "visits")]
    insights_tick(office=office, now=later(MONDAY, 1, 8, 2))
    got = period_figures(office, MONDAY, MONDAY)
    assert (got.counts["tickets"], got.counts["missed"], got.spreads["waiting"].median) == (1, 1, 5)
    with scopes_disabled():
        assert DailyFigure.objects.filter(office=office, day=MONDAY).count() == 1


def test_a_day_not_rolled_up_yet_waits_for_its_first_roll_up(office, groups, sessions, now):
    """Rolling it from its mark would note it as rolled up after its close, and the backfill of
    the days before it would stop there (rollups._first_open_day)."""
    (desk,) = sessions(1)
    ticket = walk_in(office, groups["A"], berlin(MONDAY, 11))
    visits.ticket_call_next(desk_session=desk, now=berlin(MONDAY, 11, 5), acting_user=COMMAND)
    visits.ticket_no_show(
        desk_session=desk, ticket=ticket, now=later(MONDAY, 1, 8, 1), acting_user=COMMAND
    )
    assert dues(office) == [(MONDAY, "visits")]
    assert dues_rollup(office=office, now=later(MONDAY, 1, 8, 2)) == 0
    assert not DeskDay.objects.filter(office=office).exists()
    assert dues(office) == [(MONDAY, "visits")]  # still due, and free to be claimed again
    assert RollupDue.objects.get(office=office).claimed_at is None
    # The first roll-up comes, then the mark rolls the day once more (harmless, and done).
    assert insights_tick(office=office, now=later(MONDAY, 1, 8, 3)) == 2
    assert period_figures(office, MONDAY, MONDAY).counts["missed"] == 1 and dues(office) == []


def test_a_day_beyond_the_backfill_is_dropped(office):
    long_ago = date(2024, 1, 8)
    day_changed(office=office, day=long_ago, kind="visits", now=datetime(2026, 3, 2, tzinfo=UTC))
    assert dues_rollup(office=office, now=datetime(2026, 3, 2, 0, 1, tzinfo=UTC)) == 0
    assert dues(office) == [] and not DeskDay.objects.filter(office=office).exists()


def test_a_claim_left_by_a_tick_that_died_is_taken_again(office):
    amina = make_interpreter({office: Decimal(10)})
    assignment = confirmed(office, amina)
    closed_days_rollup(office=office, now=later(TUESDAY, 1, 0, 5))
    report(amina, assignment, later(TUESDAY, 3, 10))
    died = later(TUESDAY, 3, 10, 1)
    assert len(dues_claim(office=office, now=died)) == 1  # … and never finished
    assert dues_rollup(office=office, now=died + timedelta(minutes=1)) == 0  # still its claim
    assert interpreting_of(office, TUESDAY) == []
    assert dues_rollup(office=office, now=died + LEASE + timedelta(seconds=1)) == 1
    assert interpreting_of(office, TUESDAY) == [(1, 145, "249.30")]


def test_a_mark_during_a_claim_frees_it_for_the_next_tick(office):
    """A change after a tick claimed the day (it may have read the day before the change
    committed) makes the day due again at once, not only after the lease."""
    day = date(2026, 3, 3)
    now = later(day, 2, 10)
    DeskDay.objects.create(office=office, day=day, rolled_at=later(day, 1, 0, 5))
    day_changed(office=office, day=day, kind="interpreters", now=now)
    (claimed,) = dues_claim(office=office, now=now)
    day_changed(office=office, day=day, kind="interpreters", now=now)
    row = RollupDue.objects.get(office=office)
    assert row.claimed_at is None and row.mark != claimed.mark
    assert dues_rollup(office=office, now=now + timedelta(minutes=1)) == 1
    assert dues(office) == []
