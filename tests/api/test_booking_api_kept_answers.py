"""What the booking API keeps between requests, and for how long: the office's offer (a few
seconds per process, forgotten at once on a change in this process), the availability answer
(a second, refreshed after half of it without making anyone wait), and the confirmation mail's
task (written in the booking's own transaction when tasks live in the database)."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scopes_disabled
from django_tasks_db.models import DBTaskResult

from schalter.accounts.actors import COMMAND
from schalter.appointments import services
from schalter.shared_cache import COMPUTING
from tests.api.test_booking_api import book, first_slot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_challenge(settings):
    settings.SCHALTER_CAPTCHA = False


def test_the_offer_is_read_once_and_a_change_applies_to_the_next_booking(client, office, bookable):
    short = bookable["short"]
    slot = first_slot(client, office, short)
    assert book(client, office, short, slot["start"]).status_code == 201
    with CaptureQueriesContext(connection) as queries:
        again = book(client, office, short, slot["start"], email="second@example.org")
    assert again.status_code == 201, again.content
    assert not [q for q in queries.captured_queries if "appointments_officeservice" in q["sql"]]
    services.office_service_set(
        office=office,
        service=short,
        duration_minutes=10,
        bookable_online=False,
        acting_user=COMMAND,
    )
    refused = book(client, office, short, slot["start"], email="third@example.org")
    assert refused.status_code == 404 and refused.json()["error"] == "service_not_offered"


def availability(client, office, service):
    today = timezone.localdate()
    return client.get(
        f"/api/v1/offices/{office.slug}/availability",
        {"service": service.pk, "start": today, "end": today + timedelta(days=14)},
    ).json()["slots"][0]


def test_availability_is_kept_a_second_and_refreshed_after_half_without_waiting(
    client, office, bookable
):
    short = bookable["short"]
    before = availability(client, office, short)
    assert book(client, office, short, before["start"]).status_code == 201
    assert availability(client, office, short) == before  # kept: at most a second old
    later = timezone.now() + timedelta(seconds=0.6)
    for lock in COMPUTING:  # as if another request were computing it afresh
        lock.acquire()
    try:
        with time_machine.travel(later, tick=False):
            assert availability(client, office, short) == before  # answered, not waiting
    finally:
        for lock in COMPUTING:
            lock.release()
    with time_machine.travel(later, tick=False):
        refreshed = availability(client, office, short)
    assert refreshed["start"] == before["start"]
    assert refreshed["available"] == before["available"] - 1
    with time_machine.travel(timezone.now() + timedelta(seconds=1.1), tick=False):
        assert availability(client, office, short) == refreshed


@pytest.fixture
def tasks_in_database(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_the_confirmation_mail_is_queued_exactly_when_the_booking_commits(
    client, office, bookable, tasks_in_database
):
    short = bookable["short"]
    slot = first_slot(client, office, short)
    booked = book(client, office, short, slot["start"])
    assert booked.status_code == 201
    with scopes_disabled():
        queued = list(DBTaskResult.objects.values_list("task_path", "args_kwargs"))
    assert len(queued) == 1 and queued[0][0].endswith("appointment_mail_task")
    assert queued[0][1]["args"][1] == "confirm_request"
    # The task is written in the booking's transaction: there before the commit, gone with a
    # rollback.
    start = datetime.fromisoformat(slot["start"])
    with pytest.raises(RuntimeError), transaction.atomic():
        services.appointment_book(
            office=office,
            service=short,
            start=start,
            name="B",
            email="b@example.org",
            now=timezone.now(),
            acting_user=COMMAND,
        )
        assert DBTaskResult.objects.count() == 2
        raise RuntimeError("the request failed after booking")
    assert DBTaskResult.objects.count() == 1
