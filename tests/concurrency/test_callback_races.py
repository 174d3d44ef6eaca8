"""Ten callback agents press "take the next callback" at once, on PostgreSQL, each in a thread of
its own with its own connection: no two get the same callback. And proof that the test can fail:
with only the row lock of `callback_claim` switched off (SCHALTER_UNSAFE_CALLBACK_LOCKS,
schalter/callbacks/races.py) and a pause between reading a callback and claiming it that forces
the agents to overlap, several agents get the same one; with the lock and the same pause they
don't."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from schalter.accounts.actors import COMMAND
from schalter.callbacks import services
from schalter.callbacks.incoming import Incoming
from tests.conftest import build_office

AGENTS = 10
RACE_PAUSE = 0.3
NOW = datetime(2026, 6, 8, 7, 0, tzinfo=UTC)


@pytest.fixture
def setup(transactional_db, make_staff):
    office = build_office("wiesbaden")
    for number in range(AGENTS * 2):
        services.callback_receive(
            office=office,
            incoming=Incoming(source="voicemail", dedup_key=f"msgid:<{number}@pbx>"),
            now=NOW - timedelta(minutes=number),
            acting_user=COMMAND,
        )
    return office, [make_staff(office, "caseworker") for _ in range(AGENTS)]


def rush(office, agents) -> list[int | None]:
    start = threading.Barrier(AGENTS)

    def claim(agent) -> int | None:
        start.wait()
        try:
            found = services.callback_claim(office=office, now=NOW, acting_user=agent)
            return found.pk if found else None
        finally:
            connection.close()

    with ThreadPoolExecutor(AGENTS) as pool:
        return list(pool.map(claim, agents))


def test_ten_agents_never_get_the_same_callback(setup, settings):
    settings.SCHALTER_CALLBACK_RACE_PAUSE = RACE_PAUSE
    claimed = rush(*setup)
    assert None not in claimed
    assert len(set(claimed)) == AGENTS


def test_without_the_lock_agents_share_callbacks(setup, settings):
    settings.SCHALTER_CALLBACK_RACE_PAUSE = RACE_PAUSE
    settings.SCHALTER_UNSAFE_CALLBACK_LOCKS = True
    claimed = rush(*setup)
    assert len(set(claimed)) < AGENTS
