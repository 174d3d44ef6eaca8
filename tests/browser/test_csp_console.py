"""Pages obey their own Content-Security-Policy: no CSP message in the browser's console (the
other browser tests bypass CSP to inject axe-core, so they would not see one)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

from schalter.accounts.actors import CLIENT
from schalter.visits import services as visits
from tests.browser.conftest import VIEWPORTS
from tests.conftest import build_office

MONDAY_9 = datetime(2031, 3, 3, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))


def _console_of(browser, url: str, reloads: int = 1) -> list[str]:
    context = browser.new_context(viewport=VIEWPORTS["phone"])
    page = context.new_page()
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    for _ in range(reloads):
        page.reload()
        page.wait_for_load_state("networkidle")
    context.close()
    return [m for m in messages if "Content Security Policy" in m or "Content-Security-Policy" in m]


def test_the_live_ticket_page_logs_no_csp_errors(browser, live_server, transactional_db):
    office = build_office("giessen")
    group = visits.service_group_create(
        office=office, name={"de": "Abholung"}, prefix="A", services=[], acting_user=CLIENT
    )
    with time_machine.travel(MONDAY_9, tick=False):
        issued = visits.ticket_issue_walk_in(
            office=office, group=group, now=MONDAY_9, acting_user=CLIENT
        )
    url = f"{live_server.url}/ar/giessen/ticket/{issued.token}/"
    assert _console_of(browser, url) == []


def test_public_pages_with_scripts_log_no_csp_errors(browser, live_server, transactional_db):
    from tests.conftest import make_bookable

    office = build_office("giessen")
    make_bookable(office)
    screen = visits.screen_create(office=office, name="Wartebereich", acting_user=CLIENT)
    for path in (
        "/ar/giessen/",
        "/fa-af/giessen/book/residence-permit/",
        "/de/giessen/queue/",
        f"/giessen/display/{screen.public_id}/",
    ):
        assert _console_of(browser, live_server.url + path) == [], path
