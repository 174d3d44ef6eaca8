"""The Bilanz PDF (insights/bilanz.py): the office's for its leads, all offices for the ministry
with small groups suppressed; read back with pdftotext and compared with hand-computed figures."""

from datetime import timedelta

from django.utils import timezone, translation

from schalter.accounts.actors import COMMAND
from schalter.accounts.roles import Role
from schalter.insights.bilanz import all_offices_bilanz
from schalter.insights.comparison import compared_offices
from schalter.insights.consent import naming_consent_set
from tests.conftest import german
from tests.insights.test_pages import DAY, history
from tests.printing.conftest import pdf_text

PERIOD = f"?first={DAY.isoformat()}&last={DAY.isoformat()}"


def test_the_offices_bilanz_has_its_figures(office, groups, sessions, staff_client):
    # Six walk-ins on one day, called after 3, 4, …, 8 minutes: the median (rank 3 of 6) is 5,
    # the p90 (rank ⌈5.4⌉ = 6) is 8; none the day before; one desk open 09:00–13:00 (4.0 h).
    history(office, groups, sessions, 6)
    client = staff_client(office, Role.TEAM_LEAD)
    page = client.get(f"/staff/{office.slug}/insights/{PERIOD}").content.decode()
    assert f"/staff/{office.slug}/insights/bilanz.pdf?" in page
    response = client.get(f"/staff/{office.slug}/insights/bilanz.pdf{PERIOD}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert (
        german(
            "Half of the %(count)s clients waited at most %(median)s minutes, nine in ten at "
            "most %(p90)s minutes."
        )
        % {"count": 6, "median": 5, "p90": 8}
        in text
    )
    assert f"{german('Tickets')} 6 0 +6" in text  # this period, the one before, the difference
    # German numbers and days (schalter/numbers.py), no longer "5.0 min", "100.0 %", "0.00 €".
    assert f"{german('Median')} 03.03.2031 5,0 min {german('90th percentile')} 8,0 min" in text
    assert "100,0 %" in text  # every ticket a walk-in
    assert f"{office.name_in('de')} 0,00 € – 4,0" in text  # costs: no interpreters, 4 desk hours
    assert "03.03.2031" in text and "02.03.2031" in text  # the period and the one before


def test_the_ministrys_bilanz_suppresses_small_groups(
    office, other_office, groups, sessions, staff_client, settings
):
    settings.SCHALTER_INSIGHTS_MIN_GROUP = 5
    for named in (office, other_office):  # named only with consent (comparison.py)
        naming_consent_set(office=named, named=True, acting_user=COMMAND, now=timezone.now())
    history(office, groups, sessions, 4)  # waits 3, 4, 5, 6: four clients, below the minimum
    client = staff_client(None, Role.MINISTRY)
    page = client.get(f"/staff/figures/{PERIOD}").content.decode()
    assert "/staff/figures/bilanz.pdf?" in page
    text = pdf_text(client.get(f"/staff/figures/bilanz.pdf{PERIOD}").content)
    hidden = german("fewer than %(minimum)s clients") % {"minimum": 5}
    giessen, darmstadt = office.name_in("de"), other_office.name_in("de")
    # The rows as the PDF shows them (offices in the comparison's order; pdftotext reads a
    # table's wrapped cells in an order that depends on the layout, so they are read here).
    assert comparison_rows(giessen) == (hidden, hidden, hidden, hidden, hidden)
    assert comparison_rows(darmstadt)[0] == hidden
    assert giessen in text and darmstadt in text and hidden in text
    assert "6,0 min" not in text and " 4 " not in text  # neither the p90 nor the count

    settings.SCHALTER_INSIGHTS_MIN_GROUP = 3  # four is enough now
    assert comparison_rows(giessen)[:3] == (4, "4", "6")  # tickets, median, p90
    text = pdf_text(client.get(f"/staff/figures/bilanz.pdf{PERIOD}").content)
    assert "6,0 min" in text  # the p90 in the chart's table (German decimal comma)


def comparison_rows(label: str) -> tuple:
    """One office's row of the all-offices Bilanz's first table, as the PDF prints it."""
    with translation.override("de"):
        bilanz = all_offices_bilanz(compared_offices("de"), DAY, DAY)
    return next(tuple(row[1:]) for row in bilanz.tables[0]["rows"] if row[0] == label)


def test_who_may_download_which_bilanz(office, other_office, staff_client):
    assert (
        staff_client(office, Role.CASEWORKER)
        .get(f"/staff/{office.slug}/insights/bilanz.pdf")
        .status_code
        == 403
    )
    lead = staff_client(office, Role.TEAM_LEAD)
    assert lead.get("/staff/figures/bilanz.pdf").status_code == 404
    assert lead.get(f"/staff/{other_office.slug}/insights/bilanz.pdf").status_code in (403, 404)


def test_bilanz_of_empty_long_and_bad_periods(office, other_office, staff_client):
    lead, ministry = staff_client(office, Role.OFFICE_ADMIN), staff_client(None, Role.MINISTRY)
    later = (DAY + timedelta(days=400)).isoformat()
    for query in (
        "",
        f"?first={DAY.isoformat()}&last={later}",  # longer than any data
        "?first=2031-03-29&last=2031-03-31",  # across the clock change, no data
        "?first=2031-03-10&last=2031-03-01",  # backwards: the default period
        "?first=yesterday&last=%00",
    ):
        for url in (
            f"/staff/{office.slug}/insights/bilanz.pdf{query}",
            f"/staff/figures/bilanz.pdf{query}",
        ):
            response = (lead if "insights" in url else ministry).get(url)
            assert response.status_code == 200, (url, response.content[:200])
            assert pdf_text(response.content)
