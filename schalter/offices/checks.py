"""Deployment checks of Schalter's own (`manage.py check --deploy`).

Background work that runs in a task worker (django_tasks_db's `db_worker`) tells the web
processes how far it got through the cache (a what-if planning run's progress, planning/tasks.py).
A per-process cache (LocMem, the default) is never seen by another process: production needs a
shared one, Redis when SCHALTER_REDIS_URL is set (settings/production.py)."""

from typing import Any

from django.conf import settings
from django.core import checks

# Backends whose entries only the process that wrote them reads.
PER_PROCESS_CACHES = frozenset(
    {
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
    }
)
IN_PROCESS_TASKS = "django.tasks.backends.immediate.ImmediateBackend"


def cache_not_shared(caches: dict[str, Any], tasks: dict[str, Any]) -> bool:
    """Tasks run in another process while the cache is each process's own."""
    worker_apart = tasks.get("default", {}).get("BACKEND", IN_PROCESS_TASKS) != IN_PROCESS_TASKS
    cache = caches.get("default", {}).get("BACKEND", "")
    return worker_apart and cache in PER_PROCESS_CACHES


@checks.register(checks.Tags.caches, deploy=True)
def shared_cache_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if not cache_not_shared(settings.CACHES, settings.TASKS):
        return []
    return [
        checks.Warning(
            "Tasks run in a worker process, but the cache is each process's own: the web "
            "processes never see a planning run's progress.",
            hint="Set SCHALTER_REDIS_URL: production then caches in Redis.",
            id="schalter.W001",
        )
    ]
