"""The ministry's figures page: one h1, each table captioned, the wide comparison in a labelled,
focusable scrolling region (WCAG 2.1.1 and 1.3.1 for scrolling regions)."""

import pytest
from bs4 import BeautifulSoup

from schalter.accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_the_heading_is_said_once_and_the_wide_table_scrolls_in_a_labelled_region(
    office, staff_client
):
    page = staff_client(None, Role.MINISTRY).get("/staff/figures/").content.decode()
    soup = BeautifulSoup(page, "html.parser")
    headings = [h.get_text(strip=True) for h in soup.select("main h1, main h2")]
    assert len(headings) == len(set(headings)), headings
    assert soup.select_one("#offices-now caption").get_text(strip=True)
    region = soup.select_one('[role="region"]:has(> #offices-compared)')
    assert region.get("tabindex") == "0"
    caption = soup.find(id=region["aria-labelledby"])
    assert caption.name == "caption" and caption.get_text(strip=True) not in headings
