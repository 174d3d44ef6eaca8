"""Switches for the re-roll race tests (tests/insights/test_reroll_races.py), off in every real
setting: one removes only the row lock of claiming due days, one only the check that a due day
was not marked again during its re-roll, to show that each test fails without its guard; the
pauses hold a tick between reading and claiming, and between re-rolling and removing the row, so
that the tests force the interleaving instead of hoping for it."""

import time
from typing import Literal

from django.conf import settings


def locks_on() -> bool:
    """Whether claiming due days takes their row locks: always, unless a race test said not."""
    return not getattr(settings, "SCHALTER_UNSAFE_ROLLUP_LOCKS", False)


def mark_checked() -> bool:
    """Whether a re-roll removes its due row only if not marked again: always, unless a test
    said not."""
    return not getattr(settings, "SCHALTER_UNSAFE_ROLLUP_MARKS", False)


def race_window(where: Literal["claim", "done"]) -> None:
    """Pause at `where` for as long as SCHALTER_ROLLUP_RACE_PAUSE[where] says (seconds)."""
    if pause := getattr(settings, "SCHALTER_ROLLUP_RACE_PAUSE", {}).get(where, 0):
        time.sleep(pause)
