"""Matching: the pure ranking (language and dialect, mode, availability with travel between
offices, cost, fair spread), escalation after silence, hand-back on deactivation."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from schalter.accounts.actors import CLIENT, SCHEDULER
from schalter.interpreters import services
from schalter.interpreters.matching import Busy, Candidate, Need, rank
from schalter.interpreters.models import AssignmentEvent, AssignmentState
from tests.interpreters.conftest import NOW, TUESDAY_9, make_interpreter
from tests.interpreters.test_pool import request

OFFICE, OTHER = 1, 2


def tuesday(hour: int, minute: int = 0) -> datetime:
    """The office's wall clock, naive, as matching takes it."""
    return datetime.combine(date(2026, 3, 3), time(hour, minute))


NEED = Need(
    office_id=OFFICE,
    language="prs",
    mode="on_site",
    start=tuesday(9),
    end=tuesday(10),
)
ALL_WEEK = tuple((d, time(7), time(20)) for d in range(7))


def candidate(pk, **changes) -> Candidate:
    values = {
        "interpreter_id": pk,
        "languages": ("prs",),
        "modes": ("on_site", "phone"),
        "distance_km": {OFFICE: Decimal(10), OTHER: Decimal(30)},
        "weekly": ALL_WEEK,
    }
    values.update(changes)
    return Candidate(**values)


def ids(candidates) -> list[int]:
    return [c.interpreter_id for c in candidates]


def test_the_dialect_asked_for_comes_before_the_language_in_general():
    need = Need(**{**NEED.__dict__, "language": "ar"})
    levantine = candidate(1, languages=("apc",), distance_km={OFFICE: Decimal(1)})
    arabic = candidate(2, languages=("ar",), distance_km={OFFICE: Decimal(50)})
    sorani = candidate(3, languages=("ckb",))
    assert ids(rank([levantine, arabic, sorani], need)) == [2, 1]
    # A need for Levantine is met by Levantine only.
    assert ids(rank([levantine, arabic], Need(**{**NEED.__dict__, "language": "apc"}))) == [1]


def test_the_cheaper_comes_first_counting_travel_then_the_fairer_spread():
    near = candidate(1, distance_km={OFFICE: Decimal(5)})
    far = candidate(2, distance_km={OFFICE: Decimal(60)})
    # 60 km each way: 72 min drive each way + 60 min = 204 min → 3.5 h × 93 + 120 km × 0.42.
    assert ids(rank([far, near], NEED)) == [1, 2]
    busy_one = candidate(3, minutes_this_month=600)
    idle_one = candidate(4, minutes_this_month=60)
    assert ids(rank([busy_one, idle_one], NEED)) == [4, 3]
    # A framework rate lower than JVEG wins over the same distance.
    cheap = candidate(5, hourly=Decimal(70))
    assert ids(rank([idle_one, cheap], NEED)) == [5, 4]


def test_mode_office_and_availability_filter():
    phone_only = candidate(1, modes=("phone",))
    elsewhere = candidate(2, distance_km={OTHER: Decimal(3)})
    evenings = candidate(3, weekly=((1, time(17), time(21)),))
    away = candidate(4, away=((date(2026, 3, 3), None, None),))
    extra = candidate(5, weekly=(), extra=((date(2026, 3, 3), time(8), time(12)),))
    ok = candidate(6)
    assert ids(rank([phone_only, elsewhere, evenings, away, extra, ok], NEED)) == [5, 6]


def test_travel_between_offices_counts():
    # Busy until 08:30 at the other office: the drive there and back via her base is
    # (30 + 10) km at 50 km/h = 48 min, so 09:00 is too soon; at the same office it is not.
    earlier = Busy(
        office_id=OTHER,
        mode="on_site",
        start=tuesday(7, 30),
        end=tuesday(8, 30),
    )
    same_office = Busy(**{**earlier.__dict__, "office_id": OFFICE})
    assert rank([candidate(1, busy=(earlier,))], NEED) == []
    assert ids(rank([candidate(1, busy=(same_office,))], NEED)) == [1]
    # By phone no drive is needed.
    phone = Need(**{**NEED.__dict__, "mode": "phone"})
    assert ids(rank([candidate(1, busy=(earlier,))], phone)) == [1]


def test_she_is_not_asked_again_for_what_she_declined():
    assert rank([candidate(1, declined=frozenset({7}))], NEED, assignment_id=7) == []


pytestmark = pytest.mark.django_db


def test_the_service_proposes_the_best_and_escalates_after_silence(office):
    near = make_interpreter({office: Decimal(5)}, name="Amina")
    far = make_interpreter({office: Decimal(40)}, name="Bahar")
    assignment = request(office)
    assert services.assignment_match(assignment=assignment, now=NOW, acting_user=SCHEDULER) == near
    # Still within the time to answer: nothing moves.
    assert services.assignments_escalate(now=NOW + timedelta(hours=3), acting_user=SCHEDULER) == 0
    assignment.refresh_from_db()
    assert assignment.interpreter == near
    # Four hours of silence: the next one is asked.
    assert services.assignments_escalate(now=NOW + timedelta(hours=5), acting_user=SCHEDULER) == 1
    assignment.refresh_from_db()
    assert assignment.interpreter == far and assignment.state == AssignmentState.PROPOSED
    kinds = list(AssignmentEvent.across_offices.values_list("kind", "interpreter__name"))
    assert kinds == [
        ("requested", None),
        ("proposed", "Amina"),
        ("escalated", "Amina"),
        ("proposed", "Bahar"),
    ]


def test_nobody_found_is_told_once_and_the_request_stays_open(office):
    assignment = request(office, language="ti")
    assert services.assignment_match(assignment=assignment, now=NOW, acting_user=SCHEDULER) is None
    services.assignments_escalate(now=NOW, acting_user=SCHEDULER)
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.REQUESTED and assignment.nobody_found_at == NOW
    assert AssignmentEvent.across_offices.filter(kind="nobody_found").count() == 1
    # Someone who speaks Tigrinya joins: the next tick proposes her.
    tesfay = make_interpreter({office: Decimal(5)}, name="Tesfay", languages=("ti",))
    services.assignments_escalate(now=NOW, acting_user=SCHEDULER)
    assignment.refresh_from_db()
    assert assignment.interpreter == tesfay and assignment.nobody_found_at is None


def test_deactivating_her_hands_her_assignments_back_to_matching(office, second_office):
    amina = make_interpreter({office: Decimal(5), second_office: Decimal(5)}, name="Amina")
    bahar = make_interpreter({office: Decimal(40)}, name="Bahar")
    here = request(office)
    there = request(second_office, start=TUESDAY_9 + timedelta(hours=2))
    for assignment in (here, there):
        services.assignment_match(assignment=assignment, now=NOW, acting_user=SCHEDULER)
    services.assignment_accept(
        interpreter=amina, assignment_id=here.pk, now=NOW, acting_user=CLIENT
    )
    handed = services.interpreter_deactivate(interpreter=amina, now=NOW, acting_user=SCHEDULER)
    assert {a.pk for a in handed} == {here.pk, there.pk}
    here.refresh_from_db()
    there.refresh_from_db()
    assert here.interpreter == bahar and here.state == AssignmentState.PROPOSED
    # Nobody else serves the second office: open again, and its staff are told.
    assert there.interpreter is None and there.state == AssignmentState.REQUESTED
    assert there.nobody_found_at == NOW


def test_a_day_is_matched_with_the_pool_loaded_once(office):
    amina = make_interpreter({office: Decimal(5)}, name="Amina")
    bahar = make_interpreter({office: Decimal(40)}, name="Bahar")
    needs = [
        request(office),
        request(office),
        request(office, start=TUESDAY_9 + timedelta(hours=2)),
    ]
    result = services.assignments_match_open(
        office=office,
        first=TUESDAY_9 - timedelta(hours=2),
        last=TUESDAY_9 + timedelta(hours=12),
        now=NOW,
        acting_user=SCHEDULER,
    )
    # Two at nine: the nearer gets the first, the other the second; at eleven the nearer again.
    assert [result[n.pk] for n in needs] == [amina.pk, bahar.pk, amina.pk]


def test_the_minute_tick_escalates_requests_left_unanswered(office):
    """appointments_tick runs the interpreters' job registered in offices/ticks.py."""
    near = make_interpreter({office: Decimal(5)}, name="Amina")
    far = make_interpreter({office: Decimal(40)}, name="Bahar")
    assignment = request(office)
    assert services.assignment_match(assignment=assignment, now=NOW, acting_user=SCHEDULER) == near
    out = StringIO()
    with time_machine.travel(NOW + timedelta(hours=5), tick=False):
        call_command("appointments_tick", stdout=out)
    assignment.refresh_from_db()
    assert assignment.interpreter == far
    assert "interpreters: 1 interpreter requests escalated" in out.getvalue()
