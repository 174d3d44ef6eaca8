"""Long what-if runs outside the request (docs/planning.md, "What-if"): the page queues
`whatif_task` and polls; the task writes its progress and, at the end, its result into the
shared cache under a key of the office and a random run token, so no web worker waits."""

import secrets
from dataclasses import asdict
from datetime import datetime

from django.core.cache import cache
from django.tasks import task
from django.utils import timezone
from django_scopes import scopes_disabled

from schalter.appointments import ratelimit
from schalter.offices.models import Office
from schalter.planning import selectors
from schalter.planning.whatif import Comparison, Knobs, compare

RUN_SECONDS = 3600  # how long a run's state is kept
# Simulations an office's staff may start in an hour (what-if runs, short or queued, and the
# plans page's search): each is bounded, but without a count a reload loop or a script kept web
# workers and the task queue simulating for hours.
SIMULATIONS_PER_HOUR = 20


def simulation_count(*, office: Office, now: datetime) -> None:
    """Count one simulation started for `office`; RateLimited (a Refusal, 429) above the limit."""
    ratelimit.hit(
        f"planning-run:{office.pk}", limit=SIMULATIONS_PER_HOUR, window_seconds=3600, now=now
    )


def run_token() -> str:
    return secrets.token_urlsafe(12)


def run_key(office_id: int, token: str) -> str:
    return f"planning:run:{office_id}:{token}"


def run_state(office_id: int, token: str) -> dict | None:
    """{"done", "total", "comparison" (at the end) or "failed"}; None for an unknown run."""
    return cache.get(run_key(office_id, token))


def run_queue(*, office: Office, weekday: int, knobs: Knobs) -> str:
    token = run_token()
    cache.set(run_key(office.pk, token), {"done": 0, "total": 2 * knobs.replications}, RUN_SECONDS)
    whatif_task.enqueue(office_id=office.pk, weekday=weekday, knobs=asdict(knobs), token=token)
    return token


def whatif_run(office: Office, weekday: int, knobs: Knobs, token: str) -> Comparison | None:
    key = run_key(office.pk, token)
    baseline = selectors.office_baseline(office, weekday, timezone.localdate())
    if baseline is None:
        cache.set(key, {"done": 0, "total": 0, "failed": True}, RUN_SECONDS)
        return None

    def progress(done: int, total: int) -> None:
        if done % 5 == 0 or done == total:
            cache.set(key, {"done": done, "total": total}, RUN_SECONDS)

    comparison = compare(baseline.scenario, knobs, progress=progress)
    total = 2 * knobs.replications
    cache.set(key, {"done": total, "total": total, "comparison": comparison}, RUN_SECONDS)
    return comparison


@task
def whatif_task(*, office_id: int, weekday: int, knobs: dict, token: str) -> None:
    with scopes_disabled():
        office = Office.objects.get(pk=office_id)
    whatif_run(office, weekday, Knobs(**knobs), token)
