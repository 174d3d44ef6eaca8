"""Redis stopped while a call display is connected (daphne, Channels over Redis pub/sub): the
server closes the display's socket with 4503 ("try again later") within seconds, so the page
polls calls.json (every two seconds, display.js) instead of waiting on a socket that no longer
brings calls; calls made meanwhile go through and polling shows them; reconnects are refused
until Redis is back, and then the socket brings calls again."""

import asyncio
import json
import shutil
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import websockets

from schalter.visits.consumers import PROBE_SECONDS, PROBE_TIMEOUT_SECONDS, TRY_AGAIN_LATER
from tests.faults.conftest import BIN, free_port, wait_for_port


def test_a_display_falls_back_to_polling_while_redis_is_away_and_goes_live_again(
    cluster, processes
):
    redis = shutil.which("redis-server")
    assert redis, "redis-server is not installed (apt-get install redis-server)"
    redis_port = free_port()
    redis_command = [redis, "--port", str(redis_port), "--save", "", "--appendonly", "no"]
    redis_process = processes.start("redis", redis_command, cluster.env())
    wait_for_port(redis_port, redis_process)
    live = {"SCHALTER_REDIS_URL": f"redis://127.0.0.1:{redis_port}/0"}
    caller = processes.scenario(cluster, **live)
    caller.run("display")
    port = free_port()
    app = processes.start(
        "daphne",
        [str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(port),
         "schalter.config.asgi:application"],
        cluster.env(**live),
    )  # fmt: skip
    wait_for_port(port, app, seconds=120)
    origin = f"http://127.0.0.1:{port}"
    socket_url = f"ws://127.0.0.1:{port}/ws/wetzlar/display/alle/"

    def polled() -> list[str]:
        answer = httpx.get(f"{origin}/wetzlar/display/alle/calls.json?after=0", timeout=30)
        assert answer.status_code == 200
        return [call["code"] for call in answer.json()["calls"]]

    async def next_call(display) -> str:
        return json.loads(await asyncio.wait_for(display.recv(), 30))["code"]

    async def scenario() -> float:
        async with websockets.connect(socket_url, origin=origin, open_timeout=60) as display:
            await asyncio.sleep(0.3)
            first = await asyncio.to_thread(caller.run, "call")
            assert await next_call(display) == first["code"]

            redis_process.terminate()
            redis_process.wait(timeout=10)
            stopped = time.monotonic()
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(display.recv(), PROBE_SECONDS + PROBE_TIMEOUT_SECONDS + 20)
            noticed = time.monotonic() - stopped
        assert closed.value.rcvd is not None and closed.value.rcvd.code == TRY_AGAIN_LATER

        # Away: a call still goes through, polling shows it, a new socket is turned away.
        second = await asyncio.to_thread(caller.run, "call")
        assert second["code"] in await asyncio.to_thread(polled)
        with pytest.raises((websockets.ConnectionClosed, websockets.InvalidStatus)):
            async with websockets.connect(socket_url, origin=origin) as refused:
                await asyncio.wait_for(refused.recv(), 30)

        # Back on the same port: the display's next reconnect is live again.
        back = processes.start("redis-again", redis_command, cluster.env())
        wait_for_port(redis_port, back)
        async with websockets.connect(socket_url, origin=origin) as display:
            await asyncio.sleep(0.3)
            third = await asyncio.to_thread(caller.run, "call")
            assert await next_call(display) == third["code"]
        return noticed

    # A thread of its own: a browser test earlier in this worker may leave Playwright's event
    # loop running in the main thread, where asyncio.run would refuse to start.
    with ThreadPoolExecutor(max_workers=1) as pool:
        noticed = pool.submit(asyncio.run, scenario()).result()
    assert noticed < PROBE_SECONDS + PROBE_TIMEOUT_SECONDS + 5
