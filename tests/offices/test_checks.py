"""`check --deploy` warns where a task worker runs apart from the web processes but the cache is
each process's own: a planning run's progress would never reach the pages (offices/checks.py)."""

from django.core import checks

WORKER = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    }
}


def deploy_warnings() -> list[str]:
    return [
        message.id
        for message in checks.run_checks(tags=[checks.Tags.caches], include_deployment_checks=True)
    ]


def test_a_worker_without_a_shared_cache_is_warned_about(settings):
    settings.TASKS, settings.CACHES = WORKER, LOCMEM
    assert "schalter.W001" in deploy_warnings()


def test_a_shared_cache_or_no_worker_is_fine(settings):
    settings.TASKS, settings.CACHES = WORKER, REDIS
    assert "schalter.W001" not in deploy_warnings()
    settings.TASKS, settings.CACHES = IMMEDIATE, LOCMEM
    assert "schalter.W001" not in deploy_warnings()
