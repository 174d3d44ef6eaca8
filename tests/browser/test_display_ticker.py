"""The call display's notices ticker and QR code in a browser: each text carries its language and
direction, the texts change in place and can be paused from the keyboard, an edit reaches the
running display, and the page stays axe-core clean."""

import time

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from schalter.accounts.actors import COMMAND
from schalter.content.services import office_notice_create, office_notice_update
from schalter.visits import services as visits
from tests.browser.conftest import assert_accessible
from tests.conftest import build_office

ROTATE_MS = 8000


@pytest.fixture
def display_url(transactional_db):
    office = build_office("giessen")
    office.languages_served = ["tr", "ar"]
    office.save()
    visits.screen_create(
        office=office, name="Wartebereich", public_id="wartebereich", acting_user=COMMAND
    )
    notice = office_notice_create(
        office=office,
        texts={
            "de": "Die Kasse schließt heute um 12 Uhr.",
            "ar": "يغلق الصندوق اليوم الساعة 12.",
            "fa-af": "صندوق امروز ساعت ۱۲ بسته می‌شود.",
        },
        acting_user=COMMAND,
    )
    return {
        "url": reverse("display", kwargs={"office": "giessen", "screen": "wartebereich"}),
        "notice": notice,
    }


def test_the_ticker_rotates_languages_in_place_and_can_be_paused(open_page, display_url):
    page = open_page(display_url["url"], "desktop")
    text = page.locator("#display-ticker-text")
    expect(text).to_have_text("Die Kasse schließt heute um 12 Uhr.")
    expect(text).to_have_attribute("lang", "de")
    expect(text).to_have_attribute("dir", "ltr")
    expect(page.locator(".display-qr svg")).to_be_visible()
    pause = page.locator("#display-ticker-pause")
    expect(pause).to_be_visible()
    assert_accessible(page)

    # Fake timers from here on, so eight seconds pass at once.
    page.clock.install()
    page.reload()
    page.clock.run_for(ROTATE_MS + 100)
    expect(text).to_have_text("يغلق الصندوق اليوم الساعة 12.")
    expect(text).to_have_attribute("lang", "ar")
    expect(text).to_have_attribute("dir", "rtl")
    page.clock.run_for(ROTATE_MS)
    expect(text).to_have_attribute("lang", "fa-AF")
    expect(text).to_have_attribute("dir", "rtl")
    text.evaluate("node => Promise.all(node.getAnimations().map(a => a.finished))")  # faded in
    assert_accessible(page)

    # The pause button is reached with the keyboard and stops the rotation.
    pause.focus()
    page.keyboard.press("Enter")
    expect(pause).to_have_attribute("aria-pressed", "true")
    page.clock.run_for(3 * ROTATE_MS)
    expect(text).to_have_attribute("lang", "fa-AF")
    page.keyboard.press("Space")
    expect(pause).to_have_attribute("aria-pressed", "false")
    page.clock.run_for(ROTATE_MS)
    expect(text).to_have_attribute("lang", "de")  # round again, German first

    # An edit reaches the running display with its next poll.
    office_notice_update(
        notice=display_url["notice"],
        texts={"de": "Heute keine Barzahlung."},
        active_from=None,
        active_until=None,
        position=0,
        acting_user=COMMAND,
    )
    # The fake clock moves a second at a time with real time between, for the poll's request
    # has a real server behind it: one jump of 16 s would also fire the request's 8 s abort
    # before a busy server answered.
    for _second in range(40):
        page.clock.run_for(1000)
        time.sleep(0.2)
        if text.text_content() == "Heute keine Barzahlung.":
            break
    expect(text).to_have_text("Heute keine Barzahlung.")
    expect(pause).to_be_hidden()  # one text: nothing to pause


def test_with_reduced_motion_the_text_changes_without_fading(open_page, display_url):
    page = open_page(display_url["url"], "desktop", reduced_motion="reduce")
    page.clock.install()
    page.reload()
    page.clock.run_for(ROTATE_MS + 100)
    text = page.locator("#display-ticker-text")
    expect(text).to_have_attribute("lang", "ar")
    expect(text).to_have_class("display-ticker__text display-ticker__text--fresh")
    assert text.evaluate("node => getComputedStyle(node).animationName") == "none"


@pytest.mark.parametrize("language", ["de", "ar"])
def test_the_queue_page_behind_the_qr_code_is_accessible(open_page, display_url, language):
    from schalter.offices.selectors import office_by_slug

    visits.service_group_create(
        office=office_by_slug("giessen"),
        name={"de": "Abholung"},
        prefix="A",
        services=[],
        acting_user=COMMAND,
    )
    page = open_page(f"/{language}/giessen/queue/")
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    assert_accessible(page)
