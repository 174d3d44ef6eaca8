"""The lead's dashboard and the ministry's comparison ask the database as many questions with six
offices as with two: the comparison of offices, the callbacks' and the interpreters' figures are
read for all offices in grouped queries, never one set of queries per office (issue 17's bench:
the year's dashboard took 475 ms when the comparison read a whole period's figures per office)."""

from datetime import UTC, date, datetime
from decimal import Decimal

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from schalter.accounts.roles import Role
from schalter.insights.comparison import compared_offices, ministry_table
from schalter.insights.models import CallbackDay, DailyFigure, DeskDay, InterpreterDay
from schalter.interpreters.models import InterpreterBudget
from schalter.offices.models import Office
from tests.conftest import build_office
from tests.insights.test_part_b import with_parts

DAY = date(2026, 3, 3)
MIDNIGHT = datetime(2026, 3, 4, tzinfo=UTC)
PERIOD = "?first=2026-03-01&last=2026-03-31"


def with_figures(office: Office) -> Office:
    """An office using callbacks and interpreters, with a roll-up row of each kind on DAY."""
    with_parts(office, "callbacks", "interpreters")
    DailyFigure.objects.create(
        office=office, day=DAY, language="ar", tickets=6, walk_ins=2, booked=4,
        waiting={"3": 2, "7": 4}, service_time={"12": 6}, booked_by_lead={"2-7": 4},
        issued_by_hour={"9": 6},
    )  # fmt: skip
    DeskDay.objects.create(
        office=office, day=DAY, desk_minutes_by_hour={"9": 120}, rolled_at=MIDNIGHT
    )
    CallbackDay.objects.create(
        office=office, day=DAY, language="ar", closed=6, tried=5, reached=4, timed=5, in_time=3,
        hours_to_attempt={"1": 3, "4": 2},
    )  # fmt: skip
    InterpreterDay.objects.create(
        office=office, day=DAY, language="fa", mode="site", assignments=6, minutes=360,
        cost=Decimal("540.00"),
    )  # fmt: skip
    with scopes_disabled():
        InterpreterBudget.objects.create(office=office, month=DAY.replace(day=1), amount=1000)
    return office


def queries(client: Client, url: str) -> int:
    client.get(url)  # once first: what a process reads once is not the page's cost
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def comparison_queries() -> int:
    """The ministry's table of all offices with their callback and interpreter figures (its page
    also lists each office's desks and staff: staff/views.py, not counted here)."""
    with CaptureQueriesContext(connection) as captured:
        table = ministry_table(compared_offices("de"), date(2026, 3, 1), date(2026, 3, 31))
    assert len(table["rows"]) == Office.objects.count()  # type: ignore[arg-type]
    return len(captured.captured_queries)


def test_dashboard_and_comparison_queries_do_not_grow_with_offices(office, staff_client):
    with_figures(office)
    with_figures(build_office("amt-1"))
    lead = staff_client(office, Role.TEAM_LEAD)
    dashboard = f"/staff/{office.slug}/insights/{PERIOD}"
    two = queries(lead, dashboard), comparison_queries()
    page = lead.get(dashboard).content.decode()
    assert "540,00 €" in page and "Amt-1" not in page  # the figures are there, anonymised

    for n in range(2, 6):
        with_figures(build_office(f"amt-{n}"))
    six = queries(lead, dashboard), comparison_queries()
    assert Office.objects.count() == 6
    assert six == two
