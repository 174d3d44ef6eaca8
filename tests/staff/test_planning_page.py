"""The what-if page: team leads only, part switched on, short runs at once, long runs queued."""

import re

import pytest
from django.test import override_settings

from schalter.accounts.actors import COMMAND
from schalter.accounts.roles import Role
from schalter.offices.services import office_part_switch
from schalter.planning.selectors import service_names
from tests.conftest import make_bookable

pytestmark = pytest.mark.django_db


@pytest.fixture
def planning_on(office):
    make_bookable(office, days=0)
    return office_part_switch(office=office, name="planning", on=True, acting_user=COMMAND)


def url(office) -> str:
    return f"/staff/{office.slug}/planning/"


def test_off_by_default_and_for_team_leads_only(office, staff_client):
    assert staff_client(office, Role.TEAM_LEAD).get(url(office)).status_code == 404
    office_part_switch(office=office, name="planning", on=True, acting_user=COMMAND)
    assert staff_client(office, Role.CASEWORKER).get(url(office)).status_code == 403
    assert staff_client(office, Role.TEAM_LEAD).get(url(office)).status_code == 200


def test_more_desks_shorten_the_waits_and_the_page_says_so(office, planning_on, staff_client):
    client = staff_client(office, Role.TEAM_LEAD)
    page = client.get(url(office), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="desks"' in page and "typical demand" in page
    answer = client.post(
        url(office),
        {"weekday": 0, "desks": 6, "open_minutes": 240, "walk_ins": "all_day", "slot_minutes": 0},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert answer.status_code == 200
    page = answer.content.decode()
    assert page.count('role="img"') == 2 and "<desc" in page and "<caption>" in page
    found = re.search(r"mean wait goes from ([\d.,]+) to ([\d.,]+) minutes", page)
    assert found, page[page.find("Result") :][:600]
    before, after = (float(x.replace(",", ".")) for x in found.groups())
    assert after < before


def test_bad_input_is_refused(office, planning_on, staff_client):
    client = staff_client(office, Role.TEAM_LEAD)
    answer = client.post(
        url(office),
        {"weekday": 0, "desks": 0, "open_minutes": 240, "walk_ins": "sometimes", "slot_minutes": 7},
    )
    assert answer.status_code == 400
    assert answer.content.decode().count('class="kern-error"') == 3


@override_settings(TASKS={"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}})
def test_a_precise_run_goes_to_the_task_backend_and_the_page_polls(office, planning_on,
                                                                  staff_client):  # fmt: skip
    client = staff_client(office, Role.TEAM_LEAD)
    answer = client.post(
        url(office),
        {"weekday": 0, "desks": 3, "open_minutes": 240, "walk_ins": "morning",
         "slot_minutes": 20, "precise": "on"},
    )  # fmt: skip
    assert answer.status_code == 303
    polling = client.get(answer["Location"]).content.decode()
    assert "<progress" in polling and 'http-equiv="refresh"' in polling
    # The worker runs it (here: by hand, as the dummy backend queues without running).
    from django.tasks import default_task_backend

    (queued,) = default_task_backend.results
    queued.task.call(**queued.kwargs)
    done = client.get(answer["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<progress" not in done and "mean wait goes from" in done
    assert "100 simulated days" in done
    other = client.get(url(office) + "?run=unknown", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "no longer available" in other


def test_todays_appointments_are_told_in_words_with_the_services_names(
    office, planning_on, staff_client
):
    client = staff_client(office, Role.TEAM_LEAD)
    page = client.get(url(office), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    line = page[page.find("Termine heute") :][:400]
    names = service_names(office, "de").values()
    assert any(name in line for name in names), line
    assert "slots ×" not in line and "Minuten-Termine" in line, line
