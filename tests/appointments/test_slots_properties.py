"""Slot arithmetic: unit length, units a booking needs, unit starts across DST, release times."""

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from hypothesis import example, given
from hypothesis import strategies as st

from schalter.appointments.slots import (
    UNIT_CANDIDATES,
    release_time,
    unit_minutes_for,
    unit_starts,
    units_needed,
)

BERLIN = ZoneInfo("Europe/Berlin")
SPRING_FORWARD = date(2027, 3, 28)  # 02:00 CET -> 03:00 CEST
FALL_BACK = date(2027, 10, 31)  # 03:00 CEST -> 02:00 CET
ZONES = st.sampled_from(
    [BERLIN, ZoneInfo("UTC"), ZoneInfo("America/New_York"), ZoneInfo("Australia/Lord_Howe")]
)
DAYS = st.one_of(
    st.sampled_from([SPRING_FORWARD, FALL_BACK]), st.dates(date(2025, 1, 1), date(2035, 12, 31))
)

durations = st.lists(st.integers(5, 480), min_size=1, max_size=8)


def wall(moment: datetime) -> time:
    return moment.replace(tzinfo=None).time()


# unit_minutes_for


@given(durations)
def test_unit_divides_every_duration_and_is_the_largest_candidate_that_does(durations):
    unit = unit_minutes_for(durations)
    assert unit in UNIT_CANDIDATES
    assert all(d % unit == 0 for d in durations)
    assert not any(
        all(d % candidate == 0 for d in durations)
        for candidate in UNIT_CANDIDATES
        if candidate > unit
    )


@given(durations)
def test_unit_does_not_depend_on_order_or_repetition(durations):
    assert unit_minutes_for(durations) == unit_minutes_for(sorted(set(durations), reverse=True))


def test_unit_examples_from_typical_catalogues():
    assert unit_minutes_for([10, 30]) == 10
    assert unit_minutes_for([15, 30, 45]) == 15
    assert unit_minutes_for([20, 30]) == 10
    assert unit_minutes_for([25, 50]) == 25
    assert unit_minutes_for([7, 13]) == 1
    assert unit_minutes_for([60, 120]) == 60


# units_needed


@given(
    duration=st.integers(1, 480), persons=st.integers(1, 10), unit=st.sampled_from(UNIT_CANDIDATES)
)
def test_units_cover_the_whole_booking_and_are_as_few_as_possible(duration, persons, unit):
    needed = units_needed(duration_minutes=duration, persons=persons, unit_minutes=unit)
    assert needed * unit >= duration * persons
    assert (needed - 1) * unit < duration * persons
    assert needed >= 1


@given(durations=durations, persons=st.integers(1, 5))
def test_with_the_derived_unit_a_booking_fits_exactly(durations, persons):
    unit = unit_minutes_for(durations)
    for duration in durations:
        needed = units_needed(duration_minutes=duration, persons=persons, unit_minutes=unit)
        assert needed * unit == duration * persons


def test_each_person_is_served_in_turn():
    assert units_needed(duration_minutes=30, persons=3, unit_minutes=10) == 9
    assert units_needed(duration_minutes=15, persons=1, unit_minutes=10) == 2
    assert units_needed(duration_minutes=10, persons=1, unit_minutes=10) == 1


# unit_starts

rules = st.tuples(st.integers(0, 23 * 60 + 58), st.integers(1, 24 * 60)).map(
    lambda pair: (pair[0], min(pair[0] + pair[1], 24 * 60 - 1))
)


@given(day=DAYS, rule=rules, unit=st.sampled_from(UNIT_CANDIDATES), zone=ZONES)
def test_unit_starts_follow_the_wall_clock(day, rule, unit, zone):
    """Count, spacing and bounds in local wall-clock time, on any day including DST changes."""
    first, last = rule
    start, end = time(first // 60, first % 60), time(last // 60, last % 60)
    starts = unit_starts(day, start, end, unit, zone)
    assert len(starts) == (last - first) // unit
    for i, moment in enumerate(starts):
        assert moment.tzinfo is zone
        assert moment.date() == day
        minutes = first + i * unit
        assert wall(moment) == time(minutes // 60, minutes % 60)
        assert start <= wall(moment)
        assert minutes + unit <= last  # the whole unit lies inside the rule


@given(
    day=DAYS,
    first=st.integers(4 * 60, 20 * 60),
    length=st.integers(0, 3 * 60),
    unit=st.sampled_from(UNIT_CANDIDATES),
    zone=st.sampled_from([BERLIN, ZoneInfo("America/New_York")]),
)
def test_daytime_unit_starts_are_evenly_spaced_instants_inside_the_rule(
    day, first, length, unit, zone
):
    """Away from the night hours clocks change in, units are also `unit` apart in real time."""
    last = first + length
    start, end = time(first // 60, first % 60), time(last // 60, last % 60)
    starts = unit_starts(day, start, end, unit, zone)
    begin = datetime.combine(day, start, tzinfo=zone).astimezone(UTC)
    finish = datetime.combine(day, end, tzinfo=zone).astimezone(UTC)
    for earlier, later in pairwise(starts):
        assert later.astimezone(UTC) - earlier.astimezone(UTC) == timedelta(minutes=unit)
    for moment in starts:
        assert begin <= moment.astimezone(UTC)
        assert moment.astimezone(UTC) + timedelta(minutes=unit) <= finish


def test_dst_change_days_in_berlin_keep_the_wall_clock():
    for day, offset in ((SPRING_FORWARD, timedelta(hours=2)), (FALL_BACK, timedelta(hours=1))):
        starts = unit_starts(day, time(8, 0), time(12, 0), 10, BERLIN)
        assert len(starts) == 24
        assert [wall(s) for s in starts[:3]] == [time(8, 0), time(8, 10), time(8, 20)]
        assert wall(starts[-1]) == time(11, 50)
        assert all(s.utcoffset() == offset for s in starts)
        assert starts[0].astimezone(UTC) == datetime.combine(day, time(8), tzinfo=UTC) - offset


def test_the_day_before_and_after_a_dst_change_have_the_same_local_units():
    for change in (SPRING_FORWARD, FALL_BACK):
        before, after = change - timedelta(days=1), change + timedelta(days=1)
        walls = [
            [wall(s) for s in unit_starts(day, time(8), time(12), 10, BERLIN)]
            for day in (before, change, after)
        ]
        assert walls[0] == walls[1] == walls[2]


def test_a_rule_shorter_than_a_unit_has_no_units():
    assert unit_starts(date(2027, 6, 7), time(8, 0), time(8, 9), 10, BERLIN) == []
    assert len(unit_starts(date(2027, 6, 7), time(8, 0), time(8, 10), 10, BERLIN)) == 1


# release_time


@st.composite
def release_settings(draw):
    horizon = draw(st.integers(0, 120))
    released_on = draw(
        st.one_of(
            st.sampled_from([SPRING_FORWARD, FALL_BACK]),  # the nights clocks change
            st.dates(date(2025, 1, 1), date(2035, 12, 31)),
        )
    )
    return released_on + timedelta(days=horizon), horizon


@given(
    day_and_horizon=release_settings(),
    hour=st.integers(0, 23),
    spread=st.integers(0, 24 * 60),
    salt=st.text(max_size=40),
    zone=ZONES,
)
@example(  # released at 01:00 on the fall-back night, spread over the repeated hour
    day_and_horizon=(FALL_BACK + timedelta(days=30), 30),
    hour=1,
    spread=180,
    salt="3",
    zone=BERLIN,
)
def test_release_is_deterministic_and_within_the_spread(day_and_horizon, hour, spread, salt, zone):
    day, horizon = day_and_horizon
    kwargs = dict(horizon_days=horizon, release_hour=hour, spread_minutes=spread, zone=zone)
    released = release_time(day, salt=salt, **kwargs)
    assert released == release_time(day, salt=salt, **kwargs)
    assert released.utcoffset() is not None
    opening = datetime.combine(day - timedelta(days=horizon), time(hour), tzinfo=zone)
    # Compared as instants: Python's aware arithmetic within one zone is wall-clock arithmetic.
    after = released.astimezone(UTC) - opening.astimezone(UTC)
    if spread == 0:
        assert after == timedelta(0)
    else:
        assert timedelta(0) <= after < timedelta(minutes=spread)


def test_release_without_spread_is_the_release_hour_horizon_days_before():
    released = release_time(
        date(2027, 6, 7), horizon_days=60, release_hour=7, spread_minutes=0, zone=BERLIN, salt="x"
    )
    assert released == datetime(2027, 4, 8, 7, 0, tzinfo=BERLIN)
    assert released.astimezone(UTC) == datetime(2027, 4, 8, 5, 0, tzinfo=UTC)


def test_release_spread_differs_between_salts():
    kwargs = dict(horizon_days=60, release_hour=7, spread_minutes=120, zone=BERLIN)
    moments = {release_time(date(2027, 6, 7), salt=f"rule:{i}", **kwargs) for i in range(50)}
    assert len(moments) > 40  # not all at one moment bots could poll
    assert max(moments) - min(moments) > timedelta(minutes=60)  # across the window
