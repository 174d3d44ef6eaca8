"""The worker's heartbeat: a tiny task the health check enqueues now and then (`health`)."""

from django.tasks import task
from django.tasks.base import TASK_MAX_PRIORITY
from django.utils import timezone

from schalter.observability.models import WorkerHeartbeat

HEARTBEAT_ROW = 1


# Ahead of every other task: it measures whether a worker runs at all; how long mails wait is
# the task lag of /metrics.
@task(priority=TASK_MAX_PRIORITY)
def worker_heartbeat() -> None:
    WorkerHeartbeat.objects.update_or_create(
        pk=HEARTBEAT_ROW, defaults={"answered_at": timezone.now()}
    )
