"""The parts of /healthz, each cheap (one statement or one cache round trip) and each answered as
a word: "ok", "down" (the database or the cache fails), "stale" (no worker took the heartbeat
in time) or "unknown" (nothing to tell yet)."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import connection
from django.tasks import task_backends
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from schalter.observability.models import WorkerHeartbeat
from schalter.observability.tasks import HEARTBEAT_ROW, worker_heartbeat

OK, DOWN, STALE, UNKNOWN = "ok", "down", "stale", "unknown"
# A heartbeat is asked of the workers at most this often (only while someone checks health)...
HEARTBEAT_EVERY = timedelta(seconds=30)
# ... and the workers are stale when one waits longer than this for a worker to take it.
HEARTBEAT_STALE_AFTER = timedelta(seconds=120)
HEARTBEAT_PATH = f"{worker_heartbeat.func.__module__}.{worker_heartbeat.func.__qualname__}"


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any failure to answer is "down"; the reason is for the logs
        return DOWN
    return OK


def cache_state() -> str:
    probe = secrets.token_hex(8)
    try:
        cache.set("schalter:healthz", probe, timeout=10)
        return OK if cache.get("schalter:healthz") == probe else DOWN
    except Exception:  # an unreachable cache server raises its client's own errors
        return DOWN


@dataclass(frozen=True)
class WorkerHealth:
    state: str
    # Seconds since a worker last took a heartbeat; None before the first one.
    heartbeat_age: float | None


def heartbeat_waiting_in_queue() -> bool:
    """Whether a heartbeat waits in django_tasks_db's queue (the partial index on ready tasks
    answers this). False under other backends: they keep no queue we can read."""
    if not isinstance(task_backends[worker_heartbeat.backend], DatabaseBackend):
        return False
    return DBTaskResult.objects.ready().filter(task_path=HEARTBEAT_PATH).exists()


def worker_state(now: datetime | None = None) -> WorkerHealth:
    """Whether a task worker runs: the answer to the heartbeat asked last. A new one is asked
    when the last was answered more than HEARTBEAT_EVERY ago; "stale" when one was asked more
    than HEARTBEAT_STALE_AFTER ago and is still unanswered. (The immediate backend of `make run`
    and the tests answers at once.)"""
    now = now or timezone.now()
    row, created = WorkerHeartbeat.objects.get_or_create(
        pk=HEARTBEAT_ROW, defaults={"asked_at": now}
    )
    if created:
        worker_heartbeat.enqueue()
        row.refresh_from_db()
    asked, answered = row.asked_at, row.answered_at
    age = max((now - answered).total_seconds(), 0.0) if answered else None
    if asked is None or (answered is not None and answered >= asked):
        due = answered is None or now - answered >= HEARTBEAT_EVERY
        # Of several app processes checking at once, one asks.
        if due and WorkerHeartbeat.objects.filter(pk=HEARTBEAT_ROW, asked_at=asked).update(
            asked_at=now
        ):
            worker_heartbeat.enqueue()
        return WorkerHealth(OK if answered else UNKNOWN, age)
    if now - asked <= HEARTBEAT_STALE_AFTER:
        return WorkerHealth(OK if answered else UNKNOWN, age)
    # Unanswered too long. If no heartbeat waits in the queue (a worker died running it), ask
    # again without forgetting since when the workers have been silent.
    if not heartbeat_waiting_in_queue():
        worker_heartbeat.enqueue()
    return WorkerHealth(STALE, age)


def task_lag_seconds(now: datetime | None = None) -> float | None:
    """How long the oldest task due to run has waited for a worker (0 with none waiting); None
    when the tasks are not in django_tasks_db's table."""
    if not isinstance(task_backends["default"], DatabaseBackend):
        return None
    now = now or timezone.now()
    due = DBTaskResult.objects.ready()
    oldest = [
        # A task without run_after is due since it was enqueued; one with, since run_after.
        due.filter(run_after__gt=now)
        .order_by("enqueued_at")
        .values_list("enqueued_at", flat=True)
        .first(),
        due.filter(run_after__lte=now)
        .order_by("run_after")
        .values_list("run_after", flat=True)
        .first(),
    ]
    waiting_since = min((moment for moment in oldest if moment is not None), default=now)
    return max((now - waiting_since).total_seconds(), 0.0)
