"""Issue 12 in a browser. Item 2: the desk picker says which queues each desk serves, and the
desk page counts only what "call next" can reach, live. Item 6: the kiosk's ticket page, the phone's
page and the call display tell the newest ticket's wait in the same words, never "about 0
minutes". axe-core checks each page."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from schalter.accounts.actors import CLIENT, COMMAND
from schalter.catalog.models import Service
from schalter.offices.models import Desk
from schalter.visits import services as visits
from tests.browser.conftest import assert_accessible
from tests.conftest import build_office, sign_in

MONDAY_9 = datetime(2031, 3, 3, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))


@pytest.fixture
def office_with_two_queues(transactional_db, make_staff):
    office = build_office("giessen")
    card = Service.objects.get(slug="card-pick-up")
    permit = Service.objects.get_or_create(
        slug="residence-permit", defaults={"name": {"de": "Aufenthaltserlaubnis"}}
    )[0]
    pick_up = visits.service_group_create(
        office=office, name={"de": "Abholung"}, prefix="A", services=[card], acting_user=COMMAND
    )
    permits = visits.service_group_create(
        office=office, name={"de": "Aufenthalt"}, prefix="B", services=[permit], acting_user=COMMAND
    )
    with scopes_disabled():
        desks = list(Desk.objects.filter(office=office).order_by("number"))
        desks[0].services.set([card])  # desk 1: card pick-up only
        for desk in desks[1:]:
            desk.services.clear()  # the others serve every queue
    return {
        "office": office,
        "A": pick_up,
        "B": permits,
        "desks": desks,
        "caseworker": make_staff(office, "caseworker"),
    }


def signed_in_page(open_page, live_server, user, path: str):
    client = sign_in(Client(), user)
    page = open_page("/", "desktop", locale="de-DE")
    page.context.add_cookies(
        [{"name": n, "value": m.value, "url": live_server.url} for n, m in client.cookies.items()]
    )
    page.goto(live_server.url + path)
    return page


def test_the_desk_shows_what_it_can_call(open_page, live_server, office_with_two_queues):
    setup = office_with_two_queues
    with time_machine.travel(MONDAY_9, tick=True):
        for group in ("A", "B", "B"):
            visits.ticket_issue_walk_in(
                office=setup["office"], group=setup[group], now=MONDAY_9, acting_user=CLIENT
            )
        page = signed_in_page(open_page, live_server, setup["caseworker"], "/staff/giessen/desk/")
        first, second = setup["desks"][:2]
        expect(page.locator(f"#desk-{first.pk}-queues")).to_have_text("Warteschlangen: Abholung")
        expect(page.locator(f"#desk-{second.pk}-queues")).to_have_text(
            "Warteschlangen: Abholung, Aufenthalt"
        )
        assert_accessible(page)

        page.locator(f"label[for=desk-{first.pk}]").click()
        page.get_by_role("button", name="Diesen Platz besetzen").click()
        expect(page.locator("main")).to_contain_text("1 Person wartet")
        expect(page.locator("#desk-queues")).to_have_text("Warteschlangen: Abholung (1)")
        assert_accessible(page)

        # A client joins this desk's queue: the count follows without a reload.
        page.clock.install()
        page.reload()
        visits.ticket_issue_walk_in(
            office=setup["office"], group=setup["A"], now=MONDAY_9, acting_user=CLIENT
        )
        page.clock.run_for(11_000)
        expect(page.locator("#desk-queues")).to_have_text("Warteschlangen: Abholung (2)")
        expect(page.locator("main")).to_contain_text("2 Personen warten")

        for code in ("A-001", "A-002"):
            page.get_by_role("button", name="Nächste Person aufrufen").click()
            expect(page.locator("main")).to_contain_text(code)
            page.get_by_role("button", name="Nicht erschienen").click()
        # Two clients wait for a residence permit, none of them for this desk.
        expect(page.locator("main")).to_contain_text("0 Personen warten")
        page.get_by_role("button", name="Nächste Person aufrufen").click()
        expect(page.locator("main")).to_contain_text("Niemand wartet.")
        expect(page.locator("main")).to_contain_text("0 Personen warten")


def test_ticket_phone_and_display_tell_one_wait(open_page, office_with_two_queues):
    setup = office_with_two_queues
    office = setup["office"]
    visits.screen_create(office=office, name="Alle", public_id="alle", acting_user=COMMAND)
    _kiosk, key = visits.kiosk_create(
        office=office, name="Eingang", public_id="eingang", acting_user=COMMAND
    )
    visits.desk_session_open(
        office=office,
        desk=setup["desks"][1],
        user=setup["caseworker"],
        now=MONDAY_9,
        acting_user=setup["caseworker"],
    )
    display_url = reverse("display", kwargs={"office": "giessen", "screen": "alle"})
    kiosk_url = reverse("kiosk", kwargs={"office": "giessen", "kiosk": "eingang"})
    with time_machine.travel(MONDAY_9, tick=True):
        kiosk = open_page(f"{kiosk_url}?key={key}", "desktop")
        for expected in ("Sie sind als Nächstes an der Reihe", None):
            kiosk.goto(f"{kiosk.url.split('?')[0]}?lang=de")
            kiosk.get_by_role("button", name="Abholung").first.click()
            kiosk.wait_for_url("**/kiosk/eingang/ticket/**")
            wait = kiosk.locator("dt:text-is('Voraussichtliche Wartezeit') + dd").inner_text()
            if expected:
                assert wait == expected
            else:
                assert wait.startswith("etwa ") and wait.endswith(" Minuten"), wait
            assert " 0 Minuten" not in kiosk.locator("main").inner_text()
            assert_accessible(kiosk)
            token = kiosk.url.split("/ticket/")[1].split("/")[0]
            phone = open_page(f"/de/giessen/ticket/{token}/", "phone")
            expect(phone.locator("dt:text-is('Voraussichtliche Wartezeit') + dd")).to_have_text(
                wait if expected is None else expected
            )
            display = open_page(display_url, "desktop")
            row = display.locator("#display-groups tr", has_text="Abholung")
            if expected is None:  # the newest ticket is the last in line: the display agrees
                expect(row.locator("td").nth(1)).to_have_text(wait)
            else:
                expect(row.locator("td").nth(1)).to_have_text("wenige Minuten")
            kiosk.goto(kiosk.url.split("/ticket/")[0] + "/")
            visits.ticket_issue_walk_in(
                office=office, group=setup["A"], now=MONDAY_9, acting_user=CLIENT
            )
