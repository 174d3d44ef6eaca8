"""Playwright driving Debian's Chromium, and an axe-core check for every page a test opens."""

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORTS = {
    "phone": {"width": 390, "height": 844},
    "desktop": {"width": 1280, "height": 800},
    # Kiosk screens, standing and lying (issue 12).
    "kiosk-portrait": {"width": 1080, "height": 1920},
    "kiosk-landscape": {"width": 1920, "height": 1080},
}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


# `browser` (one Chromium per test process) lives in tests/conftest.py: a second sync Playwright
# in the same process fails inside the first one's event loop.


@pytest.fixture
def open_page(browser, live_server):
    """open_page(path, viewport="phone") -> a Page at the live server, in a fresh context."""
    contexts = []

    def open_(path: str, viewport: str = "phone", **context_options) -> Page:
        # axe-core is injected as a script; the page's own CSP would refuse it.
        context = browser.new_context(
            viewport=VIEWPORTS[viewport], bypass_csp=True, **context_options
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)  # the machine may be busy (CI, benchmarks)
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.ok, (path, response and response.status)
        return page

    yield open_
    for context in contexts:
        context.close()


def axe_violations(page: Page, impacts=("serious", "critical")) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in impacts
    ]


def assert_accessible(page: Page) -> None:
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, indent=1, ensure_ascii=False)
