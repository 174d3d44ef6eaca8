"""Writes for interpreters: the pool, availability, assignments and their matching. Keyword-only
arguments, one transaction, one audit row; mails after commit (interpreters/notifications.py).

Her time is scarce like a seat: proposing her locks her row (bounded wait), recounts her held
assignments in every office, and only then writes (docs/interpreters.md, docs/locking.md)."""

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from django.db import OperationalError, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import scope

from schalter.accounts.actors import SCHEDULER
from schalter.accounts.services import Actor, audit_record
from schalter.appointments import ratelimit
from schalter.appointments.errors import Busy, RateLimited
from schalter.interpreters import actions, selectors
from schalter.interpreters.errors import (
    AvailabilityOverlap,
    InterpreterBusy,
    InterpreterError,
    ReportInvalid,
    RequestWentElsewhere,
    UnknownLanguage,
)
from schalter.interpreters.fees import MAX_MINUTES, RECEIPT_KINDS
from schalter.interpreters.languages import UNKNOWN_LANGUAGE, language_normalise
from schalter.interpreters.matching import Busy as Held
from schalter.interpreters.matching import eligible, rank
from schalter.interpreters.models import (
    HOLDING_STATES,
    Assignment,
    AssignmentEvent,
    AssignmentState,
    AvailabilityException,
    AvailabilityWindow,
    ContactPreference,
    EventKind,
    FeeAgreement,
    Interpreter,
    InterpreterBudget,
    InterpreterOffice,
    Mode,
)
from schalter.interpreters.notifications import client_mail_task, interpreter_mail_task
from schalter.interpreters.parts import INTERPRETERS
from schalter.interpreters.races import locks_on, race_window
from schalter.interpreters.signin import LINK_REQUEST_WINDOW_SECONDS, LINK_REQUESTS_PER_MAILBOX
from schalter.locks import bounded_lock_wait
from schalter.offices.day_changes import day_changed
from schalter.offices.localtime import local_date
from schalter.offices.models import Office
from schalter.offices.parts import uses
from schalter.text import one_line

# How long she has to answer a request before it goes to the next (the tick escalates).
ANSWER_WITHIN = timedelta(hours=4)
# When a client whose appointment still has no interpreter is told so, with the office's options.
CLIENT_NOTICE_BEFORE = timedelta(days=3)


def languages_validate(raw: list[str]) -> list[str]:
    codes = []
    for code in raw:
        known = language_normalise(code)
        if known is None:
            raise UnknownLanguage(UNKNOWN_LANGUAGE % {"code": code}, field="languages")
        codes.append(known)
    return list(dict.fromkeys(codes))


def _mail_after_commit(kind: str, *, interpreter_id: int | None, assignment_id: int | None):
    transaction.on_commit(
        lambda: interpreter_mail_task.enqueue(kind, interpreter_id, assignment_id)
    )


def _client_mail_after_commit(kind: str, assignment_id: int) -> None:
    transaction.on_commit(lambda: client_mail_task.enqueue(kind, assignment_id))


def _event(assignment: Assignment, kind: str, now: datetime, interpreter_id: int | None = None):
    AssignmentEvent.across_offices.create(
        office_id=assignment.office_id,
        assignment=assignment,
        interpreter_id=interpreter_id if interpreter_id is not None else assignment.interpreter_id,
        kind=kind,
        at=now,
    )


@transaction.atomic
def interpreter_create(
    *,
    name: str,
    email: str,
    languages: list[str],
    modes: list[str],
    offices: dict[Office, Decimal] | None = None,
    phone: str = "",
    vat_liable: bool = False,
    fee_agreement: str = FeeAgreement.JVEG,
    contact_preference: str = ContactPreference.EMAIL,
    confidentiality_accepted_at: datetime | None = None,
    acting_user: Actor,
) -> Interpreter:
    """A new interpreter in the pool, serving `offices` (office → km from her base)."""
    if not languages:
        raise UnknownLanguage(_("Give at least one language."), field="languages")
    unknown_modes = [mode for mode in modes if mode not in Mode.values]
    if unknown_modes or not modes:
        raise InterpreterError(_("Choose on site, phone or video."), field="modes")
    interpreter = Interpreter(
        name=one_line(name),
        email=email.strip().lower(),
        phone=phone,
        languages=languages_validate(languages),
        modes=list(dict.fromkeys(modes)),
        vat_liable=vat_liable,
        fee_agreement=fee_agreement,
        contact_preference=contact_preference,
        confidentiality_accepted_at=confidentiality_accepted_at,
    )
    interpreter.full_clean()
    interpreter.save()
    for office, km in (offices or {}).items():
        interpreter_office_set(
            interpreter=interpreter, office=office, distance_km=km, acting_user=acting_user
        )
    audit_record(
        office=None,
        acting_user=acting_user,
        action=actions.INTERPRETER_CREATED,
        target=interpreter,
        data={"languages": interpreter.languages, "modes": interpreter.modes},
    )
    return interpreter


@transaction.atomic
def interpreter_office_set(
    *, interpreter: Interpreter, office: Office, distance_km: Decimal, acting_user: Actor
) -> InterpreterOffice:
    if distance_km < 0:
        raise InterpreterError(_("Kilometres cannot be negative."), field="distance_km")
    link, _created = InterpreterOffice.across_offices.update_or_create(
        interpreter=interpreter, office=office, defaults={"distance_km": distance_km}
    )
    audit_record(
        office=office,
        acting_user=acting_user,
        action=actions.INTERPRETER_OFFICE_SET,
        target=interpreter,
        data={"distance_km": str(distance_km)},
    )
    return link


@transaction.atomic
def availability_window_add(
    *, interpreter: Interpreter, weekday: int, start: time, end: time, acting_user: Actor
) -> AvailabilityWindow:
    """A weekly window; one overlapping a window she has that day is refused."""
    if not 0 <= weekday <= 6 or end <= start:
        raise InterpreterError(_("The end must lie after the start."), field="end")
    Interpreter.objects.select_for_update().filter(pk=interpreter.pk).first()
    if AvailabilityWindow.objects.filter(
        interpreter=interpreter, weekday=weekday, start__lt=end, end__gt=start
    ).exists():
        raise AvailabilityOverlap(field="start")
    window = AvailabilityWindow.objects.create(
        interpreter=interpreter, weekday=weekday, start=start, end=end
    )
    audit_record(
        office=None,
        acting_user=acting_user,
        action=actions.AVAILABILITY_ADDED,
        target=interpreter,
        data={"weekday": weekday, "start": start.isoformat(), "end": end.isoformat()},
    )
    return window


@transaction.atomic
def availability_exception_add(
    *,
    interpreter: Interpreter,
    day: date,
    start: time | None = None,
    end: time | None = None,
    available: bool = False,
    acting_user: Actor,
) -> AvailabilityException:
    """Away on a day (or part of it), or available outside her weekly windows."""
    if (start is None) != (end is None) or (start and end and end <= start):
        raise InterpreterError(_("The end must lie after the start."), field="end")
    Interpreter.objects.select_for_update().filter(pk=interpreter.pk).first()
    clash = AvailabilityException.objects.filter(interpreter=interpreter, day=day)
    if start is not None and end is not None:
        # An all-day entry covers every time of the day.
        clash = clash.filter(Q(start__lt=end, end__gt=start) | Q(start__isnull=True))
    if clash.exists():
        raise AvailabilityOverlap(field="start")
    exception = AvailabilityException.objects.create(
        interpreter=interpreter, day=day, start=start, end=end, available=available
    )
    audit_record(
        office=None,
        acting_user=acting_user,
        action=actions.AVAILABILITY_ADDED,
        target=interpreter,
        data={"day": day.isoformat(), "available": available},
    )
    return exception


@transaction.atomic
def assignment_request(
    *,
    office: Office,
    language: str,
    mode: str,
    start: datetime,
    end: datetime,
    now: datetime,
    appointment: Any = None,
    ticket: Any = None,
    callback_id: int | None = None,
    client_first_name: str = "",
    place: str = "",
    joining_details: str = "",
    unfavourable_time_necessary: bool = False,
    acting_user: Actor,
) -> Assignment:
    """An office needs an interpreter (for an appointment, a walk-in ticket or a callback).
    Matching runs after: `assignment_match`."""
    code = language_normalise(language)
    if code is None:
        raise UnknownLanguage(UNKNOWN_LANGUAGE % {"code": language}, field="language")
    if mode not in Mode.values:
        raise InterpreterError(_("Choose on site, phone or video."), field="mode")
    if end <= start:
        raise InterpreterError(_("The end must lie after the start."), field="end")
    assignment = Assignment.across_offices.create(
        office=office,
        language=code,
        mode=mode,
        start=start,
        end=end,
        appointment=appointment,
        ticket=ticket,
        callback_id=callback_id,
        client_first_name=client_first_name.split(" ")[0][:60],
        place=place,
        joining_details=joining_details,
        unfavourable_time_necessary=unfavourable_time_necessary,
    )
    _event(assignment, EventKind.REQUESTED, now)
    audit_record(
        office=office,
        acting_user=acting_user,
        action=actions.ASSIGNMENT_REQUESTED,
        target=assignment,
        data={"language": code, "mode": mode},
    )
    return assignment


def _lock_interpreter(interpreter: Interpreter) -> None:
    """Her row, locked for the rest of the transaction (the seat of her time), waiting briefly."""
    bounded_lock_wait()
    if locks_on():
        Interpreter.objects.select_for_update().filter(pk=interpreter.pk).first()


@transaction.atomic
def assignment_propose(
    *,
    assignment: Assignment,
    interpreter: Interpreter,
    now: datetime,
    answer_within: timedelta = ANSWER_WITHIN,
    acting_user: Actor,
) -> Assignment:
    """Send the request to her, holding her time until she answers: lock her row, recount her
    held assignments in every office, refuse an overlap, write. Two needs racing for her: the
    second waits for the first's commit and then sees it in the recount."""
    try:
        _lock_interpreter(interpreter)
        current = Assignment.across_offices.select_for_update().get(pk=assignment.pk)
        if current.state != AssignmentState.REQUESTED:
            raise RequestWentElsewhere
        if selectors.overlapping_held(interpreter, current.start, current.end):
            raise InterpreterBusy
        race_window()
        current.interpreter = interpreter
        current.state = AssignmentState.PROPOSED
        current.answer_by = now + answer_within
        current.nobody_found_at = None
        current.save(update_fields=["interpreter", "state", "answer_by", "nobody_found_at"])
    except OperationalError as error:
        raise Busy from error
    _event(current, EventKind.PROPOSED, now)
    audit_record(
        office=current.office,
        acting_user=acting_user,
        action=actions.ASSIGNMENT_PROPOSED,
        target=current,
        data={"interpreter": interpreter.pk},
    )
    _mail_after_commit("request", interpreter_id=interpreter.pk, assignment_id=current.pk)
    return current


def assignment_match(
    *, assignment: Assignment, now: datetime, acting_user: Actor
) -> Interpreter | None:
    """Propose the open assignment to the best candidate who is still free; tell the office once
    when nobody is (so staff can switch to video or phone in good time)."""
    need = selectors.need_of(assignment)
    candidates = selectors.candidates_for(assignment.office, assignment.start, assignment.end)
    for candidate in rank(candidates, need, assignment.pk):
        interpreter = Interpreter.objects.get(pk=candidate.interpreter_id)
        try:
            assignment_propose(
                assignment=assignment, interpreter=interpreter, now=now, acting_user=acting_user
            )
        except InterpreterBusy:
            continue  # booked meanwhile by another need: the next one
        return interpreter
    nobody_found(assignment=assignment, now=now, acting_user=acting_user)
    return None


def assignments_match_open(
    *, office: Office, first: datetime, last: datetime, now: datetime, acting_user: Actor
) -> dict[int, int | None]:
    """Match every open request of `office` starting between `first` and `last` (a day's
    bookings), loading the pool once: each proposal is added to the winner's busy times in
    memory, and the locked recount in `assignment_propose` stays the last word (another office
    may book her meanwhile). Returns assignment id → interpreter id (None: nobody found)."""
    with scope(office=office):
        open_ = list(
            Assignment.objects.filter(
                office=office, state=AssignmentState.REQUESTED, start__gte=first, start__lt=last
            )
            .select_related("office")
            .order_by("start", "pk")
        )
    candidates = {c.interpreter_id: c for c in selectors.candidates_for(office, first, last)}
    interpreters = Interpreter.objects.in_bulk(list(candidates))
    result: dict[int, int | None] = {}
    for assignment in open_:
        need = selectors.need_of(assignment)
        result[assignment.pk] = None
        for candidate in rank(candidates.values(), need, assignment.pk):
            try:
                assignment_propose(
                    assignment=assignment,
                    interpreter=interpreters[candidate.interpreter_id],
                    now=now,
                    acting_user=acting_user,
                )
            except InterpreterBusy:
                continue
            held = Held(office_id=need.office_id, mode=need.mode, start=need.start, end=need.end)
            candidates[candidate.interpreter_id] = replace(candidate, busy=(*candidate.busy, held))
            result[assignment.pk] = candidate.interpreter_id
            break
        else:
            nobody_found(assignment=assignment, now=now, acting_user=acting_user)
    return result


@transaction.atomic
def nobody_found(*, assignment: Assignment, now: datetime, acting_user: Actor) -> None:
    updated = Assignment.across_offices.filter(
        pk=assignment.pk, state=AssignmentState.REQUESTED, nobody_found_at__isnull=True
    ).update(nobody_found_at=now)
    if updated:  # staff are told once, early
        _event(assignment, EventKind.NOBODY_FOUND, now, interpreter_id=None)
        audit_record(
            office=assignment.office,
            acting_user=acting_user,
            action=actions.ASSIGNMENT_NOBODY_FOUND,
            target=assignment,
        )
        _mail_after_commit("nobody_found", interpreter_id=None, assignment_id=assignment.pk)
    # The client is told once, in good time before her appointment (not weeks ahead: someone
    # may still become free, and the tick tries again every minute).
    if assignment.appointment_id and assignment.start - now <= CLIENT_NOTICE_BEFORE:
        told = Assignment.across_offices.filter(
            pk=assignment.pk, state=AssignmentState.REQUESTED, client_told_nobody_at__isnull=True
        ).update(client_told_nobody_at=now)
        if told:
            _client_mail_after_commit("client_none", assignment.pk)


def _hand_back(
    current: Assignment, kind: str, action: str, now: datetime, *, acting_user: Actor
) -> None:
    """Back to matching, remembering who had it so she is not asked again for it."""
    previous = current.interpreter_id
    current.interpreter = None
    current.state = AssignmentState.REQUESTED
    current.answer_by = None
    current.engaged_on = None
    current.save(update_fields=["interpreter", "state", "answer_by", "engaged_on"])
    _event(current, kind, now, interpreter_id=previous)
    audit_record(
        office=current.office,
        acting_user=acting_user,
        action=action,
        target=current,
        data={"interpreter": previous},
    )


def _hers_to_answer(interpreter: Interpreter, assignment_id: int) -> Assignment:
    current = Assignment.across_offices.select_for_update().filter(pk=assignment_id).first()
    if (
        current is None
        or current.interpreter_id != interpreter.pk
        or current.state != AssignmentState.PROPOSED
    ):
        raise RequestWentElsewhere
    return current


@transaction.atomic
def assignment_accept(
    *, interpreter: Interpreter, assignment_id: int, now: datetime, acting_user: Actor
) -> Assignment:
    """She accepts: the assignment is confirmed, at the rate in force today (JVEG § 24)."""
    current = _hers_to_answer(interpreter, assignment_id)
    current.state = AssignmentState.CONFIRMED
    current.engaged_on = local_date(current.office, now)
    current.answer_by = None
    current.save(update_fields=["state", "engaged_on", "answer_by"])
    _event(current, EventKind.ACCEPTED, now)
    _event(current, EventKind.CONFIRMED, now)
    audit_record(
        office=current.office,
        acting_user=acting_user,
        action=actions.ASSIGNMENT_ACCEPTED,
        target=current,
    )
    if current.appointment_id:
        _client_mail_after_commit("client_confirmed", current.pk)
    return current


def assignment_decline(
    *, interpreter: Interpreter, assignment_id: int, now: datetime, acting_user: Actor
) -> Assignment:
    """She declines: the request goes to the next candidate at once."""
    with transaction.atomic():
        current = _hers_to_answer(interpreter, assignment_id)
        _hand_back(
            current, EventKind.DECLINED, actions.ASSIGNMENT_DECLINED, now, acting_user=acting_user
        )
    assignment_match(assignment=current, now=now, acting_user=acting_user)
    return current


def assignments_escalate(*, now: datetime, acting_user: Actor) -> int:
    """The periodic step: a request unanswered past its time goes to the next; open requests
    are tried again (someone may have become free). Returns how many were escalated."""
    silent = list(
        Assignment.across_offices.filter(
            state=AssignmentState.PROPOSED, answer_by__lt=now, start__gt=now
        ).select_related("office")
    )
    for assignment in silent:
        with transaction.atomic():
            current = (
                Assignment.across_offices.select_for_update()
                .filter(pk=assignment.pk, state=AssignmentState.PROPOSED, answer_by__lt=now)
                .select_related("office")
                .first()
            )
            if current is None:
                continue  # she answered meanwhile
            _hand_back(
                current,
                EventKind.ESCALATED,
                actions.ASSIGNMENT_ESCALATED,
                now,
                acting_user=acting_user,
            )
        assignment_match(assignment=current, now=now, acting_user=acting_user)
    for assignment in Assignment.across_offices.filter(
        state=AssignmentState.REQUESTED, start__gt=now
    ).select_related("office"):
        assignment_match(assignment=assignment, now=now, acting_user=acting_user)
    return len(silent)


def interpreter_deactivate(
    *, interpreter: Interpreter, now: datetime, acting_user: Actor
) -> list[Assignment]:
    """She leaves the pool; her coming assignments go back to matching, none is lost."""
    with transaction.atomic():
        Interpreter.objects.select_for_update().filter(pk=interpreter.pk).update(active=False)
        interpreter.active = False
        handed = list(
            Assignment.across_offices.select_for_update()
            .filter(interpreter=interpreter, state__in=HOLDING_STATES, start__gt=now)
            .exclude(state=AssignmentState.REPORTED)
            .select_related("office")
        )
        for current in handed:
            _hand_back(
                current,
                EventKind.HANDED_BACK,
                actions.ASSIGNMENT_HANDED_BACK,
                now,
                acting_user=acting_user,
            )
        audit_record(
            office=None,
            acting_user=acting_user,
            action=actions.INTERPRETER_DEACTIVATED,
            target=interpreter,
            data={"handed_back": [a.pk for a in handed]},
        )
    for current in handed:
        assignment_match(assignment=current, now=now, acting_user=acting_user)
    return handed


def _amount(raw: object) -> Decimal:
    try:
        amount = Decimal(str(raw).replace(",", ".")) if raw not in (None, "") else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount < 0:
        raise ReportInvalid(_("Every receipt needs an amount of zero or more."), field="receipts")
    return amount


@transaction.atomic
def assignment_report(
    *,
    interpreter: Interpreter,
    assignment_id: int,
    start: datetime,
    end: datetime,
    travel_before_minutes: int,
    travel_after_minutes: int,
    waiting_minutes: int,
    km: Decimal,
    receipts: list[dict[str, object]],
    now: datetime,
    acting_user: Actor,
) -> Assignment:
    """What she reports after the work: times, travel, waiting, km, receipts (rail, parking)."""
    current = Assignment.across_offices.select_for_update().filter(pk=assignment_id).first()
    if current is None or current.interpreter_id != interpreter.pk:
        raise RequestWentElsewhere
    if current.state not in (AssignmentState.CONFIRMED, AssignmentState.REPORTED):
        raise ReportInvalid(_("Only a confirmed assignment can be reported."))
    if end <= start:
        raise ReportInvalid(_("The end must lie after the start."), field="end")
    minutes = (end - start).total_seconds() / 60
    minutes += travel_before_minutes + travel_after_minutes + waiting_minutes
    if minutes > MAX_MINUTES:
        raise ReportInvalid(_("That is more than 24 hours. Please check the times."), field="end")
    if min(travel_before_minutes, travel_after_minutes, waiting_minutes) < 0:
        raise ReportInvalid(_("A time cannot be negative."), field="waiting_minutes")
    if km < 0:
        raise ReportInvalid(_("Kilometres cannot be negative."), field="km")
    kept = []
    for receipt in receipts:
        kind = str(receipt.get("kind", ""))
        if kind not in RECEIPT_KINDS:
            raise ReportInvalid(_("A receipt is for a rail fare or for parking."), field="receipts")
        kept.append({"kind": kind, "amount": str(_amount(receipt.get("amount")))})
    current.reported_start = start
    current.reported_end = end
    current.travel_before_minutes = travel_before_minutes
    current.travel_after_minutes = travel_after_minutes
    current.waiting_minutes = waiting_minutes
    current.km = km
    current.receipts = kept
    current.state = AssignmentState.REPORTED
    current.save()
    _event(current, EventKind.REPORTED, now)
    audit_record(
        office=current.office,
        acting_user=acting_user,
        action=actions.ASSIGNMENT_REPORTED,
        target=current,
        data={"minutes": int(minutes), "km": str(km)},
    )
    # Reported (or corrected) after the day: the day's interpreting and cost change.
    day = local_date(current.office, current.start)
    day_changed(office=current.office, day=day, kind="interpreters", now=now)
    return current


def sign_in_link_request(*, email: str, now: datetime) -> None:
    """Mail a sign-in link to an active interpreter with this address; nothing otherwise, and
    nothing beyond LINK_REQUESTS_PER_MAILBOX an hour (the page answers alike, so it tells nobody
    who is in the pool, and a flood of requests does not flood her mailbox)."""
    email = email.strip().lower()
    try:
        ratelimit.hit(
            f"interpreter-link:{email}",
            limit=LINK_REQUESTS_PER_MAILBOX,
            window_seconds=LINK_REQUEST_WINDOW_SECONDS,
            now=now,
        )
    except RateLimited:
        return
    interpreter = Interpreter.objects.filter(email=email, active=True).first()
    if interpreter is not None:
        interpreter_mail_task.enqueue("sign_in", interpreter.pk, None)


@transaction.atomic
def interpreter_budget_set(
    *, office: Office, month: date, amount: Decimal, acting_user: Actor
) -> InterpreterBudget:
    if amount < 0:
        raise InterpreterError(_("A budget cannot be negative."), field="amount")
    with scope(office=office):
        budget, _created = InterpreterBudget.objects.update_or_create(
            office=office, month=month.replace(day=1), defaults={"amount": amount}
        )
    audit_record(
        office=office,
        acting_user=acting_user,
        action=actions.BUDGET_SET,
        target=budget,
        data={"month": month.strftime("%Y-%m"), "amount": str(amount)},
    )
    return budget


def assignment_mode_switch(
    *, assignment: Assignment, mode: str, now: datetime, acting_user: Actor
) -> Assignment:
    """Staff switch an open request (nobody found on site) to video or phone; matching runs
    again with the new mode."""
    if mode not in (Mode.VIDEO, Mode.PHONE):
        raise InterpreterError(_("Choose on site, phone or video."), field="mode")
    with transaction.atomic():
        current = Assignment.across_offices.select_for_update().get(pk=assignment.pk)
        if current.state != AssignmentState.REQUESTED:
            raise RequestWentElsewhere
        current.mode = mode
        current.nobody_found_at = None
        current.save(update_fields=["mode", "nobody_found_at"])
        audit_record(
            office=current.office,
            acting_user=acting_user,
            action=actions.ASSIGNMENT_MODE_SWITCHED,
            target=current,
            data={"mode": mode},
        )
    assignment_match(assignment=current, now=now, acting_user=acting_user)
    return current


def assignment_for_appointment(
    *, appointment: Any, now: datetime, acting_user: Actor
) -> Assignment | None:
    """A booking that asked for an interpreter, in an office that uses the part: request one for
    its time and match at once. A language nobody here interprets leaves the booking as it is
    (staff see the wish on the appointment)."""
    office = appointment.office
    code = language_normalise(appointment.interpreter_language or "")
    if code is None or not uses(office, INTERPRETERS):
        return None
    assignment = assignment_request(
        office=office,
        language=code,
        mode=Mode.ON_SITE,
        start=appointment.start,
        end=appointment.end,
        now=now,
        appointment=appointment,
        client_first_name=appointment.name,
        acting_user=acting_user,
    )
    assignment_match(assignment=assignment, now=now, acting_user=acting_user)
    return assignment


# --- Following the appointment: cancelled or moved (registered in appointments/hooks.py) -------

# What an assignment is while it still follows its appointment.
FOLLOWING_STATES = (
    AssignmentState.REQUESTED,
    AssignmentState.PROPOSED,
    AssignmentState.ACCEPTED,
    AssignmentState.CONFIRMED,
)


def _cancel(current: Assignment, now: datetime, *, acting_user: Actor) -> None:
    """Cancelled, not by her: once she was engaged, the day counts for the cancellation rule
    (JVEG § 9 (6) by analogy: her declared loss, if announced late); she is told."""
    engaged = current.state in (AssignmentState.ACCEPTED, AssignmentState.CONFIRMED)
    told = current.interpreter_id if current.state != AssignmentState.REQUESTED else None
    current.state = AssignmentState.CANCELLED
    current.cancelled_on = local_date(current.office, now) if engaged else None
    current.cancelled_by_interpreter = False
    current.answer_by = None
    current.save(update_fields=["state", "cancelled_on", "cancelled_by_interpreter", "answer_by"])
    _event(current, EventKind.CANCELLED, now)
    audit_record(
        office=current.office,
        acting_user=acting_user,
        action=actions.ASSIGNMENT_CANCELLED,
        target=current,
        data={"engaged": engaged},
    )
    if told:
        _mail_after_commit("cancelled", interpreter_id=told, assignment_id=current.pk)


def _following(appointment_id: int) -> list[Assignment]:
    return list(
        Assignment.across_offices.select_for_update(of=("self",))
        .filter(appointment_id=appointment_id, state__in=FOLLOWING_STATES)
        .select_related("office", "interpreter")
        .order_by("pk")
    )


def assignments_follow_cancel(
    *, appointment: Any, now: datetime, acting_user: Actor, **_times: object
) -> list[Assignment]:
    """The appointment is cancelled (by the client or by staff): its interpreter requests are
    cancelled with it, in its transaction, and the interpreter who had one is told."""
    cancelled = _following(appointment.pk)
    for current in cancelled:
        _cancel(current, now, acting_user=acting_user)
    return cancelled


def _still_free(current: Assignment, interpreter: Interpreter) -> bool:
    """Whether she can keep the moved assignment: active, available at the new time and free of
    her other assignments there (counting the drive between offices). Her row is locked first,
    so a booking of her elsewhere waits for this answer."""
    if not interpreter.active:
        return False
    _lock_interpreter(interpreter)
    if (
        selectors.overlapping_held(interpreter, current.start, current.end)
        - (1 if current.interpreter_id == interpreter.pk else 0)
        > 0
    ):
        return False
    need = selectors.need_of(current)
    for candidate in selectors.candidates_for(
        current.office, current.start, current.end, excluding=current.pk
    ):
        if candidate.interpreter_id == interpreter.pk:
            return eligible(candidate, need)
    return False  # she no longer serves this office


def assignments_follow_move(
    *, appointment: Any, now: datetime, acting_user: Actor, **_times: object
) -> list[Assignment]:
    """The appointment moved: its interpreter requests move with it. One held by an interpreter
    stays hers if she is free at the new time (she is told the new time); otherwise it goes back
    to matching (she is told it is withdrawn). Open requests are matched anew after the commit."""
    moved = _following(appointment.pk)
    again: list[Assignment] = []
    for current in moved:
        current.start, current.end = appointment.start, appointment.end
        current.nobody_found_at = None  # a new time, a new chance
        current.client_told_nobody_at = None
        current.save(update_fields=["start", "end", "nobody_found_at", "client_told_nobody_at"])
        interpreter = current.interpreter
        if interpreter is None:
            again.append(current)
            continue
        if _still_free(current, interpreter):
            _mail_after_commit("moved", interpreter_id=interpreter.pk, assignment_id=current.pk)
            continue
        _hand_back(
            current,
            EventKind.HANDED_BACK,
            actions.ASSIGNMENT_HANDED_BACK,
            now,
            acting_user=acting_user,
        )
        _mail_after_commit("withdrawn", interpreter_id=interpreter.pk, assignment_id=current.pk)
        again.append(current)
    if again:
        # The next interpreter is asked once the move has committed (and the tick tries again
        # every minute, should that fail).
        transaction.on_commit(partial(_match_all, again, now=now, acting_user=acting_user))
    return moved


def _match_all(assignments: list[Assignment], *, now: datetime, acting_user: Actor) -> None:
    for assignment in assignments:
        assignment_match(assignment=assignment, now=now, acting_user=acting_user)


# --- Walk-in tickets and callbacks --------------------------------------------------------------

# How long a walk-in's or a callback's interpreting is expected to take.
REMOTE_MINUTES = 30


def assignment_for_ticket(
    *, ticket: Any, language: str, now: datetime, acting_user: Actor
) -> Assignment | None:
    """A walk-in ticket that asked for an interpreter at the kiosk: she is needed now, so by
    phone (nobody drives in within minutes). None where the office does not use the part or
    nobody here interprets the language (the ticket keeps the wish)."""
    office = ticket.office
    if language_normalise(language or "") is None or not uses(office, INTERPRETERS):
        return None
    assignment = assignment_request(
        office=office,
        language=language,
        mode=Mode.PHONE,
        start=now,
        end=now + timedelta(minutes=REMOTE_MINUTES),
        now=now,
        ticket=ticket,
        acting_user=acting_user,
    )
    assignment_match(assignment=assignment, now=now, acting_user=acting_user)
    return assignment


def assignment_for_callback(
    *,
    callback: Any,
    language: str,
    start: datetime,
    minutes: int = REMOTE_MINUTES,
    now: datetime,
    acting_user: Actor,
) -> Assignment:
    """Staff want an interpreter on the line when they call back: by phone, at `start`.
    Refused while the callback already has an open or booked one."""
    if not 5 <= minutes <= 240:
        raise InterpreterError(
            _("Give between %(low)s and %(high)s minutes.") % {"low": 5, "high": 240},
            field="minutes",
        )
    if start < now:
        raise InterpreterError(_("This time has already passed."), field="start")
    if Assignment.across_offices.filter(callback=callback, state__in=FOLLOWING_STATES).exists():
        raise InterpreterError(
            _("An interpreter has already been requested for this."), field="language"
        )
    assignment = assignment_request(
        office=callback.office,
        language=language,
        mode=Mode.PHONE,
        start=start,
        end=start + timedelta(minutes=minutes),
        now=now,
        callback_id=callback.pk,
        client_first_name=(callback.caller_name or "").split(" ")[0],
        acting_user=acting_user,
    )
    assignment_match(assignment=assignment, now=now, acting_user=acting_user)
    return assignment


@transaction.atomic
def assignments_personal_erase(*, office: Office, now: datetime) -> int:
    """The retention eraser registered with offices.retention (run by the periodic tick):
    finished assignments past the office's retention period lose the client's first name and
    the joining details. Language, mode, times, minutes, km, receipts and the fee's inputs stay,
    so the cost report and the insights roll-ups give the same figures. Returns how many."""
    with scope(office=office):
        due = selectors.assignments_due_for_erasure(office, now)
        ids = list(due.values_list("pk", flat=True))
        if not ids:
            return 0
        Assignment.objects.filter(pk__in=ids).update(client_first_name="", joining_details="")
    audit_record(
        office=office,
        acting_user=SCHEDULER,
        action=actions.ASSIGNMENTS_ERASED,
        data={"assignments": len(ids)},
    )
    return len(ids)
