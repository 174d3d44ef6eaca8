"""Work outside the request: the periodic step of matching (escalate requests left unanswered,
try open ones again). Run every minute by `manage.py interpreters_tick` (cron or a worker, like
`appointments_tick`) or queued as a task."""

from django.tasks import task
from django.utils import timezone

from schalter.accounts.actors import SCHEDULER
from schalter.interpreters.services import assignments_escalate


def interpreters_tick() -> int:
    return assignments_escalate(now=timezone.now(), acting_user=SCHEDULER)


@task()
def interpreters_tick_task() -> int:
    return interpreters_tick()
