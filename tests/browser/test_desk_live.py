"""Issue 12: the desk page's waiting count is live like the call display: when the kiosk issues a
ticket for a queue the desk calls from, or another desk calls one, the count changes within
seconds and without a reload, pushed over the desk page's WebSocket (its 10-second poll only
backs the socket up). The pages come from Daphne (tests/browser/test_display_announce.py)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django_scopes import scopes_disabled
from playwright.sync_api import Page, expect

from schalter.accounts.actors import COMMAND
from schalter.catalog.models import Service
from schalter.offices.models import Desk
from schalter.visits import services as visits
from tests.browser.conftest import VIEWPORTS, assert_accessible
from tests.browser.test_display_announce import asgi_url, open_at  # noqa: F401 (a fixture)
from tests.browser.test_staff_calendar import sign_in
from tests.conftest import build_office

MONDAY_9 = datetime(2031, 3, 3, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))
LIVE_SECONDS = 4  # the socket's news plus up to 2 s of spread; the poll would take 10


@pytest.fixture
def two_desks(transactional_db, make_staff):
    office = build_office("giessen")
    card = Service.objects.get(slug="card-pick-up")
    permit = Service.objects.get_or_create(
        slug="residence-permit", defaults={"name": {"de": "Aufenthaltserlaubnis"}}
    )[0]
    visits.service_group_create(
        office=office, name={"de": "Abholung"}, prefix="A", services=[card], acting_user=COMMAND
    )
    visits.service_group_create(
        office=office, name={"de": "Aufenthalt"}, prefix="B", services=[permit], acting_user=COMMAND
    )
    with scopes_disabled():
        desks = list(Desk.objects.filter(office=office).order_by("number"))
        desks[0].services.set([card])  # desk 1: card pick-up only
        desks[1].services.clear()  # desk 2: every queue
    _kiosk, key = visits.kiosk_create(
        office=office, name="Eingang", public_id="eingang", acting_user=COMMAND
    )
    return {"office": office, "desks": desks, "key": key}


def desk_page(browser, base: str, office, desk, user) -> Page:
    visits.desk_session_open(office=office, desk=desk, user=user, now=MONDAY_9, acting_user=user)
    page = open_at(browser, f"{base}/staff/giessen/desk/", "desktop", locale="de-DE")
    with page.expect_websocket() as opened:
        sign_in(page, user)
        page.wait_for_url("**/staff/giessen/desk/")
    assert opened.value.url.endswith("/ws/giessen/desk/")
    return page


def take_ticket(kiosk: Page, group: str) -> None:
    kiosk.goto(kiosk.url.split("/ticket/")[0].split("?")[0] + "?lang=de")
    kiosk.get_by_role("button", name=group).first.click()
    kiosk.wait_for_url("**/kiosk/eingang/ticket/**")


def test_the_waiting_count_follows_kiosk_and_other_desks_live(
    browser,
    asgi_url,  # noqa: F811
    two_desks,
    make_staff,
):
    office, (first, second, *_rest) = two_desks["office"], two_desks["desks"]
    with time_machine.travel(MONDAY_9, tick=True):
        mine = desk_page(browser, asgi_url, office, first, make_staff(office, "caseworker"))
        count = mine.locator("#desk-queues")
        expect(count).to_have_text("Warteschlangen: Abholung (0)")
        assert_accessible(mine)

        kiosk_path = reverse("kiosk", kwargs={"office": "giessen", "kiosk": "eingang"})
        kiosk = open_at(browser, f"{asgi_url}{kiosk_path}?key={two_desks['key']}", "desktop")
        take_ticket(kiosk, "Abholung")
        expect(count).to_have_text("Warteschlangen: Abholung (1)", timeout=LIVE_SECONDS * 1000)
        expect(mine.locator("#desk-waiting")).to_have_text("1 Person wartet")
        take_ticket(kiosk, "Abholung")
        expect(count).to_have_text("Warteschlangen: Abholung (2)", timeout=LIVE_SECONDS * 1000)

        # The other desk calls one of them: this desk's count goes down by itself.
        other = desk_page(browser, asgi_url, office, second, make_staff(office, "caseworker"))
        other.locator("form:has(input[value=call_next]) button").click()
        expect(other.locator("main")).to_contain_text("A-001")
        expect(count).to_have_text("Warteschlangen: Abholung (1)", timeout=LIVE_SECONDS * 1000)
        expect(mine.locator("#desk-waiting")).to_have_text("1 Person wartet")
        assert_accessible(mine)

        # The same desk page on a phone in Arabic: right to left and axe-clean.
        phone = mine.context.new_page()
        phone.set_viewport_size(VIEWPORTS["phone"])
        phone.context.add_cookies([{"name": "schalter_language", "value": "ar", "url": asgi_url}])
        phone.goto(f"{asgi_url}/staff/giessen/desk/")
        assert phone.evaluate("document.documentElement.dir") == "rtl"
        expect(phone.locator("#desk-queues")).to_contain_text("(1)")
        assert_accessible(phone)
