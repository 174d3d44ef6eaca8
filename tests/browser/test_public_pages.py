import pytest

from tests.browser.conftest import assert_accessible
from tests.conftest import build_office

PAGES = {"office chooser": "", "office home": "giessen/", "accessibility": "accessibility/"}


@pytest.fixture
def offices(transactional_db):
    return [build_office("giessen"), build_office("darmstadt")]


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
@pytest.mark.parametrize("language", ["de", "ar"])
@pytest.mark.parametrize("page_name", PAGES)
def test_public_pages_have_no_serious_accessibility_violations(
    open_page, offices, page_name, language, viewport
):
    page = open_page(f"/{language}/{PAGES[page_name]}", viewport)
    direction = page.evaluate("getComputedStyle(document.body).direction")
    assert direction == ("rtl" if language == "ar" else "ltr")
    assert_accessible(page)


def test_language_switcher_works_with_the_keyboard_alone(open_page, offices):
    page = open_page("/de/giessen/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className").startswith("skip-link")
    summary = page.locator(".language-switcher summary")
    summary.focus()
    page.keyboard.press("Enter")
    arabic = page.get_by_role("link", name="العربية")
    arabic.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/ar/giessen/")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("document.documentElement.lang") == "ar"
    assert_accessible(page)


def test_skip_link_moves_focus_to_the_content(open_page, offices):
    page = open_page("/ar/giessen/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_easy_read_page_and_404_are_accessible(browser, live_server, offices):
    context = browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/de-x-ls/help/")
    assert page.evaluate("document.documentElement.lang") == "de-x-ls"
    assert_accessible(page)
    response = page.goto(f"{live_server.url}/ar/no-such-office/")
    assert response.status == 404
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert_accessible(page)
    context.close()
