"""Two needs racing for one interpreter on PostgreSQL: exactly one gets her. And proof that the
test can fail: with only the lock on her row switched off (SCHALTER_UNSAFE_INTERPRETER_LOCKS,
schalter/interpreters/races.py) and a pause between the recount and the write, both get her."""

import threading
from datetime import timedelta
from decimal import Decimal

from django.db import connection

from schalter.accounts.actors import COMMAND
from schalter.interpreters import services
from schalter.interpreters.errors import InterpreterBusy
from schalter.interpreters.models import Assignment, AssignmentState
from tests.conftest import build_office
from tests.interpreters.conftest import NOW, TUESDAY_9, make_interpreter

RACE_PAUSE = 0.3


def race(settings, *, locks: bool) -> list[str]:
    office = build_office("giessen")
    other = build_office("hanau")
    amina = make_interpreter({office: Decimal(10), other: Decimal(25)})
    needs = [
        services.assignment_request(
            office=where,
            language="prs",
            mode="on_site",
            start=TUESDAY_9 + timedelta(minutes=offset),
            end=TUESDAY_9 + timedelta(minutes=offset + 60),
            now=NOW,
            acting_user=COMMAND,
        )
        for where, offset in ((office, 0), (other, 30))
    ]
    settings.SCHALTER_INTERPRETER_RACE_PAUSE = RACE_PAUSE
    settings.SCHALTER_UNSAFE_INTERPRETER_LOCKS = not locks
    outcomes: list[str] = []
    barrier = threading.Barrier(len(needs))

    def propose(assignment):
        barrier.wait()
        try:
            services.assignment_propose(
                assignment=assignment, interpreter=amina, now=NOW, acting_user=COMMAND
            )
            outcomes.append("got her")
        except InterpreterBusy:
            outcomes.append("busy")
        finally:
            connection.close()

    threads = [threading.Thread(target=propose, args=(need,)) for need in needs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def held(interpreter_name: str = "Amina") -> int:
    return Assignment.across_offices.filter(
        interpreter__name=interpreter_name, state=AssignmentState.PROPOSED
    ).count()


def test_two_needs_racing_for_one_interpreter_exactly_one_gets_her(transactional_db, settings):
    assert race(settings, locks=True) == ["busy", "got her"]
    assert held() == 1


def test_without_only_the_lock_both_get_her(transactional_db, settings):
    """Proof that the test above can fail: the same race with only the row lock removed."""
    assert race(settings, locks=False) == ["got her", "got her"]
    assert held() == 2
