"""Deadlines from the office's promise: worked examples over a weekend and a Hessian holiday
(through the office's real schedule), and properties of the pure rule over random weeks,
holidays and closures."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from schalter.accounts.actors import COMMAND
from schalter.callbacks.deadlines import Promise, callback_deadline
from schalter.callbacks.selectors import deadline_for
from schalter.offices import services as office_services
from schalter.offices.selectors import Day, Period

BERLIN = ZoneInfo("Europe/Berlin")


def at(day: str, clock: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=BERLIN)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("received", "due"),
    [
        # Friday afternoon: Saturday and Sunday are closed, so the next working day is Monday.
        (at("2026-06-05", "14:00"), at("2026-06-08", "12:00")),
        # Wednesday (closed at this office): Thursday 4 June is Fronleichnam in Hesse -> Friday.
        (at("2026-06-03", "10:00"), at("2026-06-05", "12:00")),
        # Tuesday morning, before closing: the promise is the next working day, not today.
        (at("2026-06-09", "09:00"), at("2026-06-11", "12:00")),
        # Thursday 21 May: Friday 22nd is open; Whit Monday (25 May) is a holiday.
        (at("2026-05-22", "13:00"), at("2026-05-26", "12:00")),
    ],
)
def test_end_of_next_working_day_at_a_hessian_office(office, received, due):
    # build_office: Monday, Tuesday, Thursday, Friday 8:00-12:00.
    assert deadline_for(office, received.astimezone(UTC)) == due


@pytest.mark.django_db
def test_a_closure_moves_the_deadline(office):
    office_services.closure_add(
        office=office,
        first_day=date(2026, 6, 8),
        last_day=date(2026, 6, 9),
        reason={"de": "Umzug"},
        acting_user=COMMAND,
    )
    assert deadline_for(office, at("2026-06-05", "14:00")) == at("2026-06-11", "12:00")


@pytest.mark.django_db
def test_the_schedule_is_kept_under_the_office_revision_and_never_stale(office):
    friday = at("2026-06-05", "14:00")
    assert deadline_for(office, friday) == at("2026-06-08", "12:00")
    # Kept: one query (the office's revision with its policy) instead of four.
    with CaptureQueriesContext(connection) as queries:
        assert deadline_for(office, friday) == at("2026-06-08", "12:00")
    assert len(queries) == 1
    # A closure raises the revision: the next deadline reads the new schedule, even through the
    # same (now outdated) office object.
    office_services.closure_add(
        office=office,
        first_day=date(2026, 6, 8),
        last_day=date(2026, 6, 9),
        reason={"de": "Umzug"},
        acting_user=COMMAND,
    )
    assert deadline_for(office, friday) == at("2026-06-11", "12:00")
    office_services.opening_hours_set(
        office=office, weekly={2: [(time(9), time(15))]}, acting_user=COMMAND
    )
    assert deadline_for(office, friday) == at("2026-06-10", "15:00")


OPEN_WEEK = {
    0: [Period(time(8), time(12)), Period(time(13), time(16))],
    3: [Period(time(8), time(12))],
}


def weekly(hours: dict[int, list[Period]], holidays: set[date], closed: set[date] = frozenset()):
    def day_of(day: date) -> Day:
        return Day(
            day=day,
            periods=hours.get(day.weekday(), []),
            holiday="holiday" if day in holidays else "",
            closure="closed" if day in closed else "",
        )

    return day_of


def test_within_opening_hours_counts_only_open_time():
    day_of = weekly(OPEN_WEEK, set())
    promise = Promise(kind="opening_hours", hours=4)
    # Monday 2026-06-08 11:00: 1 h until noon, 3 h in the afternoon -> 16:00.
    assert callback_deadline(at("2026-06-08", "11:00"), promise=promise, day_of=day_of) == at(
        "2026-06-08", "16:00"
    )
    # Monday 15:00: 1 h left today, 3 h on Thursday from 8:00 -> 11:00.
    assert callback_deadline(at("2026-06-08", "15:00"), promise=promise, day_of=day_of) == at(
        "2026-06-11", "11:00"
    )


def test_same_day_promise_before_and_after_closing():
    day_of = weekly(OPEN_WEEK, set())
    promise = Promise(working_days=0)
    assert callback_deadline(at("2026-06-08", "15:00"), promise=promise, day_of=day_of) == at(
        "2026-06-08", "16:00"
    )
    assert callback_deadline(at("2026-06-08", "16:30"), promise=promise, day_of=day_of) == at(
        "2026-06-11", "12:00"
    )


def test_an_office_never_open_has_no_deadline():
    assert (
        callback_deadline(at("2026-06-08", "15:00"), promise=Promise(), day_of=weekly({}, set()))
        is None
    )


# Properties over random weeks (at least one open weekday), holidays, closures and promises.
periods = st.lists(st.tuples(st.integers(6, 19), st.integers(1, 4)), min_size=1, max_size=2).map(
    lambda spans: sorted({(s, min(s + n, 23)) for s, n in spans})
)
weeks = (
    st.dictionaries(st.integers(0, 6), periods, min_size=1, max_size=7)
    .map(
        lambda week: {
            d: [Period(time(a), time(b)) for a, b in spans if a < b] for d, spans in week.items()
        }
    )
    .filter(lambda week: any(week.values()))
)
start = date(2026, 1, 1)
days_of_year = st.integers(0, 400).map(lambda n: start + timedelta(days=n))
promises = st.one_of(
    st.builds(Promise, kind=st.just("working_days"), working_days=st.integers(0, 5)),
    st.builds(Promise, kind=st.just("opening_hours"), hours=st.integers(0, 40)),
)
moments = st.integers(0, 400 * 24 * 60).map(
    lambda minutes: (datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes)).astimezone(
        BERLIN
    )
)


@settings(max_examples=150, deadline=None)
@given(
    week=weeks,
    holidays=st.sets(days_of_year, max_size=30),
    closed=st.sets(days_of_year, max_size=30),
    promise=promises,
    first=moments,
    later_by=st.integers(0, 20 * 24 * 60),
)
def test_deadline_properties(week, holidays, closed, promise, first, later_by):
    day_of = weekly(week, holidays, closed)
    second = (first.astimezone(UTC) + timedelta(minutes=later_by)).astimezone(BERLIN)
    due_first = callback_deadline(first, promise=promise, day_of=day_of)
    due_second = callback_deadline(second, promise=promise, day_of=day_of)
    for received, due in ((first, due_first), (second, due_second)):
        assert due is not None  # some weekday is open, and a year has few holidays here
        # Never earlier than the message.
        assert due >= received
        # On an open day, within (or at the end of) one of its opening periods.
        day = day_of(due.date())
        assert day.is_open
        assert any(p.opens <= due.time() <= p.closes for p in day.periods)
    # A later message is never due earlier.
    assert due_second >= due_first
