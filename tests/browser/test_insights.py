"""A team lead reads the office's figures: a chart with its table and a practice note on its
timeline, and downloads tables; the ministry reads all offices, anonymised, with a chart and a
table and both exports; a client answers the survey in Farsi on a phone."""

import csv
import io
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django_scopes import scopes_disabled
from openpyxl import load_workbook
from playwright.sync_api import expect

from schalter.accounts.actors import CLIENT, COMMAND
from schalter.accounts.roles import Role
from schalter.catalog.models import Service
from schalter.insights.feedback import feedback_invite
from schalter.insights.models import FeedbackAnswer
from schalter.insights.rollups import day_rollup
from schalter.knowledge.models import PracticeNote
from schalter.offices.models import Desk
from schalter.visits import services
from tests.browser.conftest import assert_accessible
from tests.browser.test_planning import sign_in_any
from tests.conftest import build_office, german

MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))
PERIOD = "?first=2026-11-30&last=2026-11-30"


def history(office, make_staff) -> None:
    group = services.service_group_create(
        office=office,
        name={"de": "Abholung"},
        prefix="A",
        services=[Service.objects.get(slug="card-pick-up")],
        acting_user=COMMAND,
    )
    with scopes_disabled():
        desk = Desk.objects.filter(office=office).order_by("number").first()
    worker = make_staff(office, Role.CASEWORKER)
    session = services.desk_session_open(
        office=office, desk=desk, user=worker, now=MONDAY, acting_user=worker
    )
    for i in range(6):
        services.ticket_issue_walk_in(
            office=office, group=group, now=MONDAY + timedelta(minutes=i), acting_user=CLIENT
        )
    for i in range(6):
        moment = MONDAY + timedelta(minutes=10 + 5 * i)
        ticket = services.ticket_call_next(desk_session=session, now=moment, acting_user=COMMAND)
        services.ticket_start(desk_session=session, ticket=ticket, now=moment, acting_user=COMMAND)
        services.ticket_finish(
            desk_session=session,
            ticket=ticket,
            outcome="completed",
            now=moment + timedelta(minutes=4),
            acting_user=COMMAND,
        )
    day_rollup(office=office, day=MONDAY.date(), now=MONDAY + timedelta(hours=5))


@pytest.mark.parametrize(("viewport", "locale"), [("desktop", "de-DE"), ("phone", "fa")])
def test_lead_reads_the_figures(open_page, make_staff, transactional_db, viewport, locale):
    office = build_office("giessen")
    history(office, make_staff)
    with scopes_disabled():
        PracticeNote.objects.create(
            office=office,
            service=Service.objects.get(slug="card-pick-up"),
            since=MONDAY.date(),
            text="Walk-ins only before 10:00",
        )
    lead = make_staff(office, Role.TEAM_LEAD)
    page = open_page(f"/staff/giessen/insights/{PERIOD}", viewport, locale=locale)
    sign_in_any(page, lead)
    page.wait_for_url("**/staff/giessen/insights/**")
    charts = page.locator("figure svg[role=img]")
    expect(charts).to_have_count(2)
    expect(charts.first.locator(":scope > title")).not_to_be_empty()  # the chart's own
    expect(page.locator("figure table caption").first).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.locator("a[href*='table=minutes'][href*='kind=csv']").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert len(text.splitlines()) == 6  # the header and five figures
    # The practice note on the waiting time's timeline, and in the table beside it.
    note = page.locator("figure svg g.chart-note")
    expect(note).to_have_count(1)
    expect(note.locator("text")).to_have_text("N1")
    expect(note.locator("title")).to_contain_text("Walk-ins only before 10:00")
    expect(
        page.locator("figure table td", has_text="N1: Walk-ins only before 10:00")
    ).to_be_visible()
    with page.expect_download() as download:
        page.locator("a[href*='table=counts'][href*='kind=xlsx']").click()
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    assert sheet.cell(2, 2).value == 6  # tickets: a number in the XLSX


def test_ministry_reads_all_offices_anonymised(open_page, make_staff, transactional_db):
    giessen = build_office("giessen")
    build_office("darmstadt")
    history(giessen, make_staff)
    ministry = make_staff(None, Role.MINISTRY)
    page = open_page(f"/staff/figures/{PERIOD}", "desktop", locale="de-DE")
    sign_in_any(page, ministry)
    page.wait_for_url("**/staff/figures/**")
    chart = page.locator("#offices-chart svg[role=img]")
    expect(chart).to_be_visible()
    expect(chart.locator(":scope > title")).not_to_be_empty()
    office_a = german("Office %(letter)s") % {"letter": "A"}
    expect(page.locator("#offices-compared tbody th").first).to_have_text(office_a)
    expect(page.locator("#offices-chart table caption")).to_be_visible()
    assert "Giessen" not in page.locator("main").inner_text()
    assert_accessible(page)
    with page.expect_download() as download:
        page.locator("a[href*='offices.csv']").click()
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    assert rows[1][0] == office_a and rows[1][1] == "6" and "Giessen" not in str(rows)
    with page.expect_download() as download:
        page.locator("a[href*='offices.xlsx']").click()
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    assert sheet.cell(2, 1).value == office_a


def test_survey_answered_in_farsi_on_a_phone(open_page, transactional_db):
    office = build_office("giessen")
    token = feedback_invite(office=office, visit_token="a-finished-visit")
    page = open_page(f"/fa/giessen/feedback/{token}/", "phone", locale="fa")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert_accessible(page)
    page.locator("input[name=waiting][value='4']").check()
    page.locator("input[name=friendliness][value='5']").check()
    page.locator("#id_comment").fill("خیلی خوب بود، شماره من 0151 2345678")
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("[role=status]")).to_be_visible()
    assert_accessible(page)
    with scopes_disabled():
        answer = FeedbackAnswer.objects.get()
    assert (answer.waiting, answer.friendliness) == (4, 5)
    assert "2345678" not in answer.comment


def test_admin_enters_staff_hours_and_budget(open_page, make_staff, transactional_db):
    """The office's admin types last month's hours and the year's budget on the figures page,
    sees them in the costs table, and is told why an empty form is refused."""
    office = build_office("giessen")
    history(office, make_staff)
    admin = make_staff(office, Role.OFFICE_ADMIN)
    page = open_page(f"/staff/giessen/insights/{PERIOD}", "desktop", locale="de-DE")
    sign_in_any(page, admin)
    page.wait_for_url("**/staff/giessen/insights/**")
    page.locator("#id_hours-first_day").fill("2026-11-01")
    page.locator("#id_hours-last_day").fill("2026-11-30")
    page.locator("#id_hours-hours").fill("300")
    page.locator("#id_hours-note").fill("Dienstplan November")
    page.locator("button[name=kind][value=hours]").click()
    page.wait_for_url("**/insights/#costs")
    page.goto(page.url.split("#")[0] + PERIOD)
    page.locator("#id_budget-amount").fill("36500")
    page.locator("#id_budget-first_day").fill("2026-01-01")
    page.locator("#id_budget-last_day").fill("2026-12-31")
    page.locator("button[name=kind][value=budget]").click()
    page.wait_for_url("**/insights/#costs")
    page.goto(page.url.split("#")[0] + PERIOD)
    entries = page.locator("#cost-entries")
    expect(entries).to_contain_text("Dienstplan November")
    expect(entries).to_contain_text("36.500,00 €")  # German
    # One day of November's 300 h is 10.0 h; of the year's 36,500 € it is 100.00 €; six
    # clients served: 10 h × 60 / 6 = 100.0 minutes each (German: "100,0").
    costs = page.locator("#table-costs")
    expect(costs.locator("tr", has_text=german("Staff minutes per client served"))).to_contain_text(
        "100,0"
    )
    expect(costs.locator("tbody tr").nth(5)).to_have_text(
        f"{german('Programme budget')}100,00 €", use_inner_text=False
    )
    assert_accessible(page)
    page.locator("#id_budget-amount").fill("")
    page.locator("button[name=kind][value=budget]").click()
    page.wait_for_load_state()
    expect(page.locator("#id_budget-amount-error")).to_be_visible()
    expect(page.locator("#id_budget-first_day")).to_have_value("2026-01-01")  # kept
    assert_accessible(page)
