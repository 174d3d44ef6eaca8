"""The call display in a browser: a caseworker calls a ticket and its number appears within
seconds, in the desk's colour; a reload does not show it as new again. axe-core checks the page."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from schalter.accounts.actors import CLIENT, COMMAND
from schalter.catalog.models import Service
from schalter.offices.models import Desk
from schalter.visits import services as visits
from tests.browser.conftest import assert_accessible
from tests.conftest import build_office

MONDAY_9 = datetime(2031, 3, 3, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))


@pytest.fixture
def waiting_room(transactional_db, make_staff):
    office = build_office("giessen")
    office.languages_served = ["tr", "ar"]
    office.save()
    group = visits.service_group_create(
        office=office,
        name={"de": "Aufenthalt", "tr": "Oturum"},
        prefix="B",
        services=[Service.objects.get(slug="card-pick-up")],
        acting_user=COMMAND,
    )
    visits.screen_create(
        office=office, name="Wartebereich", public_id="wartebereich", acting_user=COMMAND
    )
    with scopes_disabled():
        desk = Desk.objects.filter(office=office).order_by("number").first()
        desk.services.clear()  # a desk without services serves every group
    return {
        "office": office,
        "group": group,
        "desk": desk,
        "caseworker": make_staff(office, "caseworker"),
    }


def test_a_call_appears_in_the_desks_colour(open_page, waiting_room):
    office, desk = waiting_room["office"], waiting_room["desk"]
    with time_machine.travel(MONDAY_9, tick=True):
        ticket = visits.ticket_issue_walk_in(
            office=office, group=waiting_room["group"], now=MONDAY_9, acting_user=CLIENT
        ).ticket
        url = reverse("display", kwargs={"office": "giessen", "screen": "wartebereich"})
        page = open_page(url, "desktop")
        assert page.locator("#display-calls li").count() == 0
        assert_accessible(page)

        session = visits.desk_session_open(
            office=office,
            desk=desk,
            user=waiting_room["caseworker"],
            now=MONDAY_9,
            acting_user=waiting_room["caseworker"],
        )
        called = visits.ticket_call_next(
            desk_session=session, now=MONDAY_9 + timedelta(minutes=1), acting_user=COMMAND
        )
        assert called is not None and called.pk == ticket.pk

        call = page.locator("#display-calls li", has_text=ticket.code)
        expect(call).to_be_visible(timeout=3000)
        expect(call).to_have_class("display-call display-call--new")
        number = call.locator(f".desk-colour--{desk.colour}")
        expect(number).to_contain_text(str(desk.number))
        with translation.override("de"):
            colour_name = str(desk.palette_colour.name)  # "blau": named, not colour alone
        expect(call.locator(".desk-badge__name")).to_contain_text(colour_name)
        assert_accessible(page)

        # A reload shows the call, but not as new.
        page.reload()
        again = page.locator("#display-calls li", has_text=ticket.code)
        expect(again).to_have_count(1)
        expect(again).not_to_have_class("display-call display-call--new")
        page.wait_for_timeout(2500)  # one poll later
        expect(page.locator(".display-call--new")).to_have_count(0)
