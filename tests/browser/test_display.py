"""The call display in a browser: a caseworker calls a ticket and its number appears within
seconds, in the desk's colour; a reload does not show it as new again. axe-core checks the page."""

import itertools
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


# --- labels in several languages, colours named in each (issue 12) ------------------------------
# Each label in its own language and direction on a line of its own, so an Arabic and a German
# label never run into each other; long German words break with hyphens; a desk's colour is named
# in the display's languages, as rendered and in calls that arrive live; desktop and a portrait
# kiosk-sized screen.

LABELS = """() => { const parents = new Map();
  return [...document.querySelectorAll('.display-label')].map((label) => {
  if (!parents.has(label.parentElement)) parents.set(label.parentElement, parents.size);
  const box = label.getBoundingClientRect();
  const style = getComputedStyle(label);
  return {lang: label.getAttribute('lang'), dir: label.getAttribute('dir'), text: label.textContent,
          parent: parents.get(label.parentElement),
          top: box.top, bottom: box.bottom, hyphens: style.hyphens};
}); }"""

CELLS = """() => [...document.querySelectorAll('.display-groups th, .display-groups td')]
  .filter((cell) => cell.scrollWidth > cell.clientWidth + 1).map((cell) => cell.textContent)"""


def colour_names(desk, languages):
    names = {}
    for code in languages:
        with translation.override(code):
            names[code] = f"{desk.palette_colour.name}, "
    return names


@pytest.mark.parametrize("viewport", ["desktop", "kiosk-portrait"])
def test_display_labels_in_their_own_languages_and_colours_named_in_each(
    open_page, waiting_room, viewport
):
    office, desk = waiting_room["office"], waiting_room["desk"]
    group = waiting_room["group"]
    group.name = {"de": "Aufenthaltserlaubnisverlängerungsantrag", "tr": "Oturum"}
    group.save(update_fields=["name"])
    url = reverse("display", kwargs={"office": "giessen", "screen": "wartebereich"})
    with time_machine.travel(MONDAY_9, tick=True):
        ticket = visits.ticket_issue_walk_in(
            office=office, group=group, now=MONDAY_9, acting_user=CLIENT
        ).ticket
        page = open_page(url, viewport)
        labels = page.evaluate(LABELS)
        assert {label["lang"] for label in labels} >= {"de", "tr", "ar"}
        for label in labels:
            assert label["dir"] == ("rtl" if label["lang"] == "ar" else "ltr"), label
            assert label["hyphens"] == "auto", label
        # One line each: a label starts below the one before it in the same heading.
        for before, after in itertools.pairwise(labels):
            if before["parent"] == after["parent"]:
                assert after["top"] >= before["bottom"] - 1, (before, after)
        assert page.evaluate(CELLS) == []  # the long German name breaks inside its cell
        # ... with a hyphen (soft hyphens: Chromium on Linux has no hyphenation dictionary)
        name = page.locator(".display-groups tbody th").first
        assert "\u00ad" in name.text_content()
        assert (
            page.evaluate(
                "getComputedStyle(document.querySelector('.display-groups tbody th')).hyphens"
            )
            == "auto"
        )

        session = visits.desk_session_open(
            office=office,
            desk=desk,
            user=waiting_room["caseworker"],
            now=MONDAY_9,
            acting_user=waiting_room["caseworker"],
        )
        visits.ticket_call_next(
            desk_session=session, now=MONDAY_9 + timedelta(minutes=1), acting_user=COMMAND
        )
        expected = colour_names(desk, ["de", "tr", "ar"])
        for shown in ("live", "rendered"):
            call = page.locator("#display-calls li", has_text=ticket.code)
            expect(call).to_be_visible(timeout=5000)
            for code, name in expected.items():
                label = call.locator(f".desk-badge__name .display-label[lang='{code}']")
                expect(label).to_contain_text(name.rstrip(", "))
                assert label.get_attribute("dir") == ("rtl" if code == "ar" else "ltr"), shown
            assert_accessible(page)
            page.reload()
