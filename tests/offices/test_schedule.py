from datetime import date, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schalter.accounts.actors import COMMAND
from schalter.offices import selectors, services

pytestmark = pytest.mark.django_db

# A morning and perhaps an afternoon: periods of a day may not overlap (issue 13).
weekday_hours = st.dictionaries(
    st.integers(0, 6),
    st.tuples(
        st.tuples(st.integers(6, 9), st.integers(10, 12)),
        st.lists(st.tuples(st.integers(13, 15), st.integers(16, 19)), max_size=1),
    ).map(lambda day: [day[0], *day[1]]),
    max_size=7,
)


# The office is only read; each example removes the closure it added.
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    hours=weekday_hours,
    start=st.dates(date(2025, 1, 1), date(2030, 12, 31)),
    closure_offset=st.integers(0, 6),
    closure_length=st.integers(0, 3),
)
def test_a_day_is_open_exactly_when_it_has_hours_and_no_holiday_or_closure(
    office, hours, start, closure_offset, closure_length
):
    weekly = {day: [(time(o), time(c)) for o, c in periods] for day, periods in hours.items()}
    services.opening_hours_set(office=office, weekly=weekly, acting_user=COMMAND)
    first = start + timedelta(days=closure_offset)
    closure = services.closure_add(
        office=office,
        first_day=first,
        last_day=first + timedelta(days=closure_length),
        reason={"de": "Schulung"},
        acting_user=COMMAND,
    )
    week = selectors.week_schedule(office, start, "de")
    assert [d.day for d in week] == [start + timedelta(days=i) for i in range(7)]
    for day in week:
        holiday = selectors.public_holiday(office, day.day, "de")
        closed_by_closure = closure.first_day <= day.day <= closure.last_day
        expected_open = (
            bool(weekly.get(day.day.weekday())) and not holiday and not closed_by_closure
        )
        assert day.is_open == expected_open
        assert (day.closure == "Schulung") == closed_by_closure
    services.closure_remove(closure=closure, acting_user=COMMAND)


def test_hessen_has_its_own_holidays(office):
    assert selectors.public_holiday(office, date(2027, 5, 27), "de") == "Fronleichnam"
    assert (
        selectors.public_holiday(office, date(2026, 10, 31), "de") == ""
    )  # Reformationstag: not HE
    assert selectors.public_holiday(office, date(2026, 12, 25), "en") == "Christmas Day"
    assert selectors.public_holiday(office, date(2026, 12, 25), "ar") == "Erster Weihnachtstag"
