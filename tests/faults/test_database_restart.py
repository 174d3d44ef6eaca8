"""PostgreSQL restarted (`pg_ctl restart -m fast`) in the middle of a booking rush against the
app under granian: every booking the server acknowledged (201 and a code) is in the database
afterwards with its confirmation mail's task, and a request that met the outage gets a clear
"try again" (503, Retry-After, a message in the client's language), never a 500 page."""

import json
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
import pytest
from django.utils import timezone, translation

from tests.faults.conftest import BIN, Processes, free_port, wait_for_port, wait_until

CLIENTS = 24
LANGUAGES = ["ar", "tr", "de", "uk", "fa", "en"]


def busy_messages(language: str) -> set[str]:
    """The two ways of saying "busy, try again": the server's (schalter/overload.py) and the
    booking's own (appointments.errors.Busy)."""
    with translation.override(language):
        return {
            translation.gettext(
                "The service is very busy right now. Please try again in a moment."
            ),
            translation.gettext("Many people are booking right now. Please try again in a moment."),
        }


@pytest.fixture(scope="module")
def server(cluster, seeded, tmp_path_factory):
    """granian (WSGI), one for the module's tests."""
    processes = Processes(tmp_path_factory.mktemp("granian"))
    try:
        yield from serve(cluster, processes)
    finally:
        processes.stop_all()


def serve(cluster, processes):
    port = free_port()
    command = [str(BIN / "granian"), "--interface", "wsgi", "--host", "127.0.0.1",
               "--port", str(port), "--workers", "1", "--blocking-threads", "32", "--no-ws",
               "--log-level", "error", "schalter.config.wsgi:application"]  # fmt: skip
    env = cluster.env(DJANGO_SETTINGS_MODULE="schalter.config.settings.test")
    process = processes.start("granian", command, env)
    wait_for_port(port, process, seconds=120)
    base = f"http://127.0.0.1:{port}"
    # The first request loads Django in the worker; answered once it is ready.
    for _ in range(1200):
        try:
            if httpx.get(f"{base}/healthz", timeout=5).status_code < 500:
                break
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    yield base


def free_starts(base: str, seeded: dict) -> list[str]:
    today = timezone.localdate()
    slots = httpx.get(
        f"{base}/api/v1/offices/{seeded['office']}/availability",
        params={"service": seeded["service"], "start": today.isoformat(),
                "end": (today + timedelta(days=27)).isoformat()},
        timeout=60,
    ).json()["slots"]  # fmt: skip
    return [slot["start"] for slot in slots for _ in range(slot["available"])]


def test_a_database_restart_in_a_booking_rush_loses_no_acknowledged_booking(
    cluster, seeded, server
):
    starts = free_starts(server, seeded)
    assert len(starts) > 300
    targets = iter(enumerate(starts))
    take = threading.Lock()
    answers: list[tuple[str, int, dict, dict]] = []  # language, status, headers, body
    stop = threading.Event()
    restarted = threading.Event()
    after_restart = [0]

    def client(number: int) -> None:
        language = LANGUAGES[number % len(LANGUAGES)]
        with httpx.Client(base_url=server, timeout=60) as http:
            while not stop.is_set():
                with take:
                    index, start = next(targets)
                body = {"service": seeded["service"], "start": start, "name": "Rush Client",
                        "email": f"rush-{index}@example.org", "language": language}  # fmt: skip
                try:
                    response = http.post(
                        f"/api/v1/offices/{seeded['office']}/appointments",
                        json=body,
                        headers={"Accept-Language": language},
                    )
                except httpx.TransportError as error:  # a dropped connection: no answer at all
                    answers.append((language, 0, {}, {"error": repr(error)}))
                    continue
                try:
                    payload = response.json()
                except json.JSONDecodeError:
                    payload = {"page": response.text[:300]}
                answers.append((language, response.status_code, dict(response.headers), payload))
                if restarted.is_set():
                    after_restart[0] += 1

    with ThreadPoolExecutor(CLIENTS) as pool:
        running = [pool.submit(client, n) for n in range(CLIENTS)]
        deadline = time.monotonic() + 120
        while len(answers) < 40 and time.monotonic() < deadline:
            time.sleep(0.05)
        before = len(answers)
        cluster.pg_ctl("restart", "-m", "fast")
        restarted.set()
        while after_restart[0] < 60 and time.monotonic() < deadline:
            time.sleep(0.05)
        stop.set()
        for future in running:
            future.result()

    statuses = [status for _, status, _, _ in answers]
    print(  # the figures for the report (pytest -s)
        f"database restart: {len(answers)} bookings tried ({before} before the restart), "
        f"{statuses.count(201)} acknowledged, {statuses.count(503)} answered 503, "
        f"other: {sorted(set(statuses) - {201, 503})}",
        file=sys.stderr,
    )
    assert set(statuses) <= {201, 409, 503}, [a for a in answers if a[1] not in (201, 409, 503)]
    acknowledged = [body["code"] for _, status, _, body in answers if status == 201]
    stored = {code for (code,) in cluster.query("SELECT code FROM appointments_appointment")}
    assert set(acknowledged) <= stored, set(acknowledged) - stored
    mails = cluster.query(
        "SELECT count(DISTINCT a.code) FROM appointments_appointment a "
        "JOIN django_tasks_database_dbtaskresult t ON (t.args_kwargs->'args'->>0)::bigint = a.id "
        "WHERE a.code = ANY(%s)",
        acknowledged,
    )[0][0]
    assert mails == len(acknowledged)  # each with its confirmation mail's task
    refused = [(language, headers, body) for language, s, headers, body in answers if s == 503]
    for language, headers, body in refused:
        assert int(headers["retry-after"]) > 0
        assert body["error"] == "busy" and body["message"] in busy_messages(language)
    # Bookings go through again once the database is back.
    last_refusal = max((i for i, s in enumerate(statuses) if s == 503), default=before)
    assert 201 in statuses[last_refusal:]


def test_while_the_database_is_down_every_kind_of_request_gets_a_clear_retry_answer(
    cluster, seeded, server
):
    with httpx.Client(base_url=server, timeout=60, headers={"Accept-Language": "ar"}) as http:
        login = http.get("/staff/login/")
        assert login.status_code == 200
        csrf = http.cookies["csrftoken"]
        today = timezone.localdate().isoformat()
        start = free_starts(server, seeded)[-1]  # a time the booking would take
        requests = [
            ("GET", "/ar/giessen/", {}),
            ("GET", "/ar/giessen/book/", {}),
            ("GET", f"/api/v1/offices/giessen/availability?service={seeded['service']}"
                    f"&start={today}&end={today}", {}),
            ("POST", "/api/v1/offices/giessen/appointments", {"json": {
                "service": seeded["service"], "start": start,
                "name": "Down Time", "email": "down@example.org", "language": "ar"}}),
            ("POST", "/staff/login/", {"data": {
                "username": "nobody", "password": "x", "csrfmiddlewaretoken": csrf}}),
        ]  # fmt: skip
        cluster.pg_ctl("stop", "-m", "fast")
        try:
            answers = [(p, http.request(method, p, **extra)) for method, p, extra in requests]
        finally:
            cluster.pg_ctl("start", "-o", f"-p {cluster.port} -k {cluster.directory}")
        for path, answer in answers:
            assert answer.status_code == 503, (path, answer.status_code, answer.text[:300])
            assert int(answer.headers["retry-after"]) > 0, path
            text = answer.text
            assert any(m in text or json_escaped(m) in text for m in busy_messages("ar")), path
        # Back: a client that follows Retry-After gets the page again (the pool drops the
        # connections it finds broken, which may cost a few more 503s right after the start).
        wait_until(lambda: http.get("/ar/giessen/").status_code == 200, 30, "the page again")


def json_escaped(text: str) -> str:
    return json.dumps(text)[1:-1]
