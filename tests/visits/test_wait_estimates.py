"""How good the expected waits were: recorded at issue, compared with the real wait when called,
shown to the front desk (today) and to the ministry (last 7 days)."""

from datetime import timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup

from schalter.accounts.actors import COMMAND
from schalter.accounts.roles import Role
from schalter.insights.consent import naming_consent_set
from schalter.visits import selectors, services
from tests.visits.conftest import walk_in

pytestmark = pytest.mark.django_db


def serve_with_errors(office, group, session, now, errors_minutes):
    """Issue one ticket per error, then call each that many minutes after its expected wait."""
    tickets = [walk_in(office, group, now) for _ in errors_minutes]
    for ticket, error in zip(tickets, errors_minutes, strict=True):
        ticket.refresh_from_db()
        at = ticket.created_at + timedelta(minutes=ticket.predicted_wait_minutes + error)
        called = services.ticket_call_next(desk_session=session, now=at, acting_user=COMMAND)
        assert called == ticket
        services.ticket_start(desk_session=session, ticket=called, now=at, acting_user=COMMAND)
        services.ticket_finish(
            desk_session=session, ticket=called, outcome="completed", now=at, acting_user=COMMAND
        )


def test_estimates_are_compared_with_the_real_waits(office, groups, sessions, now):
    (session,) = sessions(1)
    assert selectors.wait_estimates(office, now.date()).called == 0
    serve_with_errors(office, groups["A"], session, now, [5, -3, 25])
    estimates = selectors.wait_estimates(office, now.date())
    assert estimates.called == 3
    assert estimates.median_error_minutes == 5
    assert estimates.close_share == 67  # 2 of 3 within 10 minutes
    assert selectors.wait_estimates(office, now.date() + timedelta(days=1)).called == 0


def test_front_desk_and_ministry_see_the_figures(
    office, other_office, groups, sessions, now, staff_client
):
    (session,) = sessions(1)
    serve_with_errors(office, groups["A"], session, now, [12, 2])
    # The ministry sees an office by its name only once the office agreed (issue 17).
    naming_consent_set(office=office, named=True, acting_user=COMMAND, now=now)
    with time_machine.travel(now + timedelta(hours=1), tick=False):
        queue = staff_client(office, Role.FRONT_DESK).get("/staff/giessen/queue/")
        figures = staff_client(None, Role.MINISTRY).get("/staff/figures/")
    text = BeautifulSoup(queue.content.decode(), "html.parser").get_text(" ", strip=True)
    assert "7,0 Min." in text and "50 %" in text  # median of +12 and +2; one of two close
    rows = BeautifulSoup(figures.content.decode(), "html.parser").select("#offices-now tbody tr")
    cells = {r.th.get_text(): [td.get_text() for td in r.select("td")] for r in rows}
    giessen = next(v for k, v in cells.items() if "Gie" in k)
    assert giessen[3:] == ["2", "7,0", "50 %"]
    other = next(v for k, v in cells.items() if "Gie" not in k)
    assert other[3:] == ["0", "–", "–"]
