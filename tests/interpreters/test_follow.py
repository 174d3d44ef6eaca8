"""An appointment's interpreter request follows it (appointments/hooks.py): cancelled with it
(the interpreter told, the cancellation rule's day recorded once she was engaged), moved with it
(kept if she is free at the new time, else back to matching), whether the client or staff
change it. And the client hears of her interpreter: in her language when one is booked, and in
good time when none is found."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from schalter.accounts.actors import CLIENT, COMMAND
from schalter.appointments import selectors, services
from schalter.appointments.models import Channel
from schalter.interpreters import services as interpreter_services
from schalter.interpreters.models import AssignmentEvent, AssignmentState
from schalter.offices.services import office_part_switch
from tests.conftest import build_office, make_bookable
from tests.interpreters.conftest import make_interpreter

pytestmark = pytest.mark.django_db


def free_starts(office, offered):
    now = timezone.now()
    return [
        slot.start
        for slot in selectors.free_times(
            office,
            selectors.offered_service(office, offered.pk),
            now.date(),
            now.date() + timedelta(days=14),
            now=now,
        )
    ]


@pytest.fixture
def setting(office, django_capture_on_commit_callbacks):
    office_part_switch(office=office, name="interpreters", on=True, acting_user=COMMAND)
    offered = make_bookable(office, capacity_staff=3)["short"]
    return offered


def book(office, offered, start, *, language="de", email="farid@example.org"):
    return services.appointment_book(
        office=office,
        service=offered,
        start=start,
        name="Farid Ahmadi",
        email=email,
        language=language,
        interpreter_language="fa-af",
        channel=Channel.STAFF,
        now=timezone.now(),
        acting_user=COMMAND,
    ).appointment


def booked_with_interpreter(office, offered, start, capture, **kw):
    appointment = book(office, offered, start, **kw)
    with capture(execute=True):
        assignment = interpreter_services.assignment_for_appointment(
            appointment=appointment, now=timezone.now(), acting_user=CLIENT
        )
    return appointment, assignment


def accept(interpreter, assignment, capture):
    with capture(execute=True):
        interpreter_services.assignment_accept(
            interpreter=interpreter,
            assignment_id=assignment.pk,
            now=timezone.now(),
            acting_user=CLIENT,
        )
    assignment.refresh_from_db()
    return assignment


def mails_to(mailoutbox, address):
    return [mail for mail in mailoutbox if address in mail.to]


def test_cancelling_the_appointment_cancels_the_assignment_and_tells_her(
    office, setting, mailoutbox, django_capture_on_commit_callbacks
):
    amina = make_interpreter({office: Decimal(5)})
    start = free_starts(office, setting)[0]
    appointment, assignment = booked_with_interpreter(
        office, setting, start, django_capture_on_commit_callbacks
    )
    accept(amina, assignment, django_capture_on_commit_callbacks)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_cancel(appointment=appointment, now=timezone.now(), acting_user=CLIENT)
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.CANCELLED
    assert assignment.interpreter == amina  # kept for the cancellation rule
    assert assignment.cancelled_on is not None and not assignment.cancelled_by_interpreter
    assert AssignmentEvent.across_offices.filter(assignment=assignment, kind="cancelled").exists()
    (mail,) = mails_to(mailoutbox, amina.email)
    assert "abgesagt" in mail.subject or "abgesagt" in mail.body


def test_a_request_nobody_took_is_cancelled_without_telling_anyone(
    office, setting, mailoutbox, django_capture_on_commit_callbacks
):
    start = free_starts(office, setting)[0]
    appointment, assignment = booked_with_interpreter(
        office, setting, start, django_capture_on_commit_callbacks
    )
    assert assignment.state == AssignmentState.REQUESTED  # nobody in the pool
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_cancel(
            appointment=appointment, now=timezone.now(), acting_user=COMMAND
        )
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.CANCELLED and assignment.cancelled_on is None


def test_a_move_keeps_her_when_she_is_free_at_the_new_time(
    office, setting, mailoutbox, django_capture_on_commit_callbacks
):
    amina = make_interpreter({office: Decimal(5)})
    first, later = free_starts(office, setting)[0], free_starts(office, setting)[3]
    appointment, assignment = booked_with_interpreter(
        office, setting, first, django_capture_on_commit_callbacks
    )
    accept(amina, assignment, django_capture_on_commit_callbacks)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_reschedule(
            appointment=appointment, start=later, now=timezone.now(), acting_user=CLIENT
        )
    assignment.refresh_from_db()
    assert assignment.start == later and assignment.end == appointment.end
    assert assignment.interpreter == amina and assignment.state == AssignmentState.CONFIRMED
    (mail,) = mails_to(mailoutbox, amina.email)
    assert "verschoben" in mail.subject


def test_a_move_to_a_time_she_is_busy_hands_it_back_to_matching(
    office, setting, mailoutbox, django_capture_on_commit_callbacks
):
    amina = make_interpreter({office: Decimal(5)}, name="Amina")
    first, later = free_starts(office, setting)[0], free_starts(office, setting)[3]
    appointment, assignment = booked_with_interpreter(
        office, setting, first, django_capture_on_commit_callbacks
    )
    accept(amina, assignment, django_capture_on_commit_callbacks)
    # She is booked at the new time elsewhere (another office), and a colleague is free.
    hanau = build_office("hanau")
    interpreter_services.interpreter_office_set(
        interpreter=amina, office=hanau, distance_km=Decimal(20), acting_user=COMMAND
    )
    elsewhere = interpreter_services.assignment_request(
        office=hanau,
        language="prs",
        mode="on_site",
        start=later,
        end=later + timedelta(minutes=30),
        now=timezone.now(),
        acting_user=COMMAND,
    )
    interpreter_services.assignment_propose(
        assignment=elsewhere, interpreter=amina, now=timezone.now(), acting_user=COMMAND
    )
    shirin = make_interpreter({office: Decimal(30)}, name="Shirin")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_reschedule(
            appointment=appointment, start=later, now=timezone.now(), acting_user=COMMAND
        )
    assignment.refresh_from_db()
    assert assignment.start == later
    assert assignment.interpreter == shirin and assignment.state == AssignmentState.PROPOSED
    assert AssignmentEvent.across_offices.filter(
        assignment=assignment, kind="handed_back", interpreter=amina
    ).exists()
    assert "zurückgezogen" in mails_to(mailoutbox, amina.email)[0].subject
    assert mails_to(mailoutbox, shirin.email)  # the request went to her


def test_a_rolled_back_cancel_leaves_the_assignment_as_it_was(
    office, setting, django_capture_on_commit_callbacks
):
    """The follow-up runs in the appointment's transaction: all or nothing."""
    from django.db import transaction

    amina = make_interpreter({office: Decimal(5)})
    start = free_starts(office, setting)[0]
    appointment, assignment = booked_with_interpreter(
        office, setting, start, django_capture_on_commit_callbacks
    )
    accept(amina, assignment, django_capture_on_commit_callbacks)

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        services.appointment_cancel(appointment=appointment, now=timezone.now(), acting_user=CLIENT)
        assignment.refresh_from_db()
        assert assignment.state == AssignmentState.CANCELLED  # inside: cancelled with it
        raise Abort
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.CONFIRMED  # rolled back with it


@pytest.mark.parametrize(
    ("language", "confirmed", "none_found"),
    [
        ("de", "Für Ihren Termin ist ein Dolmetscher", "noch keinen Dolmetscher"),
        ("ar", "مترجم", "مترجم"),
    ],
)
def test_the_client_hears_in_her_language(
    office,
    setting,
    mailoutbox,
    django_capture_on_commit_callbacks,
    language,
    confirmed,
    none_found,
):
    start = free_starts(office, setting)[0]
    # Nobody in the pool: she is told in good time (the appointment is within three days or,
    # here, whenever it comes within them; the first free time is soon enough).
    appointment, assignment = booked_with_interpreter(
        office, setting, start, django_capture_on_commit_callbacks, language=language
    )
    told = mails_to(mailoutbox, appointment.email)
    if start - timezone.now() > interpreter_services.CLIENT_NOTICE_BEFORE:
        assert not told
        with django_capture_on_commit_callbacks(execute=True):
            interpreter_services.assignments_escalate(
                now=start - timedelta(days=2), acting_user=COMMAND
            )
        told = mails_to(mailoutbox, appointment.email)
    (notice,) = told
    assert notice.extra_headers["Content-Language"] == language
    assert none_found in notice.body and appointment.code in notice.subject
    assert office.phone in notice.body  # the office's options, with its number
    # The tick does not tell her twice.
    with django_capture_on_commit_callbacks(execute=True):
        interpreter_services.assignments_escalate(
            now=start - timedelta(days=1), acting_user=COMMAND
        )
    assert len(mails_to(mailoutbox, appointment.email)) == 1
    # An interpreter joins the pool and accepts: the client is told that too.
    amina = make_interpreter({office: Decimal(5)})
    with django_capture_on_commit_callbacks(execute=True):
        interpreter_services.assignment_match(
            assignment=assignment, now=timezone.now(), acting_user=COMMAND
        )
    accept(amina, assignment, django_capture_on_commit_callbacks)
    confirmation = mails_to(mailoutbox, appointment.email)[-1]
    assert confirmation.extra_headers["Content-Language"] == language
    assert confirmed in confirmation.body
    assert "Amina" not in confirmation.body  # her name stays with the office
