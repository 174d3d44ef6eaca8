"""Work every app needs done each minute. An app above the ground floor registers its job here
from its `AppConfig.ready`; the scheduled tick (`manage.py appointments_tick`, the one job that
runs every minute on one machine) runs them all, so a new app needs no timer of its own."""

from collections.abc import Callable
from datetime import datetime

# A job does its minute's work and returns a short line for the tick's log. Called with `now`.
Job = Callable[..., str]

_jobs: dict[str, Job] = {}


def tick_register(name: str, job: Job) -> None:
    """Register (or replace, on a repeated `ready`) the minute's job of one app."""
    _jobs[name] = job


def ticks_run(*, now: datetime) -> list[str]:
    """Run every registered job; one log line each, named by its app."""
    return [f"{name}: {job(now=now)}" for name, job in _jobs.items()]
