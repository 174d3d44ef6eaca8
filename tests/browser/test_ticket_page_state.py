"""Issue 12: the live ticket page on the client's phone never contradicts its own state. While she
waits it may say that she can wait anywhere and that the page updates itself; once a desk calls
her (and when she is served, parked, finished or missed) it says where to go or what happened,
and nothing else: in the live update (WebSocket, no reload) and after a reload alike. Checked on
the visible text, in German and Arabic on a phone, with axe-core."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation
from django.utils.translation import gettext
from django_scopes import scopes_disabled
from playwright.sync_api import Page, expect

from schalter.accounts.actors import CLIENT, COMMAND
from schalter.catalog.models import Service
from schalter.offices.models import Desk
from schalter.visits import services as visits
from tests.browser.conftest import assert_accessible
from tests.browser.test_display_announce import asgi_url, open_at  # noqa: F401 (a fixture)
from tests.browser.test_staff_calendar import sign_in
from tests.conftest import build_office

MONDAY_9 = datetime(2031, 3, 3, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))

TURN = "It is your turn: go to desk %(number)s — %(colour)s — floor %(floor)s, room %(room)s"
# What only a waiting client may read.
WHILE_WAITING = (
    "This page updates itself every 20 seconds.",
    "Wait anywhere",
    "You do not need to stay in the waiting area. Leave your mobile number and we send you one "
    "text message when your turn is near.",
    "Your turn is near. Please stay in the waiting area.",
    "Your place in the queue",
    "Expected wait",
)


@pytest.fixture
def queue(transactional_db, make_staff):
    office = build_office("giessen")
    group = visits.service_group_create(
        office=office,
        name={"de": "Abholung", "ar": "الاستلام"},
        prefix="A",
        services=[Service.objects.get(slug="card-pick-up")],
        notify_when_ahead=0,
        acting_user=COMMAND,
    )
    with scopes_disabled():
        desk = Desk.objects.filter(office=office).order_by("number").first()
        desk.services.clear()  # a desk without services serves every group
    caseworker = make_staff(office, "caseworker")
    return {"office": office, "group": group, "desk": desk, "caseworker": caseworker}


def visible(page: Page) -> str:
    return page.locator("main").inner_text()


def assert_says_only(page: Page, language: str, expected: str) -> None:
    """The page says `expected` and none of what only a waiting client may read."""
    with translation.override(language):
        status = page.locator("#ticket-status")
        expect(status).to_contain_text(gettext(expected), timeout=5000)
        text = visible(page)
        for sentence in WHILE_WAITING:
            assert gettext(sentence) not in text, (language, expected, sentence)
    assert_accessible(page)


@pytest.mark.parametrize("language", ["de", "ar"])
def test_the_phone_page_follows_the_call_without_contradiction(
    browser,
    asgi_url,  # noqa: F811
    queue,
    language,
):
    office, group, desk = queue["office"], queue["group"], queue["desk"]
    with time_machine.travel(MONDAY_9, tick=True):
        _first, mine = (
            visits.ticket_issue_walk_in(
                office=office, group=group, now=MONDAY_9, language=language, acting_user=CLIENT
            )
            for _ in range(2)
        )
        phone = open_at(browser, f"{asgi_url}/{language}/giessen/ticket/{mine.token}/", "phone")
        with translation.override(language):
            text = visible(phone)
            assert gettext("This page updates itself every 20 seconds.") in text
            assert gettext("Wait anywhere") in text  # one client ahead: she may go for a walk
        assert_accessible(phone)

        desk_page = staff_at_desk(browser, asgi_url, queue)
        press(desk_page, "call_next")
        press(desk_page, "no_show")
        press(desk_page, "call_next")

        # Called: live, then after a reload, the page says where to go and nothing else.
        turn = (
            "It is your turn: go to desk %(number)s — %(colour)s — floor %(floor)s, room %(room)s"
        )
        with translation.override(language):
            where = gettext(turn).split("%(number)s")[0].strip()
        assert_says_only(phone, language, where)
        expect(phone.locator("#ticket-status .kern-alert")).to_contain_text(str(desk.number))
        phone.reload()
        assert_says_only(phone, language, where)

        steps = (
            ("start", "You are being served."),
            ("park", "Please come back to the desk when you have what was asked for."),
            ("recall", where),
            ("no_show", "We called you but you did not come. Please ask at the front desk."),
        )
        for action, says in steps:
            press(desk_page, action)
            assert_says_only(phone, language, says)
            phone.reload()
            assert_says_only(phone, language, says)


def staff_at_desk(browser, base: str, queue: dict) -> Page:
    """The caseworker's desk page, signed in, her desk taken."""
    user = queue["caseworker"]
    visits.desk_session_open(
        office=queue["office"], desk=queue["desk"], user=user, now=MONDAY_9, acting_user=user
    )
    staff = open_at(browser, f"{base}/staff/giessen/desk/", "desktop", locale="de-DE")
    sign_in(staff, user)
    staff.wait_for_url("**/staff/giessen/desk/")
    return staff


def press(staff: Page, action: str) -> None:
    """Press the desk page's button for `action` (the first, for "call again")."""
    button = staff.locator(f"form:has(input[name=action][value={action}]) button").first
    with staff.expect_response(lambda r: r.request.method == "POST") as posted:
        button.click()
    assert posted.value.status == 302
    staff.wait_for_load_state()


def test_a_finished_visit_says_so(browser, asgi_url, queue):  # noqa: F811
    office, group = queue["office"], queue["group"]
    with time_machine.travel(MONDAY_9, tick=True):
        mine = visits.ticket_issue_walk_in(
            office=office, group=group, now=MONDAY_9, language="de", acting_user=CLIENT
        )
        phone = open_at(browser, f"{asgi_url}/de/giessen/ticket/{mine.token}/", "phone")
        desk_page = staff_at_desk(browser, asgi_url, queue)
        press(desk_page, "call_next")
        press(desk_page, "start")
        press(desk_page, "finish")
        assert_says_only(phone, "de", "Your visit is finished. Thank you.")
        phone.reload()
        assert_says_only(phone, "de", "Your visit is finished. Thank you.")
