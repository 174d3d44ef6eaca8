"""Reads for interpreters; never writes, never imports services."""

from datetime import datetime, timedelta
from decimal import Decimal

from django_scopes import scope

from schalter.interpreters.fees import Assignment as FeeAssignment
from schalter.interpreters.fees import Fee, Rate, Receipt, fee_compute, rate_in_force
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
    InterpreterOffice,
)
from schalter.offices.localtime import local_date, local_time
from schalter.offices.models import Office


def statutory_rates() -> tuple[Rate, ...]:
    """The JVEG versions in the table (seeded by a migration; an operator may add more)."""
    rows = tuple(rate.as_rate() for rate in FeeRate.objects.filter(office__isnull=True))
    return rows


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


def candidates_for(office: Office, first: datetime, last: datetime) -> list[Candidate]:
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
