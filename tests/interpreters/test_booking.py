"""A booking that asks for an interpreter gets one requested and matched at once (in an office
that uses the part); staff see who is proposed and then confirmed on the appointment."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from schalter.accounts.actors import CLIENT, COMMAND
from schalter.appointments import selectors, services
from schalter.appointments.models import Channel
from schalter.interpreters import services as interpreter_services
from schalter.interpreters.languages import dialect_choices
from schalter.interpreters.models import Assignment, AssignmentState
from schalter.offices.services import office_part_switch
from schalter.public.booking_forms import interpreter_choices
from tests.conftest import make_bookable
from tests.interpreters.conftest import make_interpreter

pytestmark = pytest.mark.django_db


def book(office, language):
    offered = make_bookable(office)["short"]
    now = timezone.now()
    free = selectors.free_times(
        office,
        selectors.offered_service(office, offered.pk),
        now.date(),
        now.date() + timedelta(days=14),
        now=now,
    )
    return services.appointment_book(
        office=office,
        service=offered,
        start=free[0].start,
        name="Farid Ahmadi",
        email="farid@example.org",
        interpreter_language=language,
        channel=Channel.STAFF,
        now=now,
        acting_user=COMMAND,
    ).appointment


def test_the_forms_offer_dialects_once():
    codes = [code for code, _name in interpreter_choices()]
    assert {"apc", "kmr", "ckb", "ar-SY"} <= set(codes)
    assert "prs" not in codes and "fa-af" in codes  # Dari once, under the site's own code
    assert dialect_choices({"ar", "fa-af"})[0][0] == "apc"


def test_a_booking_in_dari_requests_and_proposes_an_interpreter(office, staff_client):
    office_part_switch(office=office, name="interpreters", on=True, acting_user=COMMAND)
    amina = make_interpreter({office: Decimal(5)}, name="Amina", languages=("prs",))
    appointment = book(office, "fa-af")
    assignment = interpreter_services.assignment_for_appointment(
        appointment=appointment, now=timezone.now(), acting_user=CLIENT
    )
    assert assignment.language == "prs" and assignment.client_first_name == "Farid"
    assignment.refresh_from_db()
    assert assignment.interpreter == amina and assignment.state == AssignmentState.PROPOSED
    client = staff_client(office)
    page = client.get(f"/staff/{office.slug}/appointments/{appointment.pk}/").content.decode()
    assert "vorgeschlagen: Amina" in page
    interpreter_services.assignment_accept(
        interpreter=amina, assignment_id=assignment.pk, now=timezone.now(), acting_user=CLIENT
    )
    page = client.get(f"/staff/{office.slug}/appointments/{appointment.pk}/").content.decode()
    assert "bestätigt: Amina" in page


def test_nothing_is_requested_where_the_part_is_off(office):
    appointment = book(office, "fa-af")
    assert (
        interpreter_services.assignment_for_appointment(
            appointment=appointment, now=timezone.now(), acting_user=CLIENT
        )
        is None
    )
    assert not Assignment.across_offices.exists()
