"""Live updates: a call made through the service reaches a connected display at once, only if its
screen shows the ticket's group; an unknown screen is closed."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections

from schalter.config.asgi import application
from schalter.visits import services
from tests.visits.conftest import later, walk_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def screens(office, groups):
    return {
        "all": services.screen_create(office=office, name="Alle", public_id="alle"),
        "b": services.screen_create(
            office=office, name="1. OG", public_id="og1", groups=[groups["B"]]
        ),
    }


def connect(path: str) -> WebsocketCommunicator:
    return WebsocketCommunicator(application, path, headers=[(b"origin", b"http://testserver")])


def run(scenario) -> None:
    """Run the scenario, then close the connections its worker thread opened (PostgreSQL keeps
    them in its pool otherwise, and the test database cannot be dropped)."""

    async def wrapped():
        try:
            await scenario()
        finally:
            await sync_to_async(connections.close_all)()

    # A thread of its own: a browser test earlier in this worker leaves Playwright's event loop
    # running in the main thread, where asyncio.run would refuse to start.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, wrapped()).result()


def test_a_call_reaches_the_displays_that_show_its_group(screens, groups, office, sessions, now):
    (desk,) = sessions(1)
    walk_in(office, groups["A"], now)
    walk_in(office, groups["B"], now)

    async def scenario():
        every, upstairs = connect("/ws/giessen/display/alle/"), connect("/ws/giessen/display/og1/")
        assert (await every.connect())[0] and (await upstairs.connect())[0]
        # No clock travel here: the in-memory layer expires group members by the real clock.
        call = sync_to_async(services.ticket_call_next)
        first = await call(desk_session=desk, now=later(now, 1))
        assert first.code == "A-001"
        shown = await every.receive_json_from(timeout=2)
        assert shown["code"] == "A-001" and shown["kind"] == "call"
        assert shown["desk"]["number"] == desk.desk.number
        assert set(shown["desk"]) == {"number", "colour", "symbol", "name"}
        assert await upstairs.receive_nothing(timeout=0.3)  # group A is not shown upstairs
        started = await sync_to_async(services.ticket_start)(
            desk_session=desk, ticket=first, now=later(now, 2)
        )
        await sync_to_async(services.ticket_finish)(
            desk_session=desk, ticket=started, outcome="completed", now=later(now, 2)
        )
        assert await every.receive_nothing(timeout=0.3)  # a start or finish is not shown
        second = await call(desk_session=desk, now=later(now, 3))
        assert (await upstairs.receive_json_from(timeout=2))["code"] == second.code == "B-001"
        assert (await every.receive_json_from(timeout=2))["id"] > shown["id"]
        await every.disconnect()
        await upstairs.disconnect()

    run(scenario)


@pytest.mark.parametrize("path", ["/ws/giessen/display/nope/", "/ws/nowhere/display/alle/"])
def test_an_unknown_screen_is_closed(screens, path):
    async def scenario():
        connected, code = await connect(path).connect()
        assert not connected
        assert code == 4404

    run(scenario)
