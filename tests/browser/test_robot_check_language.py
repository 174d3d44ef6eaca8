"""The robot check speaks the page's language, right to left where the page is (issue 12,
item 3). Before, the widget (ALTCHA 3) ignored the strings the page handed it and said "I'm not
a robot" and "Verified" in English, laid out left to right inside Arabic pages."""

from django.utils import translation
from playwright.sync_api import expect

from schalter.languages import LANGUAGE_CODES, LANGUAGE_CODES_BIDI
from tests.browser.conftest import assert_accessible
from tests.conftest import build_office, make_bookable


def test_the_robot_check_speaks_every_public_language(open_page, transactional_db):
    office = build_office("giessen")
    make_bookable(office)
    page = open_page("/de/giessen/book/residence-permit/", "phone")
    details = page.locator("a.time-choice").first.get_attribute("href")
    origin = "/".join(page.url.split("/")[:3])
    for code in LANGUAGE_CODES:
        page.goto(origin + details.replace("/de/", f"/{code}/", 1))
        label = page.locator("altcha-widget label").first
        with translation.override(code):
            expected = translation.gettext("I am not a robot")
            checked = translation.gettext("Checked")
        expect(label).to_have_text(expected)
        direction = label.evaluate("element => getComputedStyle(element).direction")
        assert direction == ("rtl" if code in LANGUAGE_CODES_BIDI else "ltr"), code
        if code in ("ar", "fa-af", "de-x-ls"):
            page.locator("altcha-widget input[type=checkbox]").focus()  # as a keyboard user
            page.keyboard.press("Space")
            expect(label).to_have_text(checked, timeout=30000)
            assert_accessible(page)
