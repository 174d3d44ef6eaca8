"""Switches for the visit race tests (tests/concurrency/test_visit_races.py), off in every real
setting. One removes only the lock from the real code (calling next, taking a ticket number), to
show that the race tests fail without it; the other widens the moment between a read and its
write, so that the tests force the interleaving instead of hoping for it."""

import time

from django.conf import settings


def locks_on() -> bool:
    """Whether the visit writes take their locks: always, unless a race test switched them off
    (SCHALTER_UNSAFE_VISIT_LOCKS)."""
    return not settings.SCHALTER_UNSAFE_VISIT_LOCKS


def race_window() -> None:
    """Between a read and the write that depends on it: a race test may pause here
    (SCHALTER_VISIT_RACE_PAUSE, seconds) so that concurrent requests overlap for sure."""
    if pause := settings.SCHALTER_VISIT_RACE_PAUSE:
        time.sleep(pause)
