"""What operators see (issue 11, observability and item 7): /metrics only with its token and only
counts, /healthz with its parts, and logs without capabilities or personal data."""

import io
import json
import logging
import logging.config
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import OperationalError, connection
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from schalter.accounts.actors import CLIENT, COMMAND
from schalter.appointments import selectors as booking_selectors
from schalter.appointments import services as booking
from schalter.appointments.models import Channel
from schalter.catalog.models import Service
from schalter.observability import health
from schalter.observability.logs import redact
from schalter.observability.requests import RESPONSES
from schalter.visits import services as visits

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "metrics-token-for-the-tests"
NAME, EMAIL = "Zainab Testperson", "zainab.testperson@example.org"
# A Monday 09:00 at the office (open 08:00-12:00; tests/conftest.py).
MONDAY_9 = datetime(2031, 3, 3, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def book(office, service, *, channel=Channel.ONLINE, email=EMAIL) -> booking.Booked:
    now = timezone.now()
    free = booking_selectors.free_times(
        office,
        booking_selectors.offered_service(office, service.pk),
        now.date(),
        now.date() + timedelta(days=14),
        now=now,
        persons=1,
        channel=channel,
        cached=False,
    )
    return booking.appointment_book(
        office=office,
        service=service,
        start=free[0].start,
        channel=channel,
        now=now,
        name=NAME,
        email=email,
        language="de",
        acting_user=COMMAND,
    )


def metrics_of(client: Client) -> dict[str, float]:
    """/metrics as {sample name with labels: value}."""
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    samples = {}
    for line in response.content.decode().splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            samples[name] = float(value)
    return samples


# --- /metrics -----------------------------------------------------------------------------------


@pytest.mark.parametrize("address", ["127.0.0.1", "::1", "203.0.113.9"])
def test_metrics_need_the_token_from_every_address(client, db, settings, address):
    settings.SCHALTER_METRICS_TOKEN = TOKEN
    # The loopback address used to be let in without a token: behind a proxy on the same
    # machine, that is everyone.
    assert client.get("/metrics", REMOTE_ADDR=address).status_code == 401
    wrong = client.get("/metrics", REMOTE_ADDR=address, HTTP_AUTHORIZATION="Bearer guess")
    assert wrong.status_code == 401
    right = client.get("/metrics", REMOTE_ADDR=address, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert right.status_code == 200


def test_without_a_token_there_are_no_metrics(client, db, settings):
    settings.SCHALTER_METRICS_TOKEN = ""
    for headers in [{}, {"HTTP_AUTHORIZATION": "Bearer "}]:
        response = client.get("/metrics", REMOTE_ADDR="127.0.0.1", follow=True, **headers)
        assert response.status_code == 404
        assert b"schalter_" not in response.content


def test_metrics_count_requests_outcomes_queues_and_task_lag(client, office, bookable, settings):
    settings.SCHALTER_METRICS_TOKEN = TOKEN
    settings.TASKS = DATABASE_TASKS
    pending = book(office, bookable["short"])
    confirmed = book(office, bookable["short"], channel=Channel.STAFF, email="b@example.org")
    cancelled = book(office, bookable["short"], channel=Channel.STAFF, email="c@example.org")
    booking.appointment_cancel(
        appointment=cancelled.appointment, now=timezone.now(), acting_user=CLIENT
    )
    group = visits.service_group_create(
        office=office,
        name={"de": "Abholung"},
        prefix="A",
        services=[Service.objects.get(slug="card-pick-up")],
        acting_user=COMMAND,
    )
    before = RESPONSES.snapshot()
    assert client.get("/de/giessen/").status_code == 200
    assert client.get("/de/no-such-office/").status_code == 404
    with time_machine.travel(MONDAY_9, tick=False):
        for _ in range(3):
            visits.ticket_issue_walk_in(
                office=office, group=group, now=MONDAY_9, acting_user=CLIENT
            )
        # The confirmation mails wait in the task table for a worker: the oldest since 90 s.
        DBTaskResult.objects.update(enqueued_at=MONDAY_9 - timedelta(seconds=90))
        samples = metrics_of(client)

    assert samples["schalter_up"] == 1
    # Requests, by status class, counted by this process.
    assert samples['schalter_http_responses_total{class="2xx"}'] >= before["2xx"] + 1
    assert samples['schalter_http_responses_total{class="4xx"}'] >= before["4xx"] + 1
    # Booking outcomes, from the database.
    assert samples['schalter_appointments{office="giessen",status="pending"}'] == 1
    assert samples['schalter_appointments{office="giessen",status="confirmed"}'] == 1
    assert samples['schalter_appointments{office="giessen",status="cancelled"}'] == 1
    # Today's queue.
    assert samples['schalter_queue_waiting{office="giessen"}'] == 3
    # The mails were queued (database backend), nobody ran them.
    assert DBTaskResult.objects.ready().exists()
    assert samples["schalter_task_lag_seconds"] == pytest.approx(90, abs=1)
    # Counts only: nothing about the people behind them.
    text = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    for personal in [NAME, EMAIL, pending.manage_token, confirmed.appointment.code]:
        assert personal not in text


# --- /healthz -----------------------------------------------------------------------------------


def test_health_reports_database_cache_and_worker(client, db):
    answer = client.get("/healthz")
    assert answer.status_code == 200
    # The immediate backend of the tests answers the heartbeat at once.
    assert answer.json() == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "worker": "ok",
        "worker_heartbeat_age_seconds": 0,
    }
    assert answer["Cache-Control"] == "no-store"


def test_health_is_503_when_the_database_is_down(client, db, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "ensure_connection", refuse)
        answer = client.get("/healthz")
    assert answer.status_code == 503
    assert answer.json() == {"status": "down", "database": "down"}


def test_health_is_degraded_but_200_when_the_cache_is_down(client, db, settings):
    # Nothing listens on port 9 of the loopback address: every cache call fails.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
        }
    }
    answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json()["cache"] == "down"
    assert answer.json()["status"] == "degraded"


@pytest.mark.django_db(transaction=True)  # the worker takes its own connection
def test_worker_heartbeat_ok_then_stale_when_no_worker_takes_it(client, settings):
    settings.TASKS = DATABASE_TASKS
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        first = client.get("/healthz").json()
    # The first check asks for a heartbeat; none answered yet.
    assert first["worker"] == "unknown" and first["status"] == "ok"
    assert DBTaskResult.objects.ready().filter(task_path=health.HEARTBEAT_PATH).count() == 1

    # A worker runs it.
    with time_machine.travel(start + timedelta(seconds=5), tick=False):
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
        assert client.get("/healthz").json()["worker"] == "ok"
    # Later checks ask again now and then (not at every check)...
    with time_machine.travel(start + timedelta(seconds=10), tick=False):
        assert client.get("/healthz").json()["worker"] == "ok"
    assert DBTaskResult.objects.ready().filter(task_path=health.HEARTBEAT_PATH).count() == 0
    with time_machine.travel(start + timedelta(seconds=40), tick=False):
        assert client.get("/healthz").json()["worker"] == "ok"
    assert DBTaskResult.objects.ready().filter(task_path=health.HEARTBEAT_PATH).count() == 1
    # ... and nobody runs that one: the worker is stale once it waited too long.
    with time_machine.travel(start + timedelta(seconds=100), tick=False):
        assert client.get("/healthz").json()["worker"] == "ok"
    with time_machine.travel(start + timedelta(seconds=200), tick=False):
        late = client.get("/healthz")
    assert late.status_code == 200
    assert late.json()["worker"] == "stale" and late.json()["status"] == "degraded"
    assert late.json()["worker_heartbeat_age_seconds"] == 195
    # A worker comes back and takes it.
    with time_machine.travel(start + timedelta(seconds=205), tick=False):
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
        assert client.get("/healthz").json()["worker"] == "ok"
    # Each heartbeat removed the one before it: the task table does not fill with them.
    assert DBTaskResult.objects.filter(task_path=health.HEARTBEAT_PATH).count() == 1


# --- Logs ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def production_logging() -> dict:
    """The LOGGING of the production settings, read from a production process."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SCHALTER_") and key != "DJANGO_SETTINGS_MODULE"
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="schalter.config.settings.production",
        SCHALTER_SECRET_KEY="k" + "".join(f"{n:02x}" for n in range(40)),
        SCHALTER_ALTCHA_KEY="a" + "".join(f"{n:02x}" for n in range(40, 80)),
        SCHALTER_SECRETS_KEYS="c2NoYWx0ZXItdGVzdC1zZWNyZXRzLWtleS0zMi1ieXQ=",
        SCHALTER_ACCESS_LOG="on",
    )
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, django; django.setup(); from django.conf import settings; "
            "print(json.dumps(settings.LOGGING))",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(shown.stdout)


@pytest.fixture
def logged(production_logging, settings):
    """Production's logging in this process, its console handler writing into a buffer;
    returns a function that gives what was logged so far."""
    logging.config.dictConfig(production_logging)
    (console,) = logging.getLogger().handlers
    buffer = io.StringIO()
    console.setStream(buffer)  # type: ignore[attr-defined]
    yield buffer.getvalue
    logging.config.dictConfig(settings.LOGGING)


def test_logs_keep_no_capability_nor_person_of_a_failed_request(
    logged, office, bookable, settings, tmp_path
):
    booked = book(office, bookable["short"])
    code, token = booked.appointment.code, booked.manage_token
    manage = f"/de/giessen/book/manage/{code}/{token}/"
    client = Client(raise_request_exception=False)
    # A 404: the right link at the wrong office.
    assert client.get(f"/de/darmstadt/book/manage/{code}/{token}/").status_code == 404
    # A 500: the manage page fails to render (its template names a route that does not exist).
    (tmp_path / "public").mkdir()
    (tmp_path / "public" / "booking_manage.html").write_text('{% url "no-such-route" %}')
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    assert client.get(manage).status_code == 500
    # An access line (SCHALTER_ACCESS_LOG=on), with its query string.
    assert client.get(manage + f"?key={token}", HTTP_AUTHORIZATION=f"Bearer {token}").status_code
    output = logged()

    lines = [json.loads(line) for line in output.splitlines() if line.strip()]
    statuses = {line.get("status") for line in lines}
    assert {404, 500} <= statuses, output
    assert any(line["logger"] == "django.request" for line in lines)
    assert any(line["logger"] == "schalter.requests" for line in lines)
    assert any("NoReverseMatch" in line.get("exception", "") for line in lines)
    for secret in [token, code, NAME, EMAIL, EMAIL.split("@")[0]]:
        assert secret not in output
    assert "/book/manage/[redacted]/[redacted]/" in output


@pytest.mark.parametrize(
    ("logged_text", "kept"),
    [
        ("Not Found: /de/giessen/book/manage/AB3K7PQ2/0123456789abcdef0123/", "/de/giessen/"),
        ("GET /de/giessen/book/confirm/AB3K7PQ2/tok/ 404", "/book/confirm/"),
        ("GET /de/giessen/book/move/AB3K7PQ2/tok/ 200", "GET /de/giessen/book/move/"),
        ("Not Found: /de/giessen/book/sent/AB3K7PQ2/", "/book/sent/"),
        ("Not Found: /en/giessen/appointment/AB3K7PQ2/abcdefgh/", "/en/giessen/appointment/"),
        ("Not Found: /giessen/kiosk/eingang/ticket/t0k3n-value/", "/giessen/kiosk/eingang/"),
        ("WebSocket /ws/giessen/ticket/t0k3n-value/ rejected", "/ws/giessen/ticket/"),
        ("Not Found: /ar/giessen/ticket/t0k3n-value/ticket.pdf", "/ar/giessen/ticket/"),
        ("GET /de/interpreter/sign-in/t0k3n-value/ 200", "GET /de/interpreter/sign-in/"),
        ("GET /fa/giessen/callback/t0k3n-value/withdraw/ 200", "/fa/giessen/callback/"),
        ("Not Found: /de/giessen/feedback/t0k3n-value/", "/de/giessen/feedback/"),
        ("GET /giessen/kiosk/eingang/?key=s3cret-kiosk&x=1", "&x=1"),
        ("GET /api/v1/x?token=s3cret&lang=de", "&lang=de"),
        ("headers: {'Authorization': 'Bearer s3cret'}", "headers"),
        ("Authorization: Token s3cret", "Authorization"),
        ("Cookie: sessionid=s3cret; csrftoken=s3cret", "Cookie"),
        ("mail to zainab.t+x@example.org refused", "refused"),
        (
            'duplicate key value violates unique constraint "u"\n'
            "DETAIL:  Key (email, day)=(s3cret@example.org, 2031-03-03) already exists.",
            "already exists",
        ),
        (
            'new row for relation "appointments_appointment" violates check constraint\n'
            "DETAIL:  Failing row contains (1, Zainab s3cret, pending).",
            "Failing row contains",
        ),
        ("a stray token 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "stray"),
        ("kiosk key 0aB_c1De2Fg3Hi4Jk5Lm6No7Pq8Rs9Tu-Vw", "kiosk key"),
    ],
)
def test_redaction_covers_every_kind_of_capability(logged_text, kept):
    redacted = redact(logged_text)
    for secret in ["AB3K7PQ2", "tok", "t0k3n", "s3cret", "zainab", "Zainab", "9f86d0", "0aB_c1"]:
        assert secret not in redacted.replace("token", "")
    assert kept in redacted


def test_redaction_leaves_ordinary_lines_alone():
    for line in [
        "overloaded: refused 12 requests with 503 (more than 100 in flight)",
        "GET /de/giessen/services/residence-permit/ 200 12ms",
        "GET /static/kern/kern.min.css 200",
        "GET /de/giessen/callback/ 200 12ms",
        "GET /staff/giessen/callbacks/17/ 200",
    ]:
        assert redact(line) == line
