from django.db import models


class WorkerHeartbeat(models.Model):
    """One row: when the app servers last asked the task workers for a sign of life, and when a
    worker last gave one (`tasks.worker_heartbeat`). Its own row, so that the health check reads
    one row instead of searching the task table."""

    asked_at = models.DateTimeField(null=True)
    answered_at = models.DateTimeField(null=True)
    # The task result of the heartbeat answered last, removed by the next one.
    result_id = models.CharField(max_length=64, blank=True)
