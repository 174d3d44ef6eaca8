"""The minute's tick sends the required-reading reminders and the weekly digest, once each per
period however often it runs."""

from datetime import UTC, datetime, timedelta

from django.core import mail

from schalter.accounts.roles import Role
from schalter.knowledge import tasks
from schalter.offices import ticks
from tests.knowledge.conftest import publish, write

# Monday 7 December 2026, 09:00 in Berlin (the office's and the site's time zone).
MONDAY = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


def _mails(title: str) -> tuple[int, int]:
    """(reminders, digests) the caseworker got about `title`."""
    hers = [m for m in mail.outbox if m.to == ["cw@example.org"]]
    return (
        sum(title in m.subject for m in hers),
        sum(title in m.body and title not in m.subject for m in hers),
    )


def test_reminders_daily_and_the_digest_weekly_once_however_often_the_tick_runs(
    office, people, django_capture_on_commit_callbacks
):
    people.caseworker.email = "cw@example.org"
    people.caseworker.save()
    with django_capture_on_commit_callbacks(execute=True):
        publish(
            write(office, people.editor, title="Pflichtlektüre", required_roles=[Role.CASEWORKER]),
            approver=people.second,
        )
    mail.outbox.clear()
    tasks.knowledge_minute(now=MONDAY - timedelta(hours=3))  # 06:00: neither is due yet
    assert _mails("Pflichtlektüre") == (0, 0)
    lines = ticks.ticks_run(now=MONDAY)  # registered with the tick
    assert any(line.startswith("knowledge: reminders for") for line in lines)
    tasks.knowledge_minute(now=MONDAY + timedelta(minutes=1))  # the tick again: nothing twice
    tasks.knowledge_minute(now=MONDAY)
    assert _mails("Pflichtlektüre") == (1, 1)
    tuesday = MONDAY + timedelta(days=1)
    tasks.knowledge_minute(now=tuesday)
    tasks.knowledge_minute(now=tuesday + timedelta(hours=2))
    assert _mails("Pflichtlektüre") == (2, 1)  # a reminder a day, one digest a week
    tasks.knowledge_minute(now=MONDAY + timedelta(days=5))  # Saturday: no reminders
    assert _mails("Pflichtlektüre") == (2, 1)
