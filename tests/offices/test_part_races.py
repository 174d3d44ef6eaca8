"""Two office admins switch different parts at the same moment, on PostgreSQL: both changes are
kept. The first switch holds its transaction open after writing; the second then runs. With the
office row locked (`select_for_update` in offices.services.office_part_switch) the second waits
and reads the first one's list; without the lock it read the old list, waited only at its own
UPDATE and then overwrote the first switch: this test failed that way with the lock removed
("booking" was back on)."""

import threading

import pytest
from django.db import connection, connections, transaction

from schalter.accounts.actors import COMMAND
from schalter.offices.models import Office
from schalter.offices.services import office_part_switch
from tests.conftest import build_office


@pytest.fixture(autouse=True)
def postgres_only(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("part switch races need PostgreSQL's row locks; `make test` runs them there")


def test_two_admins_switching_at_once_both_keep_their_change():
    office = build_office("giessen")
    assert {"booking", "queue"} <= set(office.parts)
    others = [name for name in office.parts if name not in ("booking", "queue")]
    first_wrote, second_started = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                office_part_switch(office=office, name="booking", on=False, acting_user=COMMAND)
                first_wrote.set()
                second_started.wait(10)
                # Long enough for the second switch to reach its read (or its lock wait).
                threading.Event().wait(0.5)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    def second() -> None:
        try:
            first_wrote.wait(10)
            second_started.set()
            office_part_switch(office=office, name="queue", on=False, acting_user=COMMAND)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert Office.objects.get(pk=office.pk).parts == others  # both switches kept
