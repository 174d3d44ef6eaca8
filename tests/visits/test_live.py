"""Live updates: a call made through the service reaches a connected display at once, only if its
screen shows the ticket's group; an unknown screen is closed."""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections

from schalter.accounts.actors import CLIENT, COMMAND
from schalter.config.asgi import application
from schalter.visits import consumers, services
from schalter.visits.models import Priority
from tests.visits.conftest import later, walk_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def screens(office, groups):
    return {
        "all": services.screen_create(
            office=office, name="Alle", public_id="alle", acting_user=COMMAND
        ),
        "b": services.screen_create(
            office=office, name="1. OG", public_id="og1", groups=[groups["B"]], acting_user=COMMAND
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
        call = sync_to_async(partial(services.ticket_call_next, acting_user=COMMAND))
        first = await call(desk_session=desk, now=later(now, 1))
        assert first.code == "A-001"
        shown = await every.receive_json_from(timeout=2)
        assert shown["code"] == "A-001" and shown["kind"] == "call"
        assert shown["desk"]["number"] == desk.desk.number
        assert set(shown["desk"]) == {"number", "colour", "symbol", "name", "names"}
        # The colour's name in every language, each display shows its own (issue 12).
        assert {line["lang"] for line in shown["desk"]["names"]} >= {"de", "ar", "fa-AF"}
        assert await upstairs.receive_nothing(timeout=0.3)  # group A is not shown upstairs
        started = await sync_to_async(partial(services.ticket_start, acting_user=COMMAND))(
            desk_session=desk, ticket=first, now=later(now, 2)
        )
        await sync_to_async(partial(services.ticket_finish, acting_user=COMMAND))(
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


def phone_of(office, group, now, **extra) -> tuple[object, WebsocketCommunicator]:
    issued = services.ticket_issue_walk_in(
        office=office, group=group, now=now, acting_user=CLIENT, **extra
    )
    return issued.ticket, connect(f"/ws/giessen/ticket/{issued.token}/")


def test_phones_hear_when_their_ticket_or_their_queue_moves(groups, office, sessions, now):
    desk_a, desk_b = sessions(2)
    first, first_phone = phone_of(office, groups["A"], now)
    _, behind_phone = phone_of(office, groups["A"], now)

    async def scenario():
        assert (await first_phone.connect())[0] and (await behind_phone.connect())[0]
        call = sync_to_async(partial(services.ticket_call_next, acting_user=COMMAND))
        assert await call(desk_session=desk_a, now=later(now, 1)) == first
        assert await first_phone.receive_json_from(timeout=2) == {"changed": "ticket"}
        assert await behind_phone.receive_json_from(timeout=2) == {"changed": "queue"}

        # An urgent client in queue B (there before the transfer below: called first) ...
        urgent, urgent_phone = await sync_to_async(phone_of)(
            office, groups["B"], later(now, -1), priority=Priority.URGENT
        )
        assert (await urgent_phone.connect())[0]
        # ... and the first client sent on to queue B: from now on queue B's moves concern her.
        await sync_to_async(partial(services.ticket_transfer, acting_user=COMMAND))(
            desk_session=desk_a, ticket=first, to_group=groups["B"], now=later(now, 2)
        )
        assert await first_phone.receive_json_from(timeout=2) == {"changed": "ticket"}
        assert await urgent_phone.receive_json_from(timeout=2) == {"changed": "queue"}
        assert await behind_phone.receive_nothing(timeout=0.3)

        assert await call(desk_session=desk_b, now=later(now, 3)) == urgent
        assert await urgent_phone.receive_json_from(timeout=2) == {"changed": "ticket"}
        assert await first_phone.receive_json_from(timeout=2) == {"changed": "queue"}
        assert await behind_phone.receive_nothing(timeout=0.3)
        for phone in (first_phone, behind_phone, urgent_phone):
            await phone.disconnect()

    run(scenario)


def test_a_start_or_finish_refreshes_only_its_own_phone(groups, office, sessions, now):
    (desk,) = sessions(1)
    first, first_phone = phone_of(office, groups["A"], now)
    _, behind_phone = phone_of(office, groups["A"], now)

    async def scenario():
        assert (await first_phone.connect())[0] and (await behind_phone.connect())[0]
        await sync_to_async(partial(services.ticket_call_next, acting_user=COMMAND))(
            desk_session=desk, now=later(now, 1)
        )
        assert await first_phone.receive_json_from(timeout=2) == {"changed": "ticket"}
        assert await behind_phone.receive_json_from(timeout=2) == {"changed": "queue"}
        started = await sync_to_async(partial(services.ticket_start, acting_user=COMMAND))(
            desk_session=desk, ticket=first, now=later(now, 2)
        )
        await sync_to_async(partial(services.ticket_finish, acting_user=COMMAND))(
            desk_session=desk, ticket=started, outcome="completed", now=later(now, 3)
        )
        for _step in ("start", "finish"):
            assert await first_phone.receive_json_from(timeout=2) == {"changed": "ticket"}
        assert await behind_phone.receive_nothing(timeout=0.3)  # its place did not change
        for phone in (first_phone, behind_phone):
            await phone.disconnect()

    run(scenario)


@pytest.mark.parametrize("token", ["nope", "x" * 300, "%00"])
def test_an_unknown_ticket_is_closed(office, token):
    async def scenario():
        connected, code = await connect(f"/ws/giessen/ticket/{token}/").connect()
        assert not connected
        assert code == 4404

    run(scenario)


def test_a_socket_that_cannot_keep_up_delays_no_other():
    """The process's hub writes each frame to every socket without waiting for any one of them;
    a socket stuck in its write gets at most BACKLOG frames queued, the rest are dropped (its
    page polls)."""
    frames = consumers.BACKLOG + 5

    async def scenario():
        hub = consumers._Hub("display.0")
        stuck, quick = consumers.DisplayConsumer(), consumers.DisplayConsumer()
        unblocked, got = asyncio.Event(), []

        async def never(message):
            await unblocked.wait()

        async def record(message):
            got.append(message["text"])

        for consumer, send in ((stuck, never), (quick, record)):
            consumer.base_send, consumer.groups_shown, consumer.floors_shown = send, [], []
            hub.add(consumer)
        for n in range(frames):
            hub.deliver({"type": "display.call", "text": str(n), "group": 1, "floor": None})
        assert got == [str(n) for n in range(frames)]  # at once, nothing awaited
        assert stuck.backlog == consumers.BACKLOG
        unblocked.set()
        await asyncio.sleep(0.05)
        assert stuck.backlog == 0 and not hub.writing

    run(scenario)
