"""Switches for the interpreter race test (tests/concurrency/test_interpreter_races.py), off in
every real setting: one removes only the lock on the interpreter's row, the other widens the
moment between the recount and the write so the test forces the interleaving."""

import time

from django.conf import settings


def locks_on() -> bool:
    return not getattr(settings, "SCHALTER_UNSAFE_INTERPRETER_LOCKS", False)


def race_window() -> None:
    if pause := getattr(settings, "SCHALTER_INTERPRETER_RACE_PAUSE", 0):
        time.sleep(pause)
