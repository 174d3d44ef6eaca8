"""The p90 (and median) of a month read from the daily roll-ups equals the one over the raw
events, for any history (hypothesis)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django_scopes import scopes_disabled
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schalter.accounts.actors import COMMAND
from schalter.insights.histograms import histogram_of, merged, quantile, quantile_of
from schalter.insights.rollups import closed_days_rollup
from schalter.insights.selectors import period_figures
from schalter.offices.models import Desk
from schalter.visits import services
from schalter.visits.models import Ticket
from tests.insights.conftest import walk_in

BERLIN = ZoneInfo("Europe/Berlin")
# March 2031 (the clock change on the 30th included): the days giessen opens.
OPEN_DAYS = [date(2031, 3, d) for d in range(3, 32) if date(2031, 3, d).weekday() in (0, 1, 3, 4)]

waits = st.lists(st.integers(min_value=0, max_value=60), min_size=0, max_size=3)
month = st.lists(st.tuples(st.sampled_from(OPEN_DAYS), waits), min_size=0, max_size=8)


@given(values=st.lists(st.integers(min_value=-30, max_value=300), max_size=60))
def test_histogram_quantiles_equal_raw_quantiles(values):
    for p in (0.5, 0.9):
        assert quantile(merged([histogram_of(values)]), p) == quantile_of(values, p)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=month)
def test_p90_of_a_month_from_rollups_equals_raw(office, groups, make_staff, history):
    with transaction.atomic():
        start = datetime(2031, 3, 3, 7, 55, tzinfo=BERLIN)
        with scopes_disabled():
            desk = Desk.objects.filter(office=office).order_by("number").first()
        staff = make_staff(office, "caseworker")
        session = services.desk_session_open(
            office=office, desk=desk, user=staff, now=start, acting_user=staff
        )
        by_day: dict[date, list[int]] = {}
        for day, day_waits in history:
            by_day.setdefault(day, []).extend(day_waits)
        for day in sorted(by_day):
            moment = datetime(day.year, day.month, day.day, 8, 0, tzinfo=BERLIN)
            for wait in by_day[day][:3]:
                ticket = walk_in(office, groups["A"], moment)
                moment += timedelta(minutes=wait, seconds=17)
                called = services.ticket_call_next(
                    desk_session=session, now=moment, acting_user=COMMAND
                )
                assert called == ticket
                services.ticket_no_show(
                    desk_session=session, ticket=ticket, now=moment, acting_user=COMMAND
                )
                moment += timedelta(minutes=1)
        closed_days_rollup(office=office, now=datetime(2031, 4, 1, 6, 0, tzinfo=BERLIN))
        with scopes_disabled():
            raw = [
                int((called - created).total_seconds() // 60)
                for created, called in Ticket.objects.filter(
                    office=office, day__range=(OPEN_DAYS[0], OPEN_DAYS[-1])
                ).values_list("created_at", "first_called_at")
            ]
        got = period_figures(office, date(2031, 3, 1), date(2031, 3, 31)).spreads["waiting"]
        assert got.n == len(raw)
        assert got.p90 == quantile_of(raw, 0.9)
        assert got.median == quantile_of(raw, 0.5)
        transaction.set_rollback(True)
