"""Service and office pages on a phone: accessible, right-to-left where needed, no JavaScript,
and small. Bytes are measured per page load and printed (run with -s to see the table).

The live test server serves static files uncompressed; WhiteNoise in production serves the
precompressed `.gz`/`.br` files that collectstatic writes. So each body is also gzipped here (level
9, as WhiteNoise does) to report what a browser would transfer with compression.
"""

import gzip

import pytest
from playwright.sync_api import Browser

from schalter.accounts.actors import COMMAND
from schalter.appointments import services as booking
from schalter.catalog.models import Service
from tests.browser.conftest import VIEWPORTS, assert_accessible
from tests.conftest import build_office, make_bookable

HTML_LIMIT = 50_000
LANGUAGES = ["de", "ar", "fa", "de-x-ls"]
PAGES = {"service": "giessen/services/residence-permit/", "office": "giessen/"}


@pytest.fixture
def described_office(transactional_db):
    office = build_office("giessen")
    make_bookable(office)
    Service.objects.filter(slug="residence-permit").update(
        summary={"de": "Eine Aufenthaltserlaubnis.", "ar": "تصريح إقامة."},
        audience={"de": "Für Menschen von außerhalb der EU."},
        legal_basis="§§ 16–38a AufenthG",
    )
    invited = Service.objects.create(slug="naturalisation", name={"de": "Einbürgerung"})
    booking.office_service_set(
        office=office,
        service=invited,
        duration_minutes=60,
        bookable_online=False,
        acting_user=COMMAND,
    )
    return office


def load_and_measure(browser: Browser, url: str) -> dict:
    """Open the page in a fresh context (empty cache) and sum the bodies of every response."""
    context = browser.new_context(viewport=VIEWPORTS["phone"])
    page = context.new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    rows = []
    for response in responses:
        body = response.body() if response.status < 300 else b""
        rows.append(
            {
                "url": response.url,
                "type": response.request.resource_type,
                "raw": len(body),
                "gzip": len(gzip.compress(body, compresslevel=9)) if body else 0,
            }
        )
    context.close()
    document = rows[0]
    return {
        "rows": rows,
        "html_raw": document["raw"],
        "html_gzip": document["gzip"],
        "total_raw": sum(r["raw"] for r in rows),
        "total_gzip": sum(r["gzip"] for r in rows),
        "scripts": [r["url"] for r in rows if r["type"] == "script"],
    }


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page_name", PAGES)
def test_service_and_office_pages_on_a_phone_are_accessible_small_and_script_free(
    browser, live_server, open_page, described_office, page_name, language
):
    path = f"/{language}/{PAGES[page_name]}"
    page = open_page(path, "phone")
    assert page.evaluate("document.documentElement.dir") == (
        "rtl" if language in ("ar", "fa") else "ltr"
    )
    assert page.evaluate("document.documentElement.lang") == language
    assert_accessible(page)
    ld = page.evaluate(
        "JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').textContent)"
    )
    assert ld["@type"] == ("GovernmentService" if page_name == "service" else "GovernmentOffice")

    figures = load_and_measure(browser, f"{live_server.url}{path}")
    print(
        f"\n{path}: HTML {figures['html_raw']:,} B ({figures['html_gzip']:,} B gzip); "
        f"whole page load {figures['total_raw']:,} B ({figures['total_gzip']:,} B gzip) "
        f"in {len(figures['rows'])} requests"
    )
    for row in figures["rows"]:
        print(f"    {row['type']:<10} {row['raw']:>9,} {row['gzip']:>9,}  {row['url']}")
    assert figures["scripts"] == []  # no ALTCHA, no JavaScript at all
    assert figures["html_raw"] < HTML_LIMIT
    # What a phone downloads on a first visit, compressed as production serves it; no web
    # fonts (the system's sans-serif), so the page stays small on prepaid data.
    assert figures["total_gzip"] < HTML_LIMIT


def test_documents_checklist_can_be_ticked_and_printed_without_script(open_page, described_office):
    page = open_page("/ar/giessen/services/residence-permit/", "phone")
    box = page.locator('.document-checklist input[type="checkbox"]').first
    page.locator(".document-checklist label").first.click()
    assert box.is_checked()
    page.emulate_media(media="print")
    assert page.locator(".site-header").is_hidden()
    assert page.locator(".document-checklist").is_visible()
