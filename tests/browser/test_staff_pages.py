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
