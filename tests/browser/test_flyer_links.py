"""Flyers are linked where clients and staff look for them (issue 12, item 5): the office and
service pages link the flyer in the page's language and with German beside it; the staff office
page links the flyer and the signs. Each link answers with a PDF (from the per-parameter cache)."""

from playwright.sync_api import expect

from schalter.accounts.roles import Role
from tests.browser.conftest import assert_accessible
from tests.browser.test_staff_calendar import sign_in
from tests.conftest import build_office, make_bookable


def _pdf_at(page, href: str) -> bool:
    origin = "/".join(page.url.split("/")[:3])
    response = page.request.get(origin + href, timeout=120_000)
    return response.status == 200 and response.body()[:5] == b"%PDF-"


def test_flyers_and_signs_are_linked_and_served(open_page, make_staff, transactional_db):
    office = build_office("giessen")
    make_bookable(office)
    client = open_page("/ar/giessen/", "phone", locale="ar")
    links = client.locator(".flyer-links a")
    expect(links).to_have_count(2)
    assert links.nth(0).get_attribute("href") == "/ar/giessen/flyer.pdf"
    assert links.nth(1).get_attribute("href") == "/ar/giessen/flyer.pdf?pair=1"
    assert_accessible(client)
    assert _pdf_at(client, links.nth(1).get_attribute("href"))

    client.goto(client.url.replace("/ar/giessen/", "/ar/giessen/services/residence-permit/"))
    service_flyer = client.locator(".flyer-links a").first
    assert service_flyer.get_attribute("href") == (
        "/ar/giessen/services/residence-permit/flyer.pdf"
    )
    assert _pdf_at(client, service_flyer.get_attribute("href"))

    german = open_page("/de/giessen/", "desktop", locale="de-DE")
    expect(german.locator(".flyer-links a")).to_have_count(1)  # German needs no second column

    admin = make_staff(office, Role.OFFICE_ADMIN)
    staff = open_page("/staff/giessen/", "desktop", locale="de-DE")
    sign_in(staff, admin)
    staff.wait_for_url("**/staff/giessen/")
    printed = staff.locator(".printed-material a")
    expect(printed).to_have_count(3)
    assert [printed.nth(i).get_attribute("href") for i in range(3)] == [
        "/de/giessen/flyer.pdf",
        "/giessen/signs/desks.pdf",
        "/giessen/signs/floors.pdf",
    ]
    assert_accessible(staff)
    assert _pdf_at(staff, "/giessen/signs/floors.pdf")
