"""Daily roll-ups of the parts that came later: callbacks and interpreters (docs/insights.md).
Anonymous rows as in rollups.py, recomputed whole for a day, so running one again is harmless.

Callbacks count on the local day they closed, when everything about them is known:
- *tried*: closed as reached, unreachable or with a wrong number (withdrawn ones and those
  with nothing to do are left out); the reach rate is reached ÷ tried;
- *within the deadline*: of the callbacks with a deadline and at least one attempt, those whose
  first attempt came at or before the deadline (the promise is to call back by then).

Interpreting counts on the local day of the assignment, as the interpreters' cost report does:
assignments reported, or cancelled after she was engaged; minutes with travel and waiting, and
the fee by the JVEG rules (interpreters/selectors.assignment_fee)."""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Min, Q
from django_scopes import scopes_disabled

from schalter.callbacks.models import Callback, Outcome, State
from schalter.insights.histograms import histogram_of
from schalter.insights.models import CallbackDay, InterpreterDay
from schalter.interpreters.models import Assignment, AssignmentState
from schalter.interpreters.selectors import assignment_fee
from schalter.offices.localtime import local_date, local_midnight
from schalter.offices.models import Office

TRIED = (Outcome.REACHED, Outcome.UNREACHABLE, Outcome.WRONG_NUMBER)


def callbacks_day_rollup(*, office: Office, day: date) -> int:
    """Compute (again) one office's day of closed callbacks; returns the rows it has."""
    begins, ends = local_midnight(office, day), local_midnight(office, day + timedelta(days=1))
    counts: dict[tuple[int | None, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    hours: dict[tuple[int | None, str], list[int]] = defaultdict(list)
    with scopes_disabled():
        closed = (
            Callback.objects.filter(
                office=office, state=State.CLOSED, closed_at__gte=begins, closed_at__lt=ends
            )
            .annotate(first_attempt=Min("attempt_log__at"))
            .values("service_id", "language", "outcome", "deadline", "received_at", "first_attempt")
        )
        for row in closed:
            key = (row["service_id"], row["language"])
            got = counts[key]
            got["closed"] += 1
            if row["outcome"] in TRIED:
                got["tried"] += 1
            if row["outcome"] == Outcome.REACHED:
                got["reached"] += 1
            first = row["first_attempt"]
            if first is None:
                continue
            hours[key].append(max(0, int((first - row["received_at"]).total_seconds() // 3600)))
            if row["deadline"] is not None:
                got["timed"] += 1
                if first <= row["deadline"]:
                    got["in_time"] += 1
    rows = [
        CallbackDay(
            office=office,
            day=day,
            service_id=service_id,
            language=language,
            **got,
            hours_to_attempt=histogram_of(hours[(service_id, language)]),
        )
        for (service_id, language), got in counts.items()
    ]
    with transaction.atomic():
        CallbackDay.objects.filter(office=office, day=day).delete()
        CallbackDay.objects.bulk_create(rows)
    return len(rows)


def interpreters_day_rollup(*, office: Office, day: date) -> int:
    """Compute (again) one office's day of interpreting that costs; returns the rows it has."""
    begins, ends = local_midnight(office, day), local_midnight(office, day + timedelta(days=1))
    totals: dict[tuple[str, str], list] = {}
    with scopes_disabled():
        billed = (
            Assignment.objects.filter(
                office=office, start__gte=begins, start__lt=ends, interpreter__isnull=False
            )
            .filter(
                Q(state=AssignmentState.REPORTED)
                | Q(state=AssignmentState.CANCELLED, cancelled_on__isnull=False)
            )
            .select_related("office", "interpreter")
        )
        for assignment in billed:
            fee = assignment_fee(assignment)
            total = totals.setdefault((assignment.language, assignment.mode), [0, 0, Decimal(0)])
            total[0] += 1
            total[1] += fee.minutes if assignment.state == AssignmentState.REPORTED else 0
            total[2] += fee.total
    rows = [
        InterpreterDay(
            office=office,
            day=day,
            language=language,
            mode=mode,
            assignments=n,
            minutes=minutes,
            cost=cost,
        )
        for (language, mode), (n, minutes, cost) in totals.items()
    ]
    with transaction.atomic():
        InterpreterDay.objects.filter(office=office, day=day).delete()
        InterpreterDay.objects.bulk_create(rows)
    return len(rows)


def parts_first_day(office: Office) -> date | None:
    """The office's earliest local day with a closed callback or an interpreter engaged: the
    closed-days roll-up starts there too, not only at the first ticket, so that an office with
    callbacks before (or without) any ticket gets those days rolled up."""
    with scopes_disabled():
        closed = Callback.objects.filter(office=office, state=State.CLOSED).aggregate(
            at=Min("closed_at")
        )["at"]
        engaged = Assignment.objects.filter(office=office, interpreter__isnull=False).aggregate(
            at=Min("start")
        )["at"]
    days = [local_date(office, moment) for moment in (closed, engaged) if moment is not None]
    return min(days, default=None)


def parts_day_rollup(*, office: Office, day: date) -> None:
    """The later parts' share of a day's roll-up (rollups.day_rollup calls it)."""
    callbacks_day_rollup(office=office, day=day)
    interpreters_day_rollup(office=office, day=day)
