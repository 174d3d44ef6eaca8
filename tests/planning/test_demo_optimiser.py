"""On the demo's generated history (demo/history.py), the optimiser's recommended plan beats the
demo office's plan of today in simulated p90 wait beyond both 95 % intervals
(docs/planning.md, "The demo history")."""

import io
import json

import pytest
from django.core.management import call_command

from tests.conftest import built_once

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo")]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    def build():
        call_command("seed_demo", "--history-weeks", "8", stdout=io.StringIO())

    yield from built_once(django_db_blocker, build)


def test_the_recommended_plan_beats_giessens_plan_of_today_in_p90(seeded):
    out = io.StringIO()
    call_command(
        "plan_optimise", "--office", "giessen", "--weekday", "0", "--processes", "2", "--json",
        stdout=out,
    )  # fmt: skip
    report = json.loads(out.getvalue())
    assert report["calibrated"] is True  # from the generated history, not assumed demand
    today, best = report["today"], report["best"][0]
    assert best["unmet_bookings"] == 0
    # Beyond the intervals: the best plan's upper bound below today's lower bound.
    assert best["p90_wait_minutes_ci"][1] < today["p90_wait_minutes_ci"][0]
    assert best["p90_wait_minutes"] < 0.6 * today["p90_wait_minutes"]
    assert "shorter" in report["verdict"]
