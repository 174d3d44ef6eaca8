"""The pages around the pool: staff add interpreters and their availability (bad input refused
in German, nothing saved), set the month's budget, ask for an interpreter for a callback (a real
foreign key to it); the kiosk offers the one list of languages with its dialects, and a walk-in
who chooses one gets a phone interpreter requested for her ticket."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django_scopes import scopes_disabled

from schalter.accounts.actors import CLIENT, COMMAND
from schalter.accounts.roles import Role
from schalter.callbacks.parts import CALLBACKS
from schalter.callbacks.requests import callback_request
from schalter.interpreters.languages import interpreter_choices
from schalter.interpreters.models import (
    Assignment,
    AssignmentState,
    AvailabilityWindow,
    Interpreter,
    InterpreterBudget,
    InterpreterOffice,
    Mode,
)
from schalter.offices.services import office_part_switch
from schalter.public import booking_forms
from schalter.staff import appointment_forms
from schalter.visits import services as visits
from schalter.visits.models import Ticket
from tests.interpreters.conftest import make_interpreter
from tests.visits.conftest import MONDAY_9

pytestmark = pytest.mark.django_db

NEW = {
    "name": "Shirin Karimi",
    "email": "Shirin@example.org",
    "phone": "",
    "languages": ["prs", "fa"],
    "modes": ["on_site", "video"],
    "distance_km": "12.5",
    "fee_agreement": "jveg",
    "contact_preference": "email",
    "confidentiality": "on",
}


@pytest.fixture
def admin(office, staff_client):
    office_part_switch(office=office, name="interpreters", on=True, acting_user=COMMAND)
    return staff_client(office, Role.OFFICE_ADMIN)


def test_one_list_of_wishes_with_dialects_everywhere():
    codes = {code for code, _name in interpreter_choices()}
    assert {"apc", "prs", "ckb", "kmr", "ti"} <= codes | {"prs"}
    assert {"apc", "ckb", "kmr", "ti"} <= codes
    # The booking form, the staff booking form and the kiosk share it (not copies).
    assert booking_forms.interpreter_choices is interpreter_choices
    assert appointment_forms.interpreter_choices is interpreter_choices


def test_staff_add_an_interpreter_with_dialects(office, admin):
    response = admin.post(f"/staff/{office.slug}/interpreters/pool/", NEW)
    assert response.status_code == 302
    shirin = Interpreter.objects.get(email="shirin@example.org")
    assert shirin.languages == ["prs", "fa"] and shirin.confidentiality_accepted_at
    link = InterpreterOffice.across_offices.get(interpreter=shirin)
    assert link.office == office and link.distance_km == Decimal("12.5")
    page = admin.get(f"/staff/{office.slug}/interpreters/pool/").content.decode()
    assert "Shirin Karimi" in page and "(prs)" in page


def test_one_already_in_another_offices_pool_serves_this_one_too(office, admin, second_office):
    amina = make_interpreter({second_office: Decimal(40)})
    response = admin.post(
        f"/staff/{office.slug}/interpreters/pool/",
        {**NEW, "email": amina.email, "name": "Someone else"},
    )
    assert response.status_code == 302
    amina.refresh_from_db()
    assert amina.name == "Amina"  # her data stay hers
    assert set(
        InterpreterOffice.across_offices.filter(interpreter=amina).values_list("office", flat=True)
    ) == {office.pk, second_office.pk}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"languages": ["prs", "xx-klingon"]}, "keine gültige Auswahl"),
        ({"distance_km": "-3"}, "größer oder gleich 0"),
        ({"modes": []}, "Dieses Feld ist erforderlich"),
        ({"confidentiality": ""}, "Dieses Feld ist erforderlich"),
    ],
)
def test_bad_pool_input_is_refused_in_german_and_nothing_saved(office, admin, changes, message):
    data = {**NEW, **changes}
    data = {key: value for key, value in data.items() if value not in ("", [])}
    response = admin.post(f"/staff/{office.slug}/interpreters/pool/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Interpreter.objects.exists()


def test_overlapping_availability_on_the_page_is_refused_clearly(office, admin):
    amina = make_interpreter({office: Decimal(5)})  # 07:00-20:00 every day
    before = AvailabilityWindow.objects.count()
    url = f"/staff/{office.slug}/interpreters/pool/{amina.pk}/"
    response = admin.post(
        url,
        {"action": "window", "window-weekday": "1", "window-start": "19:00", "window-end": "21:00"},
    )
    assert response.status_code == 400
    assert "überschneidet" in response.content.decode()
    assert AvailabilityWindow.objects.count() == before
    response = admin.post(
        url, {"action": "exception", "exception-day": "2031-03-04", "exception-available": ""}
    )
    assert response.status_code == 302
    response = admin.post(
        url,
        {
            "action": "exception",
            "exception-day": "2031-03-04",
            "exception-start": "09:00",
            "exception-end": "10:00",
        },
    )
    assert response.status_code == 400 and "überschneidet" in response.content.decode()


def test_another_offices_interpreter_is_not_found(office, admin, second_office):
    other = make_interpreter({second_office: Decimal(5)}, name="Bahar")
    assert admin.get(f"/staff/{office.slug}/interpreters/pool/{other.pk}/").status_code == 404


def test_leaving_the_pool_hands_her_work_back(office, admin):
    amina = make_interpreter({office: Decimal(5)})
    response = admin.post(
        f"/staff/{office.slug}/interpreters/pool/{amina.pk}/", {"action": "deactivate"}
    )
    assert response.status_code == 302
    amina.refresh_from_db()
    assert not amina.active


def test_the_months_budget(office, admin):
    response = admin.post(
        f"/staff/{office.slug}/interpreters/budget/", {"month": "2031-03", "amount": "1500.00"}
    )
    assert response.status_code == 302
    with scopes_disabled():
        budget = InterpreterBudget.objects.get(office=office)
    assert budget.amount == Decimal("1500.00") and budget.month.isoformat() == "2031-03-01"
    admin.post(f"/staff/{office.slug}/interpreters/budget/", {"month": "2031-03", "amount": "-1"})
    budget.refresh_from_db()
    assert budget.amount == Decimal("1500.00")


def test_request_interpreter_for_a_callback(office, admin, mailoutbox):
    office_part_switch(office=office, name=CALLBACKS, on=True, acting_user=COMMAND)
    amina = make_interpreter({office: Decimal(5)}, languages=("apc",), modes=("phone",))
    now = timezone.now()
    callback = callback_request(
        office=office,
        number="0151 23456789",
        language="ar",
        service_id=None,
        windows=[],
        now=now,
        acting_user=CLIENT,
    ).callback
    url = f"/staff/{office.slug}/callbacks/{callback.pk}/"
    page = admin.get(url).content.decode()
    assert "Dolmetscher anfragen" in page and 'value="apc"' in page
    # Tomorrow at 10:00 in the office: inside her hours (07-20) whatever time the test runs.
    tomorrow = timezone.localtime(now, office.zone).date() + timedelta(days=1)
    at = f"{tomorrow.isoformat()}T10:00"
    form = {"language": "apc", "start": at, "minutes": "30"}
    response = admin.post(f"/staff/{office.slug}/interpreters/callback/{callback.pk}/", form)
    assert response.status_code == 302
    assignment = Assignment.across_offices.get(callback=callback)
    assert assignment.callback == callback and assignment.mode == Mode.PHONE
    assert assignment.interpreter == amina and assignment.state == AssignmentState.PROPOSED
    # Asked once: a second press is refused, nothing doubled.
    admin.post(f"/staff/{office.slug}/interpreters/callback/{callback.pk}/", form)
    assert Assignment.across_offices.filter(callback=callback).count() == 1
    assert "Dolmetscher anfragen" not in admin.get(url).content.decode()


def test_the_callback_page_offers_nothing_where_the_part_is_off(office, staff_client):
    office_part_switch(office=office, name=CALLBACKS, on=True, acting_user=COMMAND)
    callback = callback_request(
        office=office,
        number="0151 23456789",
        language="ar",
        service_id=None,
        windows=[],
        now=timezone.now(),
        acting_user=CLIENT,
    ).callback
    client = staff_client(office, Role.OFFICE_ADMIN)
    page = client.get(f"/staff/{office.slug}/callbacks/{callback.pk}/").content.decode()
    assert "Dolmetscher anfragen" not in page


@pytest.fixture
def kiosk(office):
    group = visits.service_group_create(
        office=office, name={"de": "Abholung"}, prefix="A", services=[], acting_user=COMMAND
    )
    _kiosk, key = visits.kiosk_create(
        office=office, name="Eingang", public_id="eingang", acting_user=COMMAND
    )
    return group, key


def test_the_kiosk_offers_dialects_and_requests_a_phone_interpreter(office, kiosk):
    group, key = kiosk
    office_part_switch(office=office, name="interpreters", on=True, acting_user=COMMAND)
    with time_machine.travel(MONDAY_9, tick=False):
        amina = make_interpreter({office: Decimal(5)}, languages=("apc",), modes=("phone",))
        client = Client()
        client.get(f"/giessen/kiosk/eingang/?key={key}")
        page = client.get("/giessen/kiosk/eingang/?lang=ar").content.decode()
        for code in ("apc", "prs", "ckb", "kmr", "ti"):
            assert f'value="{code}"' in page or (code == "prs" and 'value="fa-af"' in page)
        body = {
            "lang": "ar",
            "action": "walk_in",
            "group": group.pk,
            "issue_key": "k1",
            "interpreter_language": "apc",
        }
        assert client.post("/giessen/kiosk/eingang/", body).status_code == 302
        assert client.post("/giessen/kiosk/eingang/", body).status_code == 302  # a double tap
    with scopes_disabled():
        (ticket,) = Ticket.objects.all()
    assert ticket.interpreter_language == "apc"
    (assignment,) = Assignment.across_offices.filter(ticket=ticket)
    assert assignment.mode == Mode.PHONE and assignment.language == "apc"
    assert assignment.interpreter == amina and assignment.state == AssignmentState.PROPOSED


def test_an_unknown_wish_at_the_kiosk_is_dropped_and_the_ticket_issued(office, kiosk):
    group, key = kiosk
    office_part_switch(office=office, name="interpreters", on=True, acting_user=COMMAND)
    with time_machine.travel(MONDAY_9, tick=False):
        client = Client()
        client.get(f"/giessen/kiosk/eingang/?key={key}")
        body = {"lang": "de", "action": "walk_in", "group": group.pk, "issue_key": "k2"}
        client.post("/giessen/kiosk/eingang/", {**body, "interpreter_language": "xx-elvish"})
    with scopes_disabled():
        (ticket,) = Ticket.objects.all()
    assert ticket.interpreter_language == ""
    assert not Assignment.across_offices.exists()
