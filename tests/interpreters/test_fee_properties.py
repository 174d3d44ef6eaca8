"""Property tests for the fee engine, against independent oracles (a minute-by-minute walk for the
unfavourable windows, the statute's table for the rate)."""

from datetime import date, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import holidays
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from schalter.interpreters.fees import Assignment, billed_hours, block_of, fee_compute

BERLIN = ZoneInfo("Europe/Berlin")
HESSE = holidays.country_holidays("DE", subdiv="HE", years=range(2021, 2029))

days = st.dates(min_value=date(2021, 1, 1), max_value=date(2028, 12, 31))
# Sundays, Hessian holidays and the days around them come up far more often than by chance.
special_days = st.sampled_from(sorted(d for d in HESSE if d.year >= 2021)) | days.map(
    lambda d: d + timedelta(days=6 - d.weekday())
)
any_day = days | special_days
times = st.builds(time, st.integers(0, 23), st.sampled_from([0, 1, 15, 29, 30, 31, 45, 59]))
minutes = st.integers(0, 180)


@st.composite
def assignments(draw, **fixed):
    day = draw(any_day)
    values = {
        "day": day,
        "start": draw(times),
        "end": draw(times),
        "engaged_on": day,
        "travel_before_minutes": draw(minutes),
        "travel_after_minutes": draw(minutes),
        "waiting_minutes": draw(st.integers(0, 60)),
        "km": draw(st.decimals(min_value=0, max_value=500, places=1)),
        "unfavourable_time_necessary": draw(st.booleans()),
        "vat_liable": draw(st.booleans()),
    }
    values.update(fixed)
    return Assignment(**values)


def oracle_unfavourable_minutes(assignment: Assignment) -> int:
    """Walk the block minute by minute on the office's wall clock."""
    begins, ends = block_of(assignment, BERLIN)
    count = 0
    moment = begins
    while moment < ends:
        local = moment.astimezone(BERLIN)
        day = date(local.year, local.month, local.day)
        if local.hour >= 23 or local.hour < 6 or local.weekday() == 6 or day in HESSE:
            count += 1
        moment += timedelta(minutes=1)
    return count


@settings(max_examples=150, deadline=None)
@given(
    assignments(),
    st.integers(1, 120),
    st.sampled_from(["travel_after_minutes", "travel_before_minutes", "waiting_minutes"]),
)
def test_never_less_for_more_time(assignment, extra, key):
    longer = Assignment(**{**assignment.__dict__, key: getattr(assignment, key) + extra})
    assume(block_of(longer, BERLIN)[1] - block_of(longer, BERLIN)[0] <= timedelta(hours=24))
    assert fee_compute(longer).total >= fee_compute(assignment).total


@given(st.integers(0, 23), st.integers(1, 59))
def test_the_rounding_rule_is_exact_at_the_thirty_minute_boundary(hours, rest):
    expected = Decimal(hours) + (Decimal(1) if rest > 30 else Decimal("0.5"))
    assert billed_hours(hours * 60 + rest) == expected
    assert billed_hours(hours * 60) == Decimal(hours)
    assert billed_hours(hours * 60 + 30) == Decimal(hours) + Decimal("0.5")
    assert billed_hours(hours * 60 + 31) == Decimal(hours + 1)


@settings(max_examples=150, deadline=None)
@given(assignments(unfavourable_time_necessary=True))
def test_surcharges_only_inside_their_windows_and_each_minute_once(assignment):
    begins, ends = block_of(assignment, BERLIN)
    assume(ends - begins <= timedelta(hours=24))
    fee = fee_compute(assignment)
    expected = oracle_unfavourable_minutes(assignment)
    assert fee.unfavourable_minutes == expected
    assert fee.unfavourable_hours == billed_hours(expected)
    surcharge = [line for line in fee.lines if line.code == "unfavourable"]
    assert bool(surcharge) == (expected > 0)
    # Normal and unfavourable hours together are the rounded whole, never more.
    assert fee.unfavourable_hours <= fee.billed_hours


@settings(max_examples=200, deadline=None)
@given(assignments(unfavourable_time_necessary=False))
def test_no_surcharge_unless_necessary(assignment):
    begins, ends = block_of(assignment, BERLIN)
    assume(ends - begins <= timedelta(hours=24))
    fee = fee_compute(assignment)
    assert fee.unfavourable_minutes == 0
    assert fee.total == sum(line.amount for line in fee.lines)


@given(any_day, st.integers(-3000, 3000))
def test_the_rate_in_force_on_the_engagement_date(day, offset):
    engaged_on = day - timedelta(days=offset)
    assume(engaged_on >= date(2021, 1, 1))
    fee = fee_compute(Assignment(day=day, start=time(9), end=time(10), engaged_on=engaged_on))
    assert fee.rate.hourly == (Decimal(85) if engaged_on <= date(2025, 5, 31) else Decimal(93))
    assert fee.total == fee.rate.hourly


@settings(max_examples=150, deadline=None)
@given(
    assignments(vat_liable=False, km=Decimal(0)),
    st.integers(-2, 10),
    st.booleans(),
    st.one_of(st.none(), st.decimals(min_value=0, max_value=1000, places=2)),
)
def test_cancellation_only_inside_its_window_and_never_above_two_hours(
    assignment, days_before, by_her, loss
):
    begins, ends = block_of(assignment, BERLIN)
    assume(ends - begins <= timedelta(hours=24))
    cancelled = Assignment(
        **{
            **assignment.__dict__,
            "cancelled_on": assignment.day - timedelta(days=days_before),
            "cancelled_by_interpreter": by_her,
            "declared_loss": loss,
        }
    )
    fee = fee_compute(cancelled)
    assert fee.total <= 2 * fee.rate.hourly
    inside = 0 <= days_before <= 2 and not by_her
    if not inside or not loss:
        assert fee.total == 0
    else:
        assert fee.total == min(loss, 2 * fee.rate.hourly)


@settings(max_examples=200, deadline=None)
@given(assignments())
def test_the_total_is_the_sum_of_lines_each_to_the_cent(assignment):
    begins, ends = block_of(assignment, BERLIN)
    assume(ends - begins <= timedelta(hours=24))
    fee = fee_compute(assignment)
    assert fee.total == sum(line.amount for line in fee.lines)
    assert all(line.amount.as_tuple().exponent == -2 for line in fee.lines)
