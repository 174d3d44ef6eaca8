"""On the demo's generated history (demo/history.py), the optimiser's recommended plan beats
every demo office's plan of today in simulated p90 wait, by a paired 95 % interval (the same
seeds for both plans) that lies below zero (docs/planning.md, "The demo history").

One seeding, one process: each office's calibration is read once and its search is 40 plans
× 20 replications (about 5 s an office); the paired interval is what makes 20 enough."""

import io
import json

import pytest
from django.core.management import call_command

from tests.conftest import built_once

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo")]

# Every demo office with a history (the practice office, open around the clock, has none).
# Main-Kinzig-Kreis takes no online bookings and Kreis Bergstraße has no walk-in queue, but the
# demo gives both availability rules and a history of both kinds of visits.
OFFICES = (
    "giessen",
    "darmstadt",
    "wiesbaden",
    "offenbach",
    "main-kinzig-kreis",
    "kreis-bergstrasse",
)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    def build():
        call_command("seed_demo", "--history-weeks", "4", stdout=io.StringIO())

    yield from built_once(django_db_blocker, build)


@pytest.mark.parametrize("office", OFFICES)
def test_the_recommended_plan_beats_todays_plan_in_p90(seeded, office):
    out = io.StringIO()
    call_command(
        "plan_optimise", "--office", office, "--weekday", "0", "--plans", "40",
        "--replications", "20", "--json", stdout=out,
    )  # fmt: skip
    report = json.loads(out.getvalue())
    assert report["calibrated"] is True  # from the generated history, not assumed demand
    today, best = report["today"], report["recommended"]
    assert best is not None, report["verdict"]
    assert best["unmet_bookings"] == 0
    # The paired interval of (recommended − today) lies below zero; the gain is reported.
    low, high = best["p90_change_minutes_ci"]
    assert low <= best["p90_change_minutes"] <= high < 0
    assert best["p90_wait_minutes"] < today["p90_wait_minutes"]
    assert best["mean_wait_minutes"] <= today["mean_wait_minutes"]
    assert "shorter" in report["verdict"]
    print(
        f"{office}: today {today['p90_wait_minutes']} {today['p90_wait_minutes_ci']}, "
        f"recommended {best['p90_wait_minutes']} {best['p90_wait_minutes_ci']}, change "
        f"{best['p90_change_minutes']} {best['p90_change_minutes_ci']} "
        f"({best['p90_change_share']:+.0%}): {best['plan'][:120]}"
    )
