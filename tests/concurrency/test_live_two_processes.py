"""Live updates across app processes: with Redis as the channel layer, a call made through one
process reaches a display connected to another, within two seconds."""

import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import time as clock
from pathlib import Path

import pytest
import websockets
from django.conf import settings
from django.test import Client
from django.utils import timezone
from django_scopes import scopes_disabled

from schalter.accounts.actors import CLIENT, COMMAND
from schalter.offices.models import Desk
from schalter.offices.services import opening_hours_set
from schalter.visits import services
from tests.concurrency.test_visit_races import csrf, http_client
from tests.conftest import build_office, sign_in

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Generous: starting Daphne (Django, Channels, Twisted) takes seconds on a busy 2-core machine.
def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, f"process on port {port} exited"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listens on port {port}")


def database_url() -> str:
    db = settings.DATABASES["default"]
    return (
        f"postgresql://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or 'localhost'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


@pytest.fixture
def processes(transactional_db, tmp_path):
    """Redis and two app processes (daphne) sharing the test database and the Redis layer."""
    redis = shutil.which("redis-server")
    if redis is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    started: list[subprocess.Popen] = []

    def start(command: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
        process = subprocess.Popen(
            command, cwd=tmp_path if env is None else ROOT, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        started.append(process)
        return process

    try:
        redis_port = free_port()
        wait_for_port(
            redis_port,
            start([redis, "--port", str(redis_port), "--save", "", "--appendonly", "no"]),
        )
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "schalter.config.settings.test",
            "DATABASE_URL": database_url(),
            "SCHALTER_REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        }
        ports = [free_port(), free_port()]
        for port in ports:
            app = [str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(port)]
            start([*app, "schalter.config.asgi:application"], env)
        for port, process in zip(ports, started[1:], strict=True):
            wait_for_port(port, process)
        yield ports
    finally:
        for process in started:
            process.terminate()
        for process in started:
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_a_call_through_one_process_reaches_a_display_on_the_other(processes, make_staff):
    first, second = processes
    now = timezone.now()
    office = build_office("giessen", desks=1)
    # Open around the clock, so the test does not depend on when it runs.
    opening_hours_set(
        office=office,
        weekly={d: [(clock(0, 0), clock(23, 59))] for d in range(7)},
        acting_user=COMMAND,
    )
    with scopes_disabled():
        desk = Desk.objects.get(office=office)
        desk.services.clear()
    group = services.service_group_create(
        office=office, name={"de": "Abholung"}, prefix="A", services=[], acting_user=COMMAND
    )
    services.screen_create(office=office, name="Alle", public_id="alle", acting_user=COMMAND)
    ticket = services.ticket_issue_walk_in(
        office=office, group=group, now=now, acting_user=CLIENT
    ).ticket
    user = make_staff(office, "caseworker")
    services.desk_session_open(office=office, desk=desk, user=user, now=now, acting_user=user)
    staff = http_client(f"http://127.0.0.1:{first}", sign_in(Client(), user))
    token = csrf(staff, "/staff/giessen/desk/")

    async def scenario() -> tuple[dict, float]:
        url = f"ws://127.0.0.1:{second}/ws/giessen/display/alle/"
        async with websockets.connect(url, origin=f"http://127.0.0.1:{second}") as display:
            await asyncio.sleep(0.2)  # the consumer joins its group right after the handshake
            called = time.monotonic()
            response = await asyncio.to_thread(
                staff.post,
                "/staff/giessen/desk/",
                data={"action": "call_next", "csrfmiddlewaretoken": token},
            )
            assert response.status_code == 302
            frame = await asyncio.wait_for(display.recv(), timeout=2)
            return json.loads(frame), time.monotonic() - called

    # A thread of its own: a browser test earlier in this worker may leave Playwright's event
    # loop running in the main thread, where asyncio.run would refuse to start.
    with ThreadPoolExecutor(max_workers=1) as pool:
        shown, seconds = pool.submit(asyncio.run, scenario()).result()
    assert shown["code"] == ticket.code and shown["kind"] == "call"
    assert shown["desk"]["number"] == desk.number
    assert seconds < 2
