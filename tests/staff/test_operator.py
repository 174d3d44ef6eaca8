"""The operator (issue 13, item 3): a new office from a template with its first admin, reserved
names refused, suspension that stops booking and staff work but keeps appointments and tells
their clients, and resuming."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_scopes import scopes_disabled

from schalter.accounts.actors import COMMAND
from schalter.accounts.models import AuditEvent, Membership
from schalter.accounts.roles import Role
from schalter.appointments import services as booking
from schalter.appointments.models import Appointment, BookingPolicy, Channel, OfficeService
from schalter.appointments.selectors import free_times, offered_service
from schalter.offices.models import Office
from schalter.visits.models import ServiceGroup
from schalter.visits.services import service_group_create
from tests.conftest import book_earliest_by_phone

pytestmark = pytest.mark.django_db


def new_office_form(**changes) -> dict:
    return {
        "slug": "wiesbaden",
        "name": "Ausländerbehörde Wiesbaden",
        "street": "Schillerplatz 1",
        "postcode": "65185",
        "city": "Wiesbaden",
        "phone": "0611 313456",
        "email": "abh@wiesbaden.example",
        "template": "giessen",
        "admin_email": "anna.berg@wiesbaden.example",
        **changes,
    }


@pytest.fixture
def operator(staff_client):
    return staff_client(None, Role.OPERATOR)


def test_only_the_operator_reaches_the_installation_pages(office, staff_client, operator):
    for role in (Role.OFFICE_ADMIN, Role.MINISTRY):
        other = staff_client(office if role == Role.OFFICE_ADMIN else None, role)
        assert other.get("/staff/installation/").status_code == 404
        assert other.post("/staff/installation/offices/new/", new_office_form()).status_code == 404
    assert operator.get("/staff/installation/").status_code == 200
    assert not Office.objects.filter(slug="wiesbaden").exists()


def test_a_new_office_copies_services_queues_and_policy_from_its_template(
    office, bookable, operator, django_capture_on_commit_callbacks
):
    service_group_create(
        office=office,
        name={"de": "Abholung"},
        prefix="B",
        services=[bookable["short"]],
        acting_user=COMMAND,
    )
    BookingPolicy.objects.filter(office=office).update(horizon_days=33)
    with django_capture_on_commit_callbacks(execute=True):
        response = operator.post("/staff/installation/offices/new/", new_office_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    new = Office.objects.get(slug="wiesbaden")
    assert new.phone == "+49611313456"
    with scopes_disabled():
        offered = OfficeService.objects.filter(office=new)
        assert {o.service.slug for o in offered} == {"card-pick-up", "residence-permit"}
        assert offered.get(service__slug="residence-permit").max_persons == 3
        assert list(ServiceGroup.objects.filter(office=new).values_list("prefix", flat=True)) == [
            "B"
        ]
        assert not Appointment.objects.filter(office=new).exists()
    assert BookingPolicy.objects.get(office=new).horizon_days == 33
    admin = User.objects.get(email="anna.berg@wiesbaden.example")
    assert not admin.has_usable_password()  # she sets it through the link mailed to her
    (sent,) = [m for m in mail.outbox if m.to == ["anna.berg@wiesbaden.example"]]
    assert "/staff/link/?token=" in sent.body
    assert Membership.objects.filter(user=admin, office=new, role=Role.OFFICE_ADMIN).exists()
    assert AuditEvent.objects.filter(office=new, action="offices.office.first_admin_assigned")


def test_an_existing_person_becomes_the_first_admin_without_a_new_account(
    office, make_staff, operator
):
    springer = make_staff(office, Role.CASEWORKER)
    springer.email = "springer@example.org"
    springer.save()
    form = new_office_form(template="built-in", admin_email="Springer@example.org")
    assert operator.post("/staff/installation/offices/new/", form).status_code == 302
    assert User.objects.filter(email__iexact="springer@example.org").count() == 1
    new = Office.objects.get(slug="wiesbaden")
    assert Membership.objects.filter(user=springer, office=new, role=Role.OFFICE_ADMIN).exists()
    with scopes_disabled():
        assert ServiceGroup.objects.filter(office=new).count() == 1


@pytest.mark.parametrize("slug", ["figures", "login", "help", "api", "staff", "ar", "fa-af"])
def test_the_operator_is_told_a_reserved_name_is_taken(office, operator, slug):
    response = operator.post("/staff/installation/offices/new/", new_office_form(slug=slug))
    assert response.status_code == 400
    error = BeautifulSoup(response.content, "html.parser").select_one("#id_slug-error")
    assert error is not None and slug in error.get_text()
    assert not Office.objects.filter(slug=slug).exists()
    assert not User.objects.filter(email="anna.berg@wiesbaden.example").exists()


def test_a_phone_that_does_not_parse_creates_nothing(office, operator):
    response = operator.post("/staff/installation/offices/new/", new_office_form(phone="12"))
    assert response.status_code == 400
    assert not Office.objects.filter(slug="wiesbaden").exists()
    assert not User.objects.filter(email="anna.berg@wiesbaden.example").exists()


def test_suspension_stops_booking_and_staff_keeps_appointments_and_tells_clients(
    office, bookable, staff_client, operator, django_capture_on_commit_callbacks
):
    kept = book_earliest_by_phone(
        office, bookable["long"], name="Amal", email="amal@example.org", language="ar"
    )
    book_earliest_by_phone(
        office, bookable["short"], name="Ohne Mail", email="", phone="+4915112345678"
    )
    admin = staff_client(office, Role.OFFICE_ADMIN)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = operator.post(
            "/staff/installation/offices/giessen/suspension/", {"action": "suspend"}
        )
    assert response.status_code == 302
    office.refresh_from_db()
    assert office.suspended
    with scopes_disabled():
        assert Appointment.objects.get(pk=kept.pk).status == kept.status  # kept as it was
    assert [m.to for m in mail.outbox] == [["amal@example.org"]]
    assert mail.outbox[0].extra_headers["Content-Language"] == "ar"
    assert "+496413060" in mail.outbox[0].body
    assert AuditEvent.objects.filter(office=office, action="offices.office.suspended").exists()

    public = Client()
    for path in ("/de/giessen/book/", "/de/giessen/", "/de/giessen/flyer.pdf"):
        answer = public.get(path)
        assert answer.status_code == 404, path
        assert "Appointments already booked are kept" in answer.content.decode() or (
            "bereits gebuchte" in answer.content.decode().lower()
        )
    assert public.get("/api/v1/offices/giessen/services").status_code == 404
    assert admin.get("/staff/giessen/").status_code == 404
    assert admin.get("/staff/giessen/appointments/").status_code == 404

    # Suspending twice tells nobody twice.
    with django_capture_on_commit_callbacks(execute=True):
        operator.post("/staff/installation/offices/giessen/suspension/", {"action": "suspend"})
    assert len(mail.outbox) == 1

    operator.post("/staff/installation/offices/giessen/suspension/", {"action": "resume"})
    office.refresh_from_db()
    assert not office.suspended
    assert public.get("/de/giessen/book/").status_code == 200
    assert admin.get("/staff/giessen/").status_code == 200


def test_a_client_still_manages_her_appointment_while_the_office_is_suspended(
    office, bookable, operator
):
    now = timezone.now()
    free = free_times(office, offered_service(office, bookable["short"].pk), now.date(), now=now)
    booked = booking.appointment_book(
        office=office,
        service=bookable["short"],
        start=free[0].start,
        name="Lena",
        email="lena@example.org",
        channel=Channel.STAFF,
        now=now,
        acting_user=COMMAND,
    )
    operator.post("/staff/installation/offices/giessen/suspension/", {"action": "suspend"})
    code, token = booked.appointment.code, booked.manage_token
    answer = Client().get(f"/de/giessen/book/manage/{code}/{token}/")
    assert answer.status_code == 200


def test_the_operator_edits_the_shared_catalogue_texts(office, bookable, staff_client, operator):
    permit = bookable["long"]
    url = f"/staff/installation/catalogue/{permit.pk}/summary/"
    admin = staff_client(office, Role.OFFICE_ADMIN)
    assert admin.get(url).status_code == 404
    assert admin.post(url, {"text_de": "Von der Behörde"}).status_code == 404
    assert operator.get("/staff/installation/catalogue/").status_code == 200
    assert operator.get(f"/staff/installation/catalogue/{permit.pk}/nothing/").status_code == 404
    response = operator.post(url, {"text_de": "Für alle Behörden", "text_en": "For every office"})
    assert response.status_code == 302
    permit.refresh_from_db()
    assert permit.summary["de"] == "Für alle Behörden"
    assert permit.summary["en"] == "For every office"
    assert AuditEvent.objects.filter(action="content.text.updated").exists()
