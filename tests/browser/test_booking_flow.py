"""A client books, confirms, moves and cancels on a phone, in German and in Arabic, with the
proof of work solved by the real widget, and axe-core checks every step."""

import re

import pytest
from django.core import mail
from django_scopes import scopes_disabled

from schalter.appointments.models import Appointment, Status
from tests.browser.conftest import assert_accessible
from tests.conftest import build_office, make_bookable


@pytest.fixture
def office_with_times(transactional_db):
    office = build_office("giessen")
    make_bookable(office)
    return office


@pytest.mark.parametrize("language", ["de", "ar"])
def test_book_confirm_move_and_cancel_on_a_phone(
    open_page, office_with_times, language, live_server
):
    page = open_page(f"/{language}/giessen/", "phone")
    page.locator(".kern-btn--primary").first.click()
    page.wait_for_url(f"**/{language}/giessen/book/")
    assert_accessible(page)
    page.locator(".service-list a").filter(has_text=re.compile("Residence|Aufenthalts")).click()
    page.wait_for_url("**/book/residence-permit/")
    assert_accessible(page)
    page.locator("a.time-choice").first.click()
    page.wait_for_url("**/book/residence-permit/*/")
    assert_accessible(page)
    page.locator("#id_name").fill("لينا حداد" if language == "ar" else "Lena Schmidt")
    page.locator("#id_email").fill("lena@example.org")
    page.locator("#id_consent").check()
    page.locator("altcha-widget input[type=checkbox]").focus()  # as a keyboard user would
    page.keyboard.press("Space")
    page.wait_for_function(
        "document.querySelector('input[name=altcha]') && "
        "document.querySelector('input[name=altcha]').value.length > 20",
        timeout=30000,
    )
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/book/sent/*/")
    assert_accessible(page)
    with scopes_disabled():
        appointment = Appointment.objects.get()
    assert appointment.status == Status.PENDING and appointment.language == language
    confirm_path = re.search(
        r"/" + language + r"/giessen/book/confirm/\S+?/\S+?/", mail.outbox[-1].body
    ).group(0)
    page.goto(live_server.url + confirm_path)
    assert_accessible(page)
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/book/manage/*/*/")
    assert_accessible(page)
    with scopes_disabled():
        assert Appointment.objects.get().status == Status.CONFIRMED
    page.locator("a[href*='/book/move/']").click()
    page.wait_for_url("**/book/move/*/*/")
    assert_accessible(page)
    page.locator("input[name=start]").nth(2).check()
    page.locator("form:has(input[name=start]:checked) button[type=submit]").click()
    page.wait_for_url("**/book/manage/*/*/")
    with scopes_disabled():
        moved = Appointment.objects.get()
    assert moved.start != appointment.start
    page.locator("form button[type=submit]").click()  # "cancel" only asks
    page.locator(".cancel-question").wait_for()
    assert_accessible(page)
    with scopes_disabled():
        assert Appointment.objects.get().status == Status.CONFIRMED
    page.locator(".cancel-question button[type=submit]").click()
    page.wait_for_url("**/book/manage/*/*/")
    page.locator("main a.kern-btn--primary[href*='/book/']").wait_for()
    assert_accessible(page)
    with scopes_disabled():
        assert Appointment.objects.get().status == Status.CANCELLED
    page.locator("main a.kern-btn--primary[href*='/book/']").click()
    page.wait_for_url("**/book/*/")
    if language == "ar":
        assert page.evaluate("document.documentElement.dir") == "rtl"
