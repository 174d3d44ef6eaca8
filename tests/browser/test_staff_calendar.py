"""The staff calendar in Chromium: day and week, one appointment (an audited read), moving with a
wrong time, booking for a caller, blocks, mass cancellation and conflicts; axe-core on each page."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from schalter.accounts.actors import COMMAND
from schalter.accounts.models import AuditEvent
from schalter.accounts.roles import Role
from schalter.appointments import selectors, services
from schalter.appointments.models import Appointment, Channel, Status
from tests.browser.conftest import assert_accessible
from tests.conftest import PASSWORD, build_office, german, make_bookable, totp_code


@pytest.fixture
def booked(transactional_db):
    office = build_office("giessen")
    offered = make_bookable(office)
    now = timezone.now()
    first = selectors.free_times(
        office,
        selectors.offered_service(office, offered["long"].pk),
        now.date(),
        now.date() + timedelta(days=14),
        now=now,
    )[0].start
    day = first.astimezone(office.zone).date()
    appointments = [
        services.appointment_book(
            office=office,
            service=offered["long"],
            start=first + timedelta(minutes=30 * i),
            name=name,
            email=f"client{i}@example.org",
            language=language,
            interpreter_language=interpreter,
            channel=Channel.STAFF,
            now=now,
            acting_user=COMMAND,
        ).appointment
        for i, (name, language, interpreter) in enumerate(
            [("Lina Haddad", "ar", "ar"), ("Jonas Becker", "de", "")]
        )
    ]
    return office, day, appointments


def sign_in(page, user) -> None:
    page.get_by_label("Benutzername").fill(user.username)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button").filter(has_text="Weiter").click()
    page.wait_for_url("**/staff/login/code/")
    page.locator("#id_code").fill(totp_code(user))
    page.locator("#id_code").press("Enter")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_calendar_and_appointment_pages_are_accessible(open_page, make_staff, booked, viewport):
    office, day, (lina, _jonas) = booked
    user = make_staff(office, Role.FRONT_DESK)
    path = f"/staff/giessen/appointments/?day={day.isoformat()}"
    page = open_page(path, viewport, locale="de-DE")
    sign_in(page, user)
    page.wait_for_url(f"**{path}")
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.get_by_role("link", name=lina.code).is_visible()
    assert "Lina" not in page.locator("main").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name=lina.code).click()
    page.wait_for_url(f"**/appointments/{lina.pk}/")
    assert "Lina Haddad" in page.locator("main").inner_text()
    with scopes_disabled():
        assert AuditEvent.objects.filter(
            action="appointments.appointment.viewed", target_id=str(lina.pk), actor=user
        ).exists()
    assert_accessible(page)

    page.locator("#id_move-time").fill("10:25")  # not the start of a time unit
    page.locator("form:has(#id_move-time) button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#id_move-time").get_attribute("aria-invalid") == "true"
    assert page.locator("#id_move-time-error").is_visible()
    assert_accessible(page)

    page.goto(page.url.split("/appointments/")[0] + f"/appointments/week/?day={day}")
    assert page.locator("tbody tr").count() == 24
    assert_accessible(page)


def test_planning_pages_are_accessible(open_page, make_staff, booked):
    office, day, (lina, jonas) = booked
    user = make_staff(office, Role.TEAM_LEAD)
    page = open_page("/staff/giessen/appointments/book/", "desktop", locale="de-DE")
    sign_in(page, user)
    page.wait_for_url("**/appointments/book/")
    assert_accessible(page)
    page.get_by_role("button", name=german("Book")).click()  # empty: errors next to every field
    page.wait_for_load_state()
    assert page.locator("#id_name").get_attribute("aria-invalid") == "true"
    assert_accessible(page)

    base = page.url.split("/appointments/")[0] + "/appointments/"
    page.goto(base + "blocks/")
    page.locator("#id_day").fill(day.isoformat())
    page.locator("#id_start_time").fill("11:00")
    page.locator("#id_end_time").fill("12:00")
    page.locator("#id_reason").fill("Teambesprechung")
    page.get_by_role("button", name=german("Block"), exact=True).click()
    page.wait_for_url("**/appointments/blocks/")
    assert "Teambesprechung" in page.locator("main").inner_text()
    assert_accessible(page)

    page.goto(base + "cancel-day/")
    assert_accessible(page)
    page.locator("#id_day").fill(day.isoformat())
    page.locator("#id_reason").select_option("illness")
    page.get_by_role("button", name=german("Show affected appointments")).click()
    page.wait_for_load_state()
    assert lina.code in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name=german("Cancel these appointments now")).click()
    page.wait_for_load_state()
    assert page.locator("#mass-cancel-summary").inner_text().startswith("2 ")
    assert_accessible(page)
    with scopes_disabled():
        assert set(
            Appointment.objects.filter(pk__in=[lina.pk, jonas.pk]).values_list("status", flat=True)
        ) == {Status.CANCELLED}

    page.goto(base + "conflicts/")
    assert_accessible(page)
    page.locator("main ul.kern-list a").first.click()
    page.wait_for_url("**/appointments/rules/*/")
    assert_accessible(page)
