"""An office admin switches online booking off and on again; clients and staff see it follow."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from schalter.accounts.actors import COMMAND
from schalter.accounts.roles import Role
from schalter.appointments import selectors
from schalter.appointments import services as booking
from schalter.appointments.models import Channel
from tests.browser.conftest import assert_accessible
from tests.browser.test_staff_calendar import sign_in
from tests.conftest import build_office, make_bookable


def test_booking_off_shows_the_way_to_an_appointment_and_keeps_the_booked_one(
    open_page, make_staff, transactional_db
):
    office = build_office("giessen")
    service = make_bookable(office)["long"]
    now = timezone.now()
    free = selectors.free_times(
        office,
        selectors.offered_service(office, service.pk),
        now.date(),
        now.date() + timedelta(days=10),
        now=now,
        cached=False,
    )
    booked = booking.appointment_book(
        office=office,
        service=service,
        start=free[0].start,
        name="ليلى",
        email="laila@example.org",
        language="ar",
        channel=Channel.STAFF,
        now=now,
        acting_user=COMMAND,
    )
    admin = make_staff(office, Role.OFFICE_ADMIN)
    staff = open_page("/staff/giessen/parts/", "desktop", locale="de-DE")
    sign_in(staff, admin)
    staff.wait_for_url("**/staff/giessen/parts/")
    assert_accessible(staff)
    staff.get_by_role("button", name="Online-Buchung ausschalten").click()
    staff.wait_for_url("**/staff/giessen/parts/")
    expect(staff.get_by_role("button", name="Online-Buchung einschalten")).to_be_visible()
    expect(staff.locator("#part-booking").locator("..")).to_contain_text("1 Termin ist noch")
    assert_accessible(staff)

    client = open_page("/ar/giessen/", "phone", locale="ar")
    notice = client.locator(".no-online-booking")
    expect(notice).to_be_visible()
    expect(notice.locator("bdi").first).to_have_text(office.phone)
    expect(client.locator('a[href="/ar/giessen/book/"]')).to_have_count(0)
    assert client.locator("html").get_attribute("dir") == "rtl"
    assert_accessible(client)
    manage = f"/ar/giessen/book/manage/{booked.appointment.code}/{booked.manage_token}/"
    client.goto(client.url.split("/ar/")[0] + manage)
    expect(client.locator("main")).to_contain_text(booked.appointment.code)
    assert_accessible(client)

    staff.goto(staff.url.replace("/parts/", f"/appointments/{booked.appointment.pk}/"))
    expect(staff.locator("main")).to_contain_text("ليلى")

    staff.goto(staff.url.split("/appointments/")[0] + "/parts/")
    staff.get_by_role("button", name="Online-Buchung einschalten").click()
    staff.wait_for_url("**/staff/giessen/parts/")
    client.goto(client.url.split("/ar/")[0] + "/ar/giessen/")
    client.locator('a[href="/ar/giessen/book/"]').click()
    client.wait_for_url("**/ar/giessen/book/")
    expect(client.locator("main a[href*='/book/residence-permit/']").first).to_be_visible()
