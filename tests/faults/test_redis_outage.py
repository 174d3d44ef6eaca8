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
from types import SimpleNamespace

import httpx
import pytest
import websockets
from playwright.sync_api import expect, sync_playwright

from schalter.visits.consumers import PROBE_SECONDS, PROBE_TIMEOUT_SECONDS, TRY_AGAIN_LATER
from tests.browser.conftest import CHROMIUM, CHROMIUM_FLAGS
from tests.faults.conftest import BIN, free_port, wait_for_port, wait_until

# Polling while the socket is down is every 2 s (display.js POLL_MS); while it is open, every
# 15 s. A call shown within this is shown by the fallback.
POLLED_WITHIN_SECONDS = 8


@pytest.fixture
def stack(cluster, processes):
    """Redis, a caller (a desk calling walk-ins) and daphne, on the faults cluster."""
    redis = shutil.which("redis-server")
    assert redis, "redis-server is not installed (apt-get install redis-server)"
    redis_port = free_port()
    redis_command = [redis, "--port", str(redis_port), "--save", "", "--appendonly", "no"]
    runs = [processes.start("redis", redis_command, cluster.env())]
    wait_for_port(redis_port, runs[0])
    live = {"SCHALTER_REDIS_URL": f"redis://127.0.0.1:{redis_port}/0"}
    caller = processes.scenario(cluster, **live)
    caller.run("display")
    port = free_port()
    app = processes.start(
        "daphne",
        [str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(port),
         "schalter.config.asgi:application"],
        # DEBUG: WhiteNoise serves the static files (display.js) from the sources, uncollected.
        cluster.env(**live, SCHALTER_DEBUG="on"),
    )  # fmt: skip
    wait_for_port(port, app, seconds=120)

    def stop_redis() -> None:
        runs[-1].terminate()
        runs[-1].wait(timeout=10)

    def start_redis() -> None:
        runs.append(processes.start(f"redis-{len(runs)}", redis_command, cluster.env()))
        wait_for_port(redis_port, runs[-1])

    def socket_events(kind: str) -> int:
        """How often daphne logged a display socket connecting or disconnecting."""
        return processes.log("daphne", chars=10**7).count(f'"{kind} /ws/wetzlar/display/alle/"')

    return SimpleNamespace(
        origin=f"http://127.0.0.1:{port}",
        socket_url=f"ws://127.0.0.1:{port}/ws/wetzlar/display/alle/",
        caller=caller,
        stop_redis=stop_redis,
        start_redis=start_redis,
        socket_events=socket_events,
    )


def test_a_display_socket_is_closed_while_redis_is_away_and_live_again_after(stack):
    origin, socket_url, caller = stack.origin, stack.socket_url, stack.caller

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

            stack.stop_redis()
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
        stack.start_redis()
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


def test_the_display_page_shows_calls_by_polling_while_redis_is_away(stack):
    """The same in Chromium: the page's own script falls back and goes live again."""

    def in_browser() -> None:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            try:
                page = browser.new_page()
                page.set_default_timeout(60000)
                page.goto(f"{stack.origin}/wetzlar/display/alle/")
                calls = page.locator("#display-calls")
                wait_until(lambda: stack.socket_events("WSCONNECT"), 60, "the page's socket")
                first = stack.caller.run("call")["code"]
                expect(calls).to_contain_text(first)

                stack.stop_redis()
                wait_until(lambda: stack.socket_events("WSDISCONNECT"), 30, "the socket closed")
                away = time.monotonic()
                second = stack.caller.run("call")["code"]
                expect(calls).to_contain_text(second, timeout=POLLED_WITHIN_SECONDS * 1000)
                assert time.monotonic() - away < POLLED_WITHIN_SECONDS + 3

                connected = stack.socket_events("WSCONNECT")
                stack.start_redis()
                wait_until(lambda: stack.socket_events("WSCONNECT") > connected, 60, "a reconnect")
                third = stack.caller.run("call")["code"]
                expect(calls).to_contain_text(third)
            finally:
                browser.close()

    # Playwright's sync API in a thread of its own: a browser test earlier in this worker may
    # keep Playwright's event loop in the main thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(in_browser).result()
