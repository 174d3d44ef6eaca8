"""The pool: languages validated in one place, availability without overlaps, her time never
booked twice (in any office), acceptances that came too late, reports checked."""

from datetime import date, time, timedelta
from decimal import Decimal

import pytest

from schalter.accounts.actors import CLIENT, COMMAND
from schalter.interpreters import services
from schalter.interpreters.errors import (
    AvailabilityOverlap,
    InterpreterBusy,
    ReportInvalid,
    RequestWentElsewhere,
    UnknownLanguage,
)
from schalter.interpreters.languages import language_normalise, serves
from schalter.interpreters.models import Assignment, AssignmentEvent, AssignmentState
from schalter.interpreters.selectors import assignment_fee
from tests.interpreters.conftest import NOW, TUESDAY_9, make_interpreter

pytestmark = pytest.mark.django_db


def request(office, start=TUESDAY_9, minutes=60, language="prs", mode="on_site"):
    return services.assignment_request(
        office=office,
        language=language,
        mode=mode,
        start=start,
        end=start + timedelta(minutes=minutes),
        now=NOW,
        client_first_name="Farid Ahmadi",
        acting_user=COMMAND,
    )


def test_codes_and_dialects_in_one_spelling():
    assert language_normalise("AR_sy") == "ar-SY"
    assert language_normalise("fa-AF") == "prs"  # the site's Dari is the dialect code
    assert language_normalise("klingon") is None
    assert serves("apc", ["apc"]) == 2
    assert serves("ar", ["apc"]) == 1  # Levantine serves "any Arabic"
    assert serves("apc", ["ar"]) == 0  # but "Levantine" is not served by "some Arabic"
    assert serves("ckb", ["kmr"]) == 0  # Sorani is not Kurmanji


def test_unknown_languages_are_refused_clearly(office):
    with pytest.raises(UnknownLanguage) as refusal:
        make_interpreter({office: Decimal(1)}, languages=("prs", "xx-YY"))
    assert "xx-YY" in str(refusal.value.message)
    with pytest.raises(UnknownLanguage):
        request(office, language="elvish")


def test_overlapping_availability_is_refused(amina):
    with pytest.raises(AvailabilityOverlap):
        services.availability_window_add(
            interpreter=amina, weekday=1, start=time(19), end=time(21), acting_user=COMMAND
        )
    services.availability_window_add(
        interpreter=amina, weekday=1, start=time(20), end=time(22), acting_user=COMMAND
    )
    services.availability_exception_add(
        interpreter=amina, day=date(2026, 3, 3), acting_user=COMMAND
    )
    with pytest.raises(AvailabilityOverlap):
        services.availability_exception_add(
            interpreter=amina,
            day=date(2026, 3, 3),
            start=time(9),
            end=time(10),
            acting_user=COMMAND,
        )


def test_her_time_is_never_booked_twice_even_across_offices(office, second_office):
    amina = make_interpreter({office: Decimal(10), second_office: Decimal(30)})
    first = request(office)
    services.assignment_propose(assignment=first, interpreter=amina, now=NOW, acting_user=COMMAND)
    overlapping = request(second_office, start=TUESDAY_9 + timedelta(minutes=30))
    with pytest.raises(InterpreterBusy):
        services.assignment_propose(
            assignment=overlapping, interpreter=amina, now=NOW, acting_user=COMMAND
        )
    after = request(second_office, start=TUESDAY_9 + timedelta(minutes=60))
    services.assignment_propose(assignment=after, interpreter=amina, now=NOW, acting_user=COMMAND)
    assert Assignment.across_offices.filter(interpreter=amina).count() == 2


def test_an_acceptance_after_the_request_went_elsewhere_is_refused(office):
    amina = make_interpreter({office: Decimal(10)})
    bahar = make_interpreter({office: Decimal(20)}, name="Bahar")
    assignment = request(office)
    services.assignment_propose(
        assignment=assignment, interpreter=amina, now=NOW, acting_user=COMMAND
    )
    services.assignment_decline(
        interpreter=amina, assignment_id=assignment.pk, now=NOW, acting_user=CLIENT
    )
    assignment.refresh_from_db()
    assert assignment.interpreter == bahar and assignment.state == AssignmentState.PROPOSED
    with pytest.raises(RequestWentElsewhere):
        services.assignment_accept(
            interpreter=amina, assignment_id=assignment.pk, now=NOW, acting_user=CLIENT
        )
    services.assignment_accept(
        interpreter=bahar, assignment_id=assignment.pk, now=NOW, acting_user=CLIENT
    )
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.CONFIRMED
    assert assignment.engaged_on == date(2026, 3, 2)
    kinds = list(
        AssignmentEvent.across_offices.filter(assignment=assignment).values_list("kind", flat=True)
    )
    assert kinds == ["requested", "proposed", "declined", "proposed", "accepted", "confirmed"]


@pytest.fixture
def confirmed(office, amina):
    assignment = request(office)
    services.assignment_propose(
        assignment=assignment, interpreter=amina, now=NOW, acting_user=COMMAND
    )
    return services.assignment_accept(
        interpreter=amina, assignment_id=assignment.pk, now=NOW, acting_user=CLIENT
    )


def report(amina, assignment, **changes):
    values = {
        "start": TUESDAY_9,
        "end": TUESDAY_9 + timedelta(minutes=70),
        "travel_before_minutes": 30,
        "travel_after_minutes": 30,
        "waiting_minutes": 15,
        "km": Decimal(40),
        "receipts": [],
    }
    values.update(changes)
    return services.assignment_report(
        interpreter=amina, assignment_id=assignment.pk, now=NOW, acting_user=CLIENT, **values
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"end": TUESDAY_9 + timedelta(hours=24, minutes=1)}, "end"),
        ({"travel_after_minutes": 23 * 60}, "end"),
        ({"km": Decimal(-3)}, "km"),
        ({"receipts": [{"kind": "rail", "amount": ""}]}, "receipts"),
        ({"receipts": [{"kind": "rail"}]}, "receipts"),
        ({"receipts": [{"kind": "taxi", "amount": "9"}]}, "receipts"),
    ],
)
def test_bad_reports_are_refused_and_nothing_is_lost(amina, confirmed, changes, field):
    with pytest.raises(ReportInvalid) as refusal:
        report(amina, confirmed, **changes)
    assert refusal.value.field == field
    confirmed.refresh_from_db()
    assert confirmed.state == AssignmentState.CONFIRMED and confirmed.reported_start is None


def test_a_report_gives_the_fee_of_the_issue_example(amina, confirmed):
    reported = report(amina, confirmed)
    assert reported.state == AssignmentState.REPORTED
    assert f"{assignment_fee(reported).total:.2f}" == "249.30"


def test_only_her_own_assignment_can_be_reported(office, confirmed):
    bahar = make_interpreter({office: Decimal(20)}, name="Bahar")
    with pytest.raises(RequestWentElsewhere):
        report(bahar, confirmed)


def test_her_name_is_one_line_of_plain_text(office):
    """Her name is shown on staff pages and her statements and written into cost reports: the one
    rule for typed text (schalter.text) keeps it without tags, overrides or line breaks."""
    vida = services.interpreter_create(
        name="<b>Vida</b>\u202e\n Rahimi",
        email="vida@example.org",
        languages=["prs"],
        modes=["on_site"],
        acting_user=COMMAND,
    )
    assert vida.name == "Vida Rahimi"
