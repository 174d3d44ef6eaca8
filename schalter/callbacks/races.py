"""Switches for the claim race test (tests/concurrency/test_callback_races.py), off in every real
setting: one removes only the row lock of `callback_claim`, to show that the test fails without
it; the other pauses between reading a callback and claiming it, so that the test forces the
interleaving instead of hoping for it."""

import time

from django.conf import settings


def locks_on() -> bool:
    """Whether claiming takes its row lock: always, unless the race test switched it off."""
    return not getattr(settings, "SCHALTER_UNSAFE_CALLBACK_LOCKS", False)


def race_window() -> None:
    """Between reading a claimable callback and claiming it (SCHALTER_CALLBACK_RACE_PAUSE)."""
    if pause := getattr(settings, "SCHALTER_CALLBACK_RACE_PAUSE", 0.0):
        time.sleep(pause)
