"""The worker's heartbeat: a tiny task the health check enqueues now and then (`health`)."""

from django.tasks import TaskContext, task, task_backends
from django.tasks.base import TASK_MAX_PRIORITY
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from schalter.observability.models import WorkerHeartbeat

HEARTBEAT_ROW = 1


# Ahead of every other task: it measures whether a worker runs at all; how long mails wait is
# the task lag of /metrics.
@task(priority=TASK_MAX_PRIORITY, takes_context=True)
def worker_heartbeat(context: TaskContext) -> None:
    previous = (
        WorkerHeartbeat.objects.filter(pk=HEARTBEAT_ROW).values_list("result_id", flat=True).first()
    )
    WorkerHeartbeat.objects.update_or_create(
        pk=HEARTBEAT_ROW,
        defaults={"answered_at": timezone.now(), "result_id": str(context.task_result.id)},
    )
    # Each heartbeat removes the one before it from django_tasks_db's table, which nothing else
    # prunes (it would grow by a row every HEARTBEAT_EVERY seconds).
    if previous and isinstance(task_backends[worker_heartbeat.backend], DatabaseBackend):
        DBTaskResult.objects.filter(pk=previous).delete()
