"""Wait anywhere on the phone, in Arabic: a wrong number is refused next to the field, a right
one is confirmed and can be taken back. axe-core checks each state of the page."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django_scopes import scopes_disabled

from schalter.accounts.actors import CLIENT, COMMAND
from schalter.catalog.models import Service
from schalter.visits import services as visits
from schalter.visits.models import Ticket
from tests.browser.conftest import assert_accessible
from tests.conftest import build_office

MONDAY_9 = datetime(2031, 3, 3, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))


@pytest.fixture
def sixth_in_line(transactional_db):
    office = build_office("giessen")
    group = visits.service_group_create(
        office=office,
        name={"de": "Abholung", "ar": "الاستلام"},
        prefix="A",
        services=[Service.objects.get(slug="card-pick-up")],
        acting_user=COMMAND,
    )
    with time_machine.travel(MONDAY_9, tick=False):
        issued = [
            visits.ticket_issue_walk_in(
                office=office, group=group, now=MONDAY_9, language="ar", acting_user=CLIENT
            )
            for _ in range(6)
        ]
    return issued[-1]


def test_leave_a_number_in_arabic(open_page, sixth_in_line, sms_gateway):
    page = open_page(f"/ar/giessen/ticket/{sixth_in_line.token}/", "phone")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    phone = page.locator("#notify-phone")
    phone.fill("12")
    page.locator("button[name=action][value=set]").click()
    page.wait_for_selector("#notify-phone-error")
    assert page.locator("#notify-phone").get_attribute("aria-invalid") == "true"
    assert_accessible(page)

    page.locator("#notify-phone").fill("0151 23456789")
    page.locator("button[name=action][value=set]").click()
    page.wait_for_selector("button[name=action][value=withdraw]")
    assert_accessible(page)
    with scopes_disabled():
        assert Ticket.objects.get(pk=sixth_in_line.ticket.pk).notify_phone == "+4915123456789"

    page.locator("button[name=action][value=withdraw]").click()
    page.wait_for_selector("#notify-phone")
    with scopes_disabled():
        assert Ticket.objects.get(pk=sixth_in_line.ticket.pk).notify_phone == ""
    assert sms_gateway.received == []
