"""Bad input of issue 17: exports of years of data (streamed; a refused period says why),
forged survey links, comments with scripts or formulas, an office without data."""

import csv
import io
from datetime import date, timedelta

from django.http import StreamingHttpResponse
from django_scopes import scopes_disabled

from schalter.accounts.roles import Role
from schalter.catalog.models import Service
from schalter.insights.feedback import feedback_answer, feedback_invite
from schalter.knowledge.models import PracticeNote
from tests.conftest import german
from tests.insights.test_feedback import NOW
from tests.printing.conftest import pdf_text

FIRST = date(2028, 3, 4)
LAST = FIRST + timedelta(days=3 * 366 - 2)  # the longest period the form takes


def test_an_export_of_years_is_streamed_row_by_row(office, staff_client):
    # Without figures the days would be no rows ("No data in this period."): a practice note on
    # the first day keeps every day's row, as a year of figures would.
    service = Service.objects.get_or_create(slug="card-pick-up", defaults={"name": {"de": "x"}})[0]
    with scopes_disabled():
        PracticeNote.objects.create(office=office, service=service, since=FIRST, text="Neu")
    client = staff_client(office, Role.TEAM_LEAD)
    query = f"?first={FIRST}&last={LAST}&table=days&kind=csv"
    response = client.get(f"/staff/{office.slug}/insights/export/{query}")
    assert response.status_code == 200 and isinstance(response, StreamingHttpResponse)
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 1 + (LAST - FIRST).days + 1  # the header and every day
    assert rows[1][0] == FIRST.isoformat() and rows[-1][0] == LAST.isoformat()


def test_an_export_of_a_refused_period_says_why(office, staff_client):
    client = staff_client(office, Role.TEAM_LEAD)
    for query, message in (
        ("first=2020-01-01&last=2031-01-01", "Choose a period of at most three years."),
        ("first=2031-03-10&last=2031-03-01", "The end must not be before the start."),
    ):
        response = client.get(f"/staff/{office.slug}/insights/export/?{query}&table=days&kind=csv")
        assert response.status_code == 400
        assert german(message) in response.content.decode()


def test_forged_survey_links_are_refused_without_an_error(client, office, other_office):
    token = feedback_invite(office=other_office, visit_token="visit-1")
    body = {"waiting": "3", "comment": "gut"}
    for forged in (token, token[:-1] + "x", "x" * 500, "%00", "..%2F..%2Fetc", "'; DROP TABLE--"):
        for url in (f"/de/{office.slug}/feedback/{forged}/", f"/de/nowhere/feedback/{forged}/"):
            assert client.get(url).status_code == 404, url
            assert client.post(url, body).status_code == 404, url


def test_comments_with_scripts_and_formulas_stay_text(office, staff_client):
    for i, comment in enumerate(("<script>alert(1)</script>", '=HYPERLINK("http://x","y")')):
        token = feedback_invite(office=office, visit_token=f"visit-{i}")
        feedback_answer(office=office, token=token, scores={"waiting": 4}, comment=comment, now=NOW)
    client = staff_client(office, Role.TEAM_LEAD)
    period = "first=2031-03-01&last=2031-03-31"
    page = client.get(f"/staff/{office.slug}/insights/?{period}").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    response = client.get(f"/staff/{office.slug}/insights/export/?{period}&table=comments&kind=csv")
    cells = [
        c
        for row in csv.reader(io.StringIO(b"".join(response.streaming_content).decode()))
        for c in row
    ]
    assert '\'=HYPERLINK("http://x","y")' in cells  # quoted: a spreadsheet will not run it
    text = pdf_text(client.get(f"/staff/{office.slug}/insights/bilanz.pdf?{period}").content)
    assert "<script>alert(1)</script>" in text  # printed as text, never run


def test_an_office_without_data(office, other_office, staff_client):
    client = staff_client(other_office, Role.OFFICE_ADMIN)
    page = client.get(f"/staff/{other_office.slug}/insights/")
    assert page.status_code == 200
    assert german("No recorded visits in this period.") in page.content.decode()
    text = pdf_text(client.get(f"/staff/{other_office.slug}/insights/bilanz.pdf").content)
    assert german("No recorded visits in this period.") in text
    assert german("No data in this period.") in text


def test_dates_at_the_ends_of_the_calendar_are_refused_not_an_error(
    office, staff_client, make_staff
):
    """9999-12-31 has no next day and an office's midnight of 0001-01-01 lies before year 1 in
    UTC: every period form refuses such days (the page says why) instead of overflowing (500)."""
    lead = staff_client(office, Role.TEAM_LEAD)
    ministry = staff_client(None, Role.MINISTRY)
    for first, last in (("9999-12-01", "9999-12-31"), ("0001-01-01", "0001-01-05")):
        query = f"first={first}&last={last}"
        for client, url in (
            (lead, f"/staff/{office.slug}/insights/?{query}"),
            (lead, f"/staff/{office.slug}/insights/export/?{query}&table=days&kind=csv"),
            (lead, f"/staff/{office.slug}/insights/bilanz.pdf?{query}"),
            (ministry, f"/staff/figures/?{query}"),
            (ministry, f"/staff/figures/offices.csv?{query}"),
            (ministry, f"/staff/figures/bilanz.pdf?{query}"),
        ):
            assert client.get(url).status_code in (200, 400), url
