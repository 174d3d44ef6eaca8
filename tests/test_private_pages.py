"""Pages that show personal data through a link are stored by no browser or proxy: staff pages,
the booking's manage page, the callback status page, the interpreter's own view and the survey
(schalter/private_pages.py, one rule). Public pages without personal data stay cacheable."""

from decimal import Decimal

import pytest
import time_machine

from schalter.accounts.roles import Role
from schalter.insights.feedback import feedback_link
from schalter.private_pages import NO_STORE
from tests.callbacks.test_requests import form, taking  # noqa: F401 (a fixture)
from tests.conftest import make_bookable
from tests.interpreters.conftest import NOW, make_interpreter
from tests.public.test_interpreter_view import signed_in_client
from tests.public.test_move_page import booked  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def test_staff_pages(office, staff_client):
    response = staff_client(office, Role.CASEWORKER).get(f"/staff/{office.slug}/")
    assert response.status_code == 200
    assert response["Cache-Control"] == NO_STORE


def test_the_booking_manage_page(client, booked):  # noqa: F811
    response = client.get(booked["manage"])
    assert response.status_code == 200
    assert response["Cache-Control"] == NO_STORE


def test_the_callback_status_page(client, taking):  # noqa: F811
    status_url = client.post(f"/de/{taking.slug}/callback/", form(language="de"))["Location"]
    response = client.get(status_url)
    assert response.status_code == 200
    assert response["Cache-Control"] == NO_STORE


def test_the_interpreters_own_view(client, office):
    amina = make_interpreter({office: Decimal(5)})
    with time_machine.travel(NOW, tick=False):
        response = signed_in_client(client, amina).get("/de/interpreter/")
    assert response.status_code == 200
    assert response["Cache-Control"] == NO_STORE


def test_the_survey_page(client, office):
    office.parts = [*office.parts, "feedback"]
    office.save(update_fields=["parts"])
    path = feedback_link(office=office, visit_token="t", ticket_id=1)
    response = client.get(path)
    assert response.status_code == 200
    assert response["Cache-Control"] == NO_STORE


def test_a_page_without_personal_data_is_not_marked(client, office):
    make_bookable(office)
    response = client.get(f"/de/{office.slug}/")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
