"""The README's screenshots of the pages issue 12 changed (the ticket page after the call, the move
page, the manage page), on a phone in Arabic. Not collected with the tests (no test_ prefix); run
it by name when those pages change, then look at each PNG before committing:

    .venv/bin/pytest -p no:cacheprovider tests/browser/readme_screenshots.py
"""

from pathlib import Path

import time_machine
from django_scopes import scopes_disabled

from schalter.accounts.actors import CLIENT
from schalter.visits import selectors
from schalter.visits import services as visits
from tests.browser.test_move_and_manage import booked  # noqa: F401 (a fixture)
from tests.browser.test_ticket_page_state import MONDAY_9, queue  # noqa: F401 (a fixture)

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_ticket_called_ar_phone(open_page, queue):  # noqa: F811
    office, group, desk, user = queue["office"], queue["group"], queue["desk"], queue["caseworker"]
    with time_machine.travel(MONDAY_9, tick=True):
        mine = visits.ticket_issue_walk_in(
            office=office, group=group, now=MONDAY_9, language="ar", acting_user=CLIENT
        )
        visits.desk_session_open(
            office=office, desk=desk, user=user, now=MONDAY_9, acting_user=user
        )
        with scopes_disabled():
            session = selectors.desk_session_of(office, user)
        visits.ticket_call_next(desk_session=session, now=MONDAY_9, acting_user=user)
        page = open_page(f"/ar/giessen/ticket/{mine.token}/", "phone")
        page.screenshot(path=str(SHOTS / "ticket-called-ar-phone.png"), full_page=True)


def test_move_and_manage_ar_phone(open_page, booked):  # noqa: F811
    appointment, token = booked
    page = open_page(f"/ar/giessen/book/manage/{appointment.code}/{token}/", "phone")
    page.screenshot(path=str(SHOTS / "manage-ar-phone.png"), full_page=True)
    page = open_page(f"/ar/giessen/book/move/{appointment.code}/{token}/", "phone")
    page.screenshot(path=str(SHOTS / "move-ar-phone.png"), full_page=True)
