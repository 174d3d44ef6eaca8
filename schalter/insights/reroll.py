"""Closed days rolled up again after a late change (docs/insights.md, "Late changes").

A service that changes a closed day calls `offices.day_changes.day_changed` in its transaction;
`due_mark` (registered in apps.py) writes a `RollupDue` row for the office, day and kind. The
tick (rollups.dues_rollup) claims due rows, rolls their days up again and removes them:

- marking is an upsert that gives the row a new `mark` and frees its claim, so two changes of
  one day leave one row, and a change during a re-roll leaves the row due again;
- claiming reads the rows `FOR UPDATE SKIP LOCKED` and stamps them, in a short transaction of its
  own, so two ticks never re-roll the same day and neither waits for the other;
- a re-roll removes its row only if its `mark` is still the one claimed: a change committed after
  the re-roll read the day (which it may have missed) keeps the row for the next tick;
- a claim older than LEASE (a tick that died) is taken again."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q

from schalter.insights.models import RollupDue
from schalter.insights.races import locks_on, mark_checked, race_window
from schalter.offices.models import Office

LEASE = timedelta(minutes=10)
DUES_PER_TICK = 31  # days re-rolled per office and tick, at most: a tick stays short


@dataclass(frozen=True)
class Due:
    pk: int
    day: date
    kind: str
    mark: uuid.UUID


def due_mark(*, office: Office, day: date, kind: str, now: datetime) -> None:
    """The listener of offices.day_changes: the office's `day` is due to be rolled up again."""
    RollupDue.objects.bulk_create(
        [RollupDue(office=office, day=day, kind=kind, mark=uuid.uuid4(), claimed_at=None)],
        update_conflicts=True,
        unique_fields=["office", "day", "kind"],
        update_fields=["mark", "claimed_at"],
    )


def dues_claim(*, office: Office, now: datetime) -> list[Due]:
    """Take the office's due days no other tick is re-rolling, oldest first."""
    with transaction.atomic():
        rows = RollupDue.objects.filter(office=office).filter(
            Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - LEASE)
        )
        if locks_on():  # off only to show that the race test fails without it
            rows = rows.select_for_update(skip_locked=True)
        dues = [
            Due(pk, day, kind, mark)
            for pk, day, kind, mark in rows.order_by("day", "kind").values_list(
                "pk", "day", "kind", "mark"
            )[:DUES_PER_TICK]
        ]
        race_window("claim")
        RollupDue.objects.filter(pk__in=[due.pk for due in dues]).update(claimed_at=now)
    return dues


def due_done(due: Due) -> None:
    """The day is rolled up again: its row goes, unless it was marked again meanwhile."""
    race_window("done")
    done = RollupDue.objects.filter(pk=due.pk)
    if mark_checked():  # off only to show that the race test fails without it
        done = done.filter(mark=due.mark)
    done.delete()


def due_release(due: Due) -> None:
    """Not rolled up this time (its day has not had its first roll-up yet): due again."""
    RollupDue.objects.filter(pk=due.pk, mark=due.mark).update(claimed_at=None)
