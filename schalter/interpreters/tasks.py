"""Work outside the request: the periodic step of matching (escalate requests left unanswered,
try open ones again). `manage.py appointments_tick` runs it every minute (registered in
offices/ticks.py); `manage.py interpreters_tick` runs it alone."""

from datetime import datetime

from django.tasks import task
from django.utils import timezone

from schalter.accounts.actors import SCHEDULER
from schalter.interpreters.services import assignments_escalate


def interpreters_tick(*, now: datetime | None = None) -> int:
    return assignments_escalate(now=now or timezone.now(), acting_user=SCHEDULER)


def interpreters_minute(*, now: datetime) -> str:
    """The interpreters' share of the minute's tick (offices/ticks.py)."""
    return f"{interpreters_tick(now=now)} interpreter requests escalated"


@task()
def interpreters_tick_task() -> int:
    return interpreters_tick()
