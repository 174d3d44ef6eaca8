"""Reads for interpreters; never writes, never imports services."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Q, QuerySet
from django_scopes import scope

from schalter.appointments.selectors import policy_of
from schalter.interpreters.fees import JVEG_RATES, Fee, Rate, Receipt, fee_compute, rate_in_force
from schalter.interpreters.fees import Assignment as FeeAssignment
from schalter.interpreters.matching import Busy, Candidate, Need
from schalter.interpreters.models import (
    HOLDING_STATES,
    Assignment,
    AssignmentEvent,
    AssignmentState,
    EventKind,
    FeeAgreement,
    FeeRate,
    Interpreter,
    InterpreterBudget,
    InterpreterOffice,
)
from schalter.offices.localtime import local_date, local_midnight, local_time
from schalter.offices.models import Office

# Assignments that are over: their personal fields are erased after the office's retention period.
FINISHED_STATES = (
    AssignmentState.REQUESTED,
    AssignmentState.DECLINED,
    AssignmentState.REPORTED,
    AssignmentState.CANCELLED,
)


def retention_days_of(office: Office) -> int:
    """Interpreting serves an appointment (or a visit, a callback): its personal fields are kept
    as long as the office keeps appointment data."""
    return policy_of(office).retention_days


def assignments_due_for_erasure(office: Office, now: datetime) -> QuerySet[Assignment]:
    """Finished assignments that ended longer ago than the retention period and still hold the
    client's first name or joining details (a phone number, a video link). Used by the eraser
    and by the retention report, so both count the same."""
    cutoff = now - timedelta(days=retention_days_of(office))
    return Assignment.objects.filter(
        office=office, end__lt=cutoff, state__in=FINISHED_STATES
    ).exclude(client_first_name="", joining_details="")


def statutory_rates() -> tuple[Rate, ...]:
    """The JVEG versions in the table (seeded by a migration; an operator may add more)."""
    rows = tuple(rate.as_rate() for rate in FeeRate.objects.filter(office__isnull=True))
    # An emptied table (a flushed test database) falls back to the statute as the migration
    # seeds it, so a booking never fails for want of a rate.
    return rows or JVEG_RATES


def rates_for(office: Office | None) -> tuple[Rate, ...]:
    """The office's framework agreement where it has one, else JVEG."""
    if office is not None:
        own = tuple(rate.as_rate() for rate in FeeRate.objects.filter(office=office))
        if own:
            return own
    return statutory_rates()


def fee_rates_of(assignment: Assignment) -> tuple[Rate, ...]:
    interpreter = assignment.interpreter
    if interpreter is not None and interpreter.fee_agreement == FeeAgreement.FRAMEWORK:
        return rates_for(assignment.office)
    return statutory_rates()


def fee_input(assignment: Assignment) -> FeeAssignment:
    """What the fee engine needs, from the reported times where she reported them."""
    office = assignment.office
    start = local_time(office, assignment.reported_start or assignment.start)
    end = local_time(office, assignment.reported_end or assignment.end)
    return FeeAssignment(
        day=start.date(),
        start=start.time().replace(second=0, microsecond=0),
        end=end.time().replace(second=0, microsecond=0),
        engaged_on=assignment.engaged_on or start.date(),
        travel_before_minutes=assignment.travel_before_minutes,
        travel_after_minutes=assignment.travel_after_minutes,
        waiting_minutes=assignment.waiting_minutes,
        km=assignment.km,
        unfavourable_time_necessary=assignment.unfavourable_time_necessary,
        cancelled_on=assignment.cancelled_on,
        cancelled_by_interpreter=assignment.cancelled_by_interpreter,
        declared_loss=assignment.declared_loss,
        vat_liable=bool(assignment.interpreter and assignment.interpreter.vat_liable),
        receipts=tuple(
            Receipt(kind=r["kind"], amount=Decimal(str(r["amount"]))) for r in assignment.receipts
        ),
    )


def assignment_fee(assignment: Assignment) -> Fee:
    return fee_compute(
        fee_input(assignment), rates=fee_rates_of(assignment), zone=assignment.office.zone
    )


def _naive(office: Office, moment: datetime) -> datetime:
    return local_time(office, moment).replace(tzinfo=None)


def need_of(assignment: Assignment) -> Need:
    return Need(
        office_id=assignment.office_id,
        language=assignment.language,
        mode=assignment.mode,
        start=_naive(assignment.office, assignment.start),
        end=_naive(assignment.office, assignment.end),
    )


def candidates_for(
    office: Office, first: datetime, last: datetime, *, excluding: int | None = None
) -> list[Candidate]:
    """Everyone who serves `office`, with what matching needs for needs between `first` and
    `last` (UTC): a fixed number of queries whatever the pool's size. Crosses offices on purpose:
    her other offices' assignments keep her busy here too."""
    links = list(
        InterpreterOffice.across_offices.filter(office=office, interpreter__active=True)
        .select_related("interpreter")
        .prefetch_related("interpreter__availability", "interpreter__exceptions")
    )
    ids = [link.interpreter_id for link in links]
    distances: dict[int, dict[int, Decimal]] = {}
    for interpreter_id, office_id, km in InterpreterOffice.across_offices.filter(
        interpreter_id__in=ids
    ).values_list("interpreter_id", "office_id", "distance_km"):
        distances.setdefault(interpreter_id, {})[office_id] = km
    busy: dict[int, list[Busy]] = {}
    month_start = first.replace(day=1) - timedelta(days=1)
    minutes: dict[int, int] = {}
    held = Assignment.across_offices.filter(
        interpreter_id__in=ids, state__in=HOLDING_STATES, end__gt=month_start
    ).select_related("office")
    if excluding is not None:  # the assignment being moved does not keep her busy
        held = held.exclude(pk=excluding)
    for other in held:
        assert other.interpreter_id is not None
        if other.start < last + timedelta(days=1) and other.end > first - timedelta(days=1):
            busy.setdefault(other.interpreter_id, []).append(
                Busy(
                    office_id=other.office_id,
                    mode=other.mode,
                    start=_naive(other.office, other.start),
                    end=_naive(other.office, other.end),
                )
            )
        if other.start.month == first.month:
            minutes[other.interpreter_id] = minutes.get(other.interpreter_id, 0) + int(
                (other.end - other.start).total_seconds() // 60
            )
    declined: dict[int, set[int]] = {}
    for interpreter_id, assignment_id in AssignmentEvent.across_offices.filter(
        interpreter_id__in=ids,
        kind__in=[EventKind.DECLINED, EventKind.ESCALATED, EventKind.HANDED_BACK],
        assignment__start__gte=first - timedelta(days=1),
    ).values_list("interpreter_id", "assignment_id"):
        if interpreter_id is not None:
            declined.setdefault(interpreter_id, set()).add(assignment_id)
    today = local_date(office, first)
    jveg = rate_in_force(statutory_rates(), today)
    framework = rate_in_force(rates_for(office), today)
    result = []
    for link in links:
        interpreter = link.interpreter
        rate = framework if interpreter.fee_agreement == FeeAgreement.FRAMEWORK else jveg
        result.append(
            Candidate(
                interpreter_id=interpreter.pk,
                languages=tuple(interpreter.languages),
                modes=tuple(interpreter.modes),
                distance_km=distances.get(interpreter.pk, {}),
                weekly=tuple((w.weekday, w.start, w.end) for w in interpreter.availability.all()),
                away=tuple(
                    (e.day, e.start, e.end) for e in interpreter.exceptions.all() if not e.available
                ),
                extra=tuple(
                    (e.day, e.start, e.end) for e in interpreter.exceptions.all() if e.available
                ),
                busy=tuple(busy.get(interpreter.pk, ())),
                minutes_this_month=minutes.get(interpreter.pk, 0),
                hourly=rate.hourly,
                per_km=rate.per_km,
                declined=frozenset(declined.get(interpreter.pk, ())),
            )
        )
    return result


def overlapping_held(interpreter: Interpreter, start: datetime, end: datetime) -> int:
    """How many of her assignments, in any office, hold time overlapping [start, end)."""
    return Assignment.across_offices.filter(
        interpreter=interpreter, state__in=HOLDING_STATES, start__lt=end, end__gt=start
    ).count()


def assignments_of_interpreter(interpreter: Interpreter) -> list[Assignment]:
    """Her own assignments across the offices she serves (her view): proposals and held ones."""
    return list(
        Assignment.across_offices.filter(interpreter=interpreter, state__in=HOLDING_STATES)
        .select_related("office")
        .order_by("start")
    )


def assignment_of_interpreter(interpreter: Interpreter, pk: int | str) -> Assignment | None:
    """One of her assignments by id, None for anyone else's alike."""
    try:
        return (
            Assignment.across_offices.select_related("office", "interpreter")
            .filter(interpreter=interpreter, pk=pk)
            .first()
        )
    except (ValueError, TypeError, OverflowError):
        return None


def assignments_open(office: Office, now: datetime) -> list[Assignment]:
    with scope(office=office):
        return list(
            Assignment.objects.filter(
                office=office, state=AssignmentState.REQUESTED, start__gt=now
            ).select_related("office")
        )


@dataclass(frozen=True)
class CostRow:
    assignment: Assignment
    start: datetime  # local
    interpreter_name: str
    fee: Fee


@dataclass(frozen=True)
class CostReport:
    office: Office
    month: date
    rows: tuple[CostRow, ...]
    total: Decimal
    budget: Decimal | None
    by_language: dict[str, Decimal]
    by_mode: dict[str, Decimal]

    @property
    def remaining(self) -> Decimal | None:
        return None if self.budget is None else self.budget - self.total


def month_bounds(office: Office, month: date) -> tuple[datetime, datetime]:
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return local_midnight(office, first), local_midnight(office, following)


def _billed(office: Office, month: date, interpreter: Interpreter | None = None) -> list[CostRow]:
    """The month's assignments that cost something: reported, or cancelled after she was
    engaged (the cancellation rule decides whether anything is due)."""
    begins, ends = month_bounds(office, month)
    with scope(office=office):
        found = Assignment.objects.filter(
            office=office,
            start__gte=begins,
            start__lt=ends,
            interpreter__isnull=False,
        ).filter(
            Q(state=AssignmentState.REPORTED)
            | Q(state=AssignmentState.CANCELLED, cancelled_on__isnull=False)
        )
        if interpreter is not None:
            found = found.filter(interpreter=interpreter)
        assignments = list(found.select_related("office", "interpreter").order_by("start", "pk"))
    rows = []
    for assignment in assignments:
        assert assignment.interpreter is not None
        rows.append(
            CostRow(
                assignment=assignment,
                start=local_time(office, assignment.start),
                interpreter_name=assignment.interpreter.name,
                fee=assignment_fee(assignment),
            )
        )
    return rows


def cost_report(office: Office, month: date) -> CostReport:
    rows = _billed(office, month)
    by_language: dict[str, Decimal] = {}
    by_mode: dict[str, Decimal] = {}
    for row in rows:
        language, mode = row.assignment.language, row.assignment.mode
        by_language[language] = by_language.get(language, Decimal(0)) + row.fee.total
        by_mode[mode] = by_mode.get(mode, Decimal(0)) + row.fee.total
    with scope(office=office):
        budget = (
            InterpreterBudget.objects.filter(office=office, month=month.replace(day=1))
            .values_list("amount", flat=True)
            .first()
        )
    return CostReport(
        office=office,
        month=month.replace(day=1),
        rows=tuple(rows),
        total=sum((row.fee.total for row in rows), Decimal(0)),
        budget=budget,
        by_language=by_language,
        by_mode=by_mode,
    )


def statement_rows(office: Office, interpreter: Interpreter, month: date) -> list[CostRow]:
    """Her monthly statement as this office sees it: its own assignments of her only."""
    return _billed(office, month, interpreter)


def interpreter_of_office(office: Office, pk: int | str) -> Interpreter | None:
    """An interpreter who serves `office`, by id; None alike for unknown ones and those who
    serve only other offices."""
    try:
        link = (
            InterpreterOffice.across_offices.filter(office=office, interpreter_id=pk)
            .select_related("interpreter")
            .first()
        )
    except (ValueError, TypeError, OverflowError):
        return None
    return link.interpreter if link else None


def assignments_of_office(office: Office, since: datetime) -> list[Assignment]:
    with scope(office=office):
        return list(
            Assignment.objects.filter(office=office, end__gte=since)
            .exclude(state=AssignmentState.CANCELLED)
            .select_related("interpreter", "office")
            .order_by("start")[:500]
        )


def assignment_of_callback(callback_id: int) -> Assignment | None:
    """The latest interpreter request of a callback (staff see it on the callback's page)."""
    return (
        Assignment.across_offices.filter(callback_id=callback_id)
        .exclude(state=AssignmentState.CANCELLED)
        .select_related("interpreter")
        .order_by("-pk")
        .first()
    )


def assignment_of_appointment(appointment_id: int) -> Assignment | None:
    """The latest interpreter request of an appointment (staff see who is confirmed)."""
    return (
        Assignment.across_offices.filter(appointment_id=appointment_id)
        .exclude(state=AssignmentState.CANCELLED)
        .select_related("interpreter")
        .order_by("-pk")
        .first()
    )


def interpreter_by_email(email: str) -> Interpreter | None:
    """Whoever in the pool has this address (addresses are unique across offices)."""
    return Interpreter.objects.filter(email=email.strip().lower()).first()


def pool_of_office(office: Office) -> list[InterpreterOffice]:
    """The active interpreters serving `office`, with their distance to it."""
    return list(
        InterpreterOffice.across_offices.filter(office=office, interpreter__active=True)
        .select_related("interpreter")
        .order_by("interpreter__name", "interpreter_id")
    )
