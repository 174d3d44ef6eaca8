from django.test import Client

from schalter.accounts.roles import Role
from tests.browser.conftest import assert_accessible
from tests.conftest import PASSWORD, build_office, totp_code


def test_staff_sign_in_with_two_factors_in_the_browser(open_page, make_staff, transactional_db):
    office = build_office("giessen")
    user = make_staff(office, Role.OFFICE_ADMIN)
    page = open_page("/staff/giessen/desks/", "desktop", locale="de-DE")
    assert "/staff/login/" in page.url
    assert_accessible(page)
    page.get_by_label("Benutzername").fill(user.username)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button").filter(has_text="Weiter").click()
    page.wait_for_url("**/staff/login/code/")
    assert_accessible(page)
    page.locator("#id_code").fill(totp_code(user))
    page.locator("#id_code").press("Enter")
    page.wait_for_url("**/staff/giessen/desks/")
    assert page.locator(".desk-badge").count() == 3
    assert_accessible(page)
    page.locator(".desk-badge").first.click()
    page.wait_for_url("**/staff/giessen/desks/*/")
    assert_accessible(page)
    page.locator("#id_room").fill("")
    page.locator("#id_number").fill("2")
    page.get_by_role("button").filter(has_text="Speichern").click()
    assert page.locator("#id_number").get_attribute("aria-invalid") == "true"
    assert_accessible(page)
    assert Client().get("/staff/giessen/").status_code == 302  # the browser's session is its own


def test_queue_and_kiosk_set_up_pages_are_accessible(open_page, make_staff, transactional_db):
    from playwright.sync_api import expect

    from tests.browser.test_staff_calendar import sign_in

    office = build_office("giessen")
    user = make_staff(office, Role.OFFICE_ADMIN)
    page = open_page("/staff/giessen/queues/new/", "desktop", locale="de-DE")
    sign_in(page, user)
    page.wait_for_url("**/staff/giessen/queues/new/")
    assert_accessible(page)
    # Each language's field is marked with its language and direction.
    expect(page.locator("#id_name_ar")).to_have_attribute("dir", "rtl")
    expect(page.locator("#id_zone_fa_af")).to_have_attribute("lang", "fa-AF")
    page.locator("#id_prefix").fill("ÄÄÄÄ")
    page.get_by_role("button").filter(has_text="Speichern").click()
    expect(page.locator("#id_prefix")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    page.locator("#id_prefix").fill("C")
    page.locator("#id_name_de").fill("Abholung")
    page.locator("#id_name_ar").fill("الاستلام")
    page.get_by_role("button").filter(has_text="Speichern").click()
    page.wait_for_url("**/staff/giessen/queues/")
    expect(page.locator("main table").first).to_contain_text("Abholung")
    assert_accessible(page)
    page.goto(page.url.replace("/queues/", "/kiosks/new/"))
    assert_accessible(page)
    page.locator("#id_name").fill("Eingang")
    page.get_by_role("button").filter(has_text="Speichern").click()
    page.wait_for_url("**/staff/giessen/queues/")
    page.get_by_role("link", name="Eingang").click()
    page.get_by_role("button", name="Neuen Schlüssel erstellen").click()
    expect(page.locator("main")).to_contain_text("Neuer Schlüssel für Eingang.")
    assert_accessible(page)
