"""The Bilanz downloaded from the pages: a team lead's of the office and the ministry's of all
offices, read back with pdftotext; both pages axe-clean."""

from pathlib import Path

from schalter.accounts.roles import Role
from tests.browser.conftest import assert_accessible
from tests.browser.test_insights import PERIOD, history
from tests.browser.test_planning import sign_in_any
from tests.conftest import build_office, german
from tests.printing.conftest import pdf_text

# Six walk-ins issued at 9:00 … 9:05 and called at 9:10 … 9:35: waits of 10, 14, …, 30 minutes;
# the median is the 3rd of six (18), the p90 the 6th (30).
SUMMARY = (
    "Half of the %(count)s clients waited at most %(median)s minutes, nine in ten at "
    "most %(p90)s minutes."
)


def download(page) -> str:
    with page.expect_download() as got:
        page.locator("#bilanz-download").click()
    return pdf_text(Path(got.value.path()).read_bytes())


def test_lead_and_ministry_download_their_bilanz(open_page, make_staff, transactional_db):
    office = build_office("giessen")
    history(office, make_staff)
    page = open_page(f"/staff/giessen/insights/{PERIOD}", "desktop", locale="de-DE")
    sign_in_any(page, make_staff(office, Role.TEAM_LEAD))
    page.wait_for_url("**/staff/giessen/insights/**")
    assert_accessible(page)
    text = download(page)
    assert german(SUMMARY) % {"count": 6, "median": 18, "p90": 30} in text
    assert "30.11.2026" in text and "29.11.2026" in text  # the period and the one before

    page = open_page(f"/staff/figures/{PERIOD}", "desktop", locale="de-DE")
    sign_in_any(page, make_staff(None, Role.MINISTRY))
    page.wait_for_url("**/staff/figures/**")
    assert_accessible(page)
    text = download(page)
    called = german("%(offices)s offices; %(count)s clients were called in this period.")
    assert called % {"offices": 1, "count": 6} in text
    assert "18,0 min" in text and "30,0 min" in text  # the chart's table, German numbers
