"""Re-rolling late changes under real concurrency, on PostgreSQL: each tick and each interpreter
is a thread of its own with its own connection.

- Four ticks at once never re-roll the same day; with only the row lock of claiming switched
  off (SCHALTER_UNSAFE_ROLLUP_LOCKS, schalter/insights/races.py) and a pause between reading
  the due days and claiming them, they do.
- A late report committed while its day is being re-rolled (after the re-roll read the day) is
  not lost: the day stays due and the next tick counts it. With only the check of the row's mark
  switched off (SCHALTER_UNSAFE_ROLLUP_MARKS), the re-roll removes the row and the report is
  never counted."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django_scopes import scopes_disabled

from schalter.insights.models import InterpreterDay, RollupDue
from schalter.insights.rollups import closed_days_rollup, day_rollup, dues_rollup
from schalter.offices.day_changes import day_changed
from tests.conftest import build_office
from tests.insights.test_reroll import TUESDAY, confirmed, later, report
from tests.interpreters.conftest import TUESDAY_9, make_interpreter

TICKS = 4
DAYS = 6
NOW = later(TUESDAY, 10, 10)


@pytest.fixture(autouse=True)
def postgres_only(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("the race tests need PostgreSQL's row locks; `make test` runs them there")


@pytest.fixture
def office(transactional_db):
    return build_office("giessen")


def in_thread(fn, *args):
    """`fn` in a worker thread, on that thread's own connection (closed after)."""
    try:
        return fn(*args)
    finally:
        connection.close()


@pytest.fixture
def six_due_days(office):
    days = [TUESDAY + timedelta(days=n) for n in range(DAYS)]
    for day in days:
        day_rollup(office=office, day=day, now=later(day, 1, 0, 5))
        day_changed(office=office, day=day, kind="visits", now=NOW)
    assert RollupDue.objects.filter(office=office).count() == DAYS
    return office


def ticks_at_once(office) -> list[int]:
    start = threading.Barrier(TICKS)

    def tick(_n: int) -> int:
        start.wait()
        return dues_rollup(office=office, now=NOW)

    with ThreadPoolExecutor(TICKS) as pool:
        return list(pool.map(lambda n: in_thread(tick, n), range(TICKS)))


def test_ticks_at_once_never_re_roll_the_same_day(six_due_days, settings):
    settings.SCHALTER_ROLLUP_RACE_PAUSE = {"claim": 0.5}
    rolled = ticks_at_once(six_due_days)
    assert sum(rolled) == DAYS
    assert not RollupDue.objects.exists()


def test_without_the_lock_ticks_re_roll_the_same_day(six_due_days, settings):
    settings.SCHALTER_ROLLUP_RACE_PAUSE = {"claim": 0.5}
    settings.SCHALTER_UNSAFE_ROLLUP_LOCKS = True
    assert sum(ticks_at_once(six_due_days)) > DAYS


def interpreting_of(office):
    with scopes_disabled():
        return [
            (row.assignments, row.minutes, str(row.cost))
            for row in InterpreterDay.objects.filter(office=office, day=TUESDAY)
        ]


def a_report_during_the_re_roll(office) -> None:
    """Amina reports her morning late; while the tick re-rolls Tuesday (paused after reading it,
    before removing its due row) Bahar reports her afternoon; then the next tick runs."""
    amina = make_interpreter({office: Decimal(10)})
    bahar = make_interpreter({office: Decimal(10)}, name="Bahar")
    morning = confirmed(office, amina)
    afternoon = confirmed(office, bahar, start=TUESDAY_9 + timedelta(hours=4))
    closed_days_rollup(office=office, now=later(TUESDAY, 1, 0, 5))
    report(amina, morning, later(TUESDAY, 3, 10))

    def second_report() -> None:
        deadline = time.monotonic() + 20
        while interpreting_of(office) != [(1, 145, "249.30")]:  # the tick has read the day
            assert time.monotonic() < deadline, "the re-roll never came"
            time.sleep(0.02)
        assert RollupDue.objects.filter(office=office).exists()  # … and not yet removed its row
        report(bahar, afternoon, later(TUESDAY, 3, 10, 1))

    first_tick = later(TUESDAY, 3, 10, 1)
    with ThreadPoolExecutor(2) as pool:
        tick = pool.submit(in_thread, lambda: dues_rollup(office=office, now=first_tick))
        reported = pool.submit(in_thread, second_report)
        assert tick.result() == 1
        reported.result()
    dues_rollup(office=office, now=later(TUESDAY, 3, 10, 2))


def test_a_report_during_the_re_roll_is_not_lost(office, settings):
    settings.SCHALTER_ROLLUP_RACE_PAUSE = {"done": 2.0}
    a_report_during_the_re_roll(office)
    # Two of the worked example: 2 × 145 minutes, 2 × 249.30 €.
    assert interpreting_of(office) == [(2, 290, "498.60")]
    assert not RollupDue.objects.exists()


def test_without_the_mark_check_the_report_is_lost(office, settings):
    settings.SCHALTER_ROLLUP_RACE_PAUSE = {"done": 2.0}
    settings.SCHALTER_UNSAFE_ROLLUP_MARKS = True
    a_report_during_the_re_roll(office)
    assert interpreting_of(office) == [(1, 145, "249.30")]
