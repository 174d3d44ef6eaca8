"""In the browser (issue 13): the office admin changes Saturday's hours, the public office page
and a freshly made flyer show them, and the audit log says so in words and exports it as CSV;
the operator's pages. Every page axe-clean."""

import csv
import io

import pytest
from django.utils import translation
from playwright.sync_api import expect

from schalter.accounts import audit_words
from schalter.accounts.models import AuditEvent
from schalter.accounts.roles import Role
from tests.browser.conftest import assert_accessible
from tests.browser.test_staff_calendar import sign_in
from tests.conftest import build_office
from tests.printing.conftest import pdf_text


def test_saturday_hours_reach_the_public_page_the_flyer_and_the_audit_log(
    open_page, make_staff, transactional_db
):
    pytest.importorskip("weasyprint")
    office = build_office("giessen")
    admin = make_staff(office, Role.OFFICE_ADMIN)
    page = open_page("/staff/giessen/hours/", "desktop", locale="de-DE")
    sign_in(page, admin)
    page.wait_for_url("**/staff/giessen/hours/")
    assert_accessible(page)
    weekly = page.locator("form:has(input[name=action][value=weekly])")

    # A bad entry: the field says what is wrong, and nothing is saved.
    page.locator("#id_day_5").fill("09:00-13:00, 12:00-14:00")
    weekly.locator("button[type=submit]").click()
    expect(page.locator("#id_day_5")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_day_5-error")).to_be_visible()
    assert_accessible(page)

    page.locator("#id_day_5").fill("09:00-13:00")
    weekly.locator("button[type=submit]").click()
    page.wait_for_url("**/staff/giessen/hours/")
    expect(page.locator("#id_day_5")).to_have_value("09:00-13:00")
    assert_accessible(page)

    public = page.context.new_page()
    public.goto(page.url.split("/staff/")[0] + "/de/giessen/")
    saturday = public.locator("table.opening-hours tr", has_text="Samstag")
    expect(saturday).to_contain_text("09:00")
    expect(saturday).to_contain_text("13:00")
    assert_accessible(public)

    flyer = page.context.request.get(page.url.split("/staff/")[0] + "/de/giessen/flyer.pdf")
    assert flyer.ok and flyer.headers["content-type"] == "application/pdf"
    text = pdf_text(flyer.body())
    assert "Samstag" in text and "09:00–13:00" in text

    page.goto(page.url.replace("/hours/", "/audit/"))
    assert_accessible(page)
    event = AuditEvent.objects.filter(office=office, action="offices.hours.set").latest("at")
    with translation.override("de"):
        words = audit_words.in_words(event)
    assert "Test Person" in words
    expect(page.locator("table.audit-log")).to_contain_text(words)
    page.locator("#id_kind").select_option("offices")
    page.locator("form.audit-filter button[type=submit]").click()
    expect(page.locator("table.audit-log")).to_contain_text(words)
    assert_accessible(page)
    export = page.locator("form.audit-filter a[href*='export.csv']").get_attribute("href")
    answer = page.context.request.get(page.url.split("/staff/")[0] + export)
    assert answer.ok and answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.body().decode("utf-8-sig"))))
    assert any(row[2] == words and row[3] == "offices.hours.set" for row in rows[1:])
    assert all(row[3].startswith("offices.") for row in rows[1:])


def test_the_operator_sets_up_an_office_and_is_told_a_reserved_name(
    open_page, make_staff, transactional_db
):
    build_office("giessen")
    operator = make_staff(None, Role.OPERATOR)
    page = open_page("/staff/installation/", "desktop", locale="de-DE")
    sign_in(page, operator)
    page.wait_for_url("**/staff/installation/")
    assert_accessible(page)
    page.goto(page.url + "offices/new/")
    assert_accessible(page)
    values = {
        "#id_slug": "login",
        "#id_name": "Ausländerbehörde Wiesbaden",
        "#id_street": "Schillerplatz 1",
        "#id_postcode": "65185",
        "#id_city": "Wiesbaden",
        "#id_phone": "0611 313456",
        "#id_email": "abh@wiesbaden.example",
        "#id_admin_email": "anna.berg@wiesbaden.example",
    }
    for selector, value in values.items():
        page.locator(selector).fill(value)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#id_slug")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_slug-error")).to_contain_text("login")
    assert_accessible(page)
    page.locator("#id_slug").fill("wiesbaden")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/staff/installation/offices/wiesbaden/")
    assert_accessible(page)
    page.locator("form:has(input[name=action][value=suspend]) button").click()
    page.wait_for_url("**/staff/installation/offices/wiesbaden/")
    expect(page.locator("form:has(input[name=action][value=resume])")).to_be_visible()
    assert_accessible(page)
