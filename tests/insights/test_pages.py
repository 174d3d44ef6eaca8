"""The lead's dashboard, its exports and the ministry's comparison with small counts suppressed."""

import csv
import io

from bs4 import BeautifulSoup
from openpyxl import load_workbook

from schalter.accounts.actors import COMMAND
from schalter.accounts.roles import Role
from schalter.insights.rollups import day_rollup
from schalter.visits import services
from tests.conftest import german
from tests.insights.conftest import MONDAY_9, later, walk_in

DAY = MONDAY_9.date()
PERIOD = f"?first={DAY.isoformat()}&last={DAY.isoformat()}"


def history(office, groups, sessions, clients: int):
    (desk,) = sessions(1)
    for i in range(clients):
        ticket = walk_in(office, groups["A"], later(MONDAY_9, i))
        services.ticket_call_next(
            desk_session=desk, now=later(MONDAY_9, 2 * i + 3), acting_user=COMMAND
        )
        services.ticket_no_show(
            desk_session=desk, ticket=ticket, now=later(MONDAY_9, 2 * i + 3), acting_user=COMMAND
        )
    day_rollup(office=office, day=DAY, now=later(MONDAY_9, 240))


def test_lead_sees_charts_tables_and_exports(office, groups, sessions, staff_client):
    history(office, groups, sessions, 3)
    client = staff_client(office, Role.TEAM_LEAD)
    page = client.get(f"/staff/{office.slug}/insights/{PERIOD}")
    assert page.status_code == 200
    soup = BeautifulSoup(page.content.decode(), "html.parser")
    assert soup.select("figure svg[role=img]")
    # Waits 3, 4, 5: the median 4, the p90 5.
    assert "4" in soup.select_one("[role=status]").get_text()
    assert len(soup.select("table caption")) >= 6  # every chart and figure has its table
    response = client.get(f"/staff/{office.slug}/insights/export/{PERIOD}&table=minutes&kind=csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][1:] == ["3", "4", "5"]
    response = client.get(f"/staff/{office.slug}/insights/export/{PERIOD}&table=counts&kind=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(2, 2).value == 3 and sheet.cell(2, 2).data_type == "n"  # tickets: a number
    assert (
        client.get(f"/staff/{office.slug}/insights/export/?table=nothing&kind=csv").status_code
        == 404
    )


def test_caseworker_sees_no_figures(office, staff_client):
    assert (
        staff_client(office, Role.CASEWORKER).get(f"/staff/{office.slug}/insights/").status_code
        == 403
    )


def test_bad_and_empty_periods(office, staff_client):
    client = staff_client(office, Role.OFFICE_ADMIN)
    for query in (
        "?first=2031-03-10&last=2031-03-01",
        "?first=2000-01-01&last=2031-01-01",
        "?first=yesterday&last=%00",
        "?first=2031-03-29&last=2031-04-02",  # the clock change, no data
        "?service=999999&language=xx",
    ):
        assert client.get(f"/staff/{office.slug}/insights/{query}").status_code == 200


def _all_text(client, query=""):
    page = client.get(f"/staff/figures/{query}").content.decode()
    csv_text = b"".join(client.get(f"/staff/figures/offices.csv{query}").streaming_content).decode()
    book = load_workbook(io.BytesIO(client.get(f"/staff/figures/offices.xlsx{query}").content))
    cells = [str(c.value) for row in book.active.iter_rows() for c in row]
    return page, csv_text, cells


def test_ministry_never_sees_a_group_below_the_minimum(
    office, other_office, groups, sessions, staff_client, settings
):
    settings.SCHALTER_INSIGHTS_MIN_GROUP = 5
    history(office, groups, sessions, 4)  # four clients: below the minimum
    client = staff_client(None, Role.MINISTRY)
    page, csv_text, cells = _all_text(client, PERIOD)
    rows = BeautifulSoup(page, "html.parser").select("#offices-compared tbody tr")
    giessen = [r for r in rows if "Gießen" in r.get_text() or office.slug in r.get_text().lower()]
    row = giessen[0] if giessen else rows[0]
    hidden = german("fewer than %(minimum)s clients") % {"minimum": 5}
    assert hidden in row.get_text()
    assert "4" not in [td.get_text() for td in row.select("td")]
    assert "4" not in [cell for line in csv.reader(io.StringIO(csv_text)) for cell in line]
    assert "4" not in cells
    assert hidden in csv_text and hidden in cells

    settings.SCHALTER_INSIGHTS_MIN_GROUP = 3  # four is enough now
    page, csv_text, cells = _all_text(client, PERIOD)
    assert "4" in cells


def test_office_without_data_and_long_periods_for_the_ministry(office, other_office, staff_client):
    client = staff_client(None, Role.MINISTRY)
    for query in ("", "?first=2000-01-01&last=2002-12-31", "?first=2031-03-29&last=2031-03-31"):
        assert client.get(f"/staff/figures/{query}").status_code == 200
        assert client.get(f"/staff/figures/offices.csv{query}").status_code == 200


def test_office_staff_cannot_export_the_comparison(office, staff_client):
    assert (
        staff_client(office, Role.OFFICE_ADMIN).get("/staff/figures/offices.csv").status_code == 404
    )
