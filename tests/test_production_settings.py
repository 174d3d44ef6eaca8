"""Production refuses unsafe settings: it does not start with a missing, default, example or short
secret key, nor without a proof-of-work key of its own (issue 11, item 1). Each case starts a
real Python process with the production settings, as a server would."""

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
STRONG = "k" + "".join(f"{n:02x}" for n in range(40))  # 81 characters, many distinct
OTHER_STRONG = "a" + "".join(f"{n:02x}" for n in range(40, 80))
SECRETS_KEY = "c2NoYWx0ZXItdGVzdC1zZWNyZXRzLWtleS0zMi1ieXQ="  # a Fernet key (32 bytes)


def start(
    **variables: str,
) -> subprocess.CompletedProcess:
    return run_production(["-c", "import django; django.setup(); print('started')"], **variables)


def run_production(
    arguments: list[str], *, timeout: float = 60, **variables: str
) -> subprocess.CompletedProcess:
    """`python <arguments>` with the production settings and only the given SCHALTER_ variables."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SCHALTER_")
        # The test run's own switches (DJANGO_ALLOW_ASYNC_UNSAFE is set for Playwright) are no
        # server's environment.
        and key not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(DJANGO_SETTINGS_MODULE="schalter.config.settings.production", **variables)
    return subprocess.run(
        [sys.executable, *arguments],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.mark.parametrize(
    ("secret_key", "altcha_key", "named"),
    [
        (None, OTHER_STRONG, "SCHALTER_SECRET_KEY"),  # missing: the public default
        ("insecure-local-only-key-change-me", OTHER_STRONG, "SCHALTER_SECRET_KEY"),
        ("change-me-to-50-random-characters-xxxxxxxxxxxxxxxxxxxxx", OTHER_STRONG, "SECRET"),
        ("short-but-random-8f3a9c", OTHER_STRONG, "SCHALTER_SECRET_KEY"),
        ("ab" * 40, OTHER_STRONG, "SCHALTER_SECRET_KEY"),  # long, but two characters
        (STRONG, None, "SCHALTER_ALTCHA_KEY"),  # the proof-of-work key is a key of its own
        (STRONG, STRONG, "SCHALTER_ALTCHA_KEY"),
    ],
)
def test_production_refuses_to_start_with_a_weak_key(secret_key, altcha_key, named):
    keys = {
        "SCHALTER_SECRET_KEY": secret_key,
        "SCHALTER_ALTCHA_KEY": altcha_key,
        "SCHALTER_SECRETS_KEYS": SECRETS_KEY,
    }
    started = start(**{name: value for name, value in keys.items() if value is not None})
    assert started.returncode != 0
    assert "started" not in started.stdout
    assert "ImproperlyConfigured" in started.stderr and named in started.stderr


def test_production_starts_with_strong_keys_of_its_own():
    started = start(
        SCHALTER_SECRET_KEY=STRONG,
        SCHALTER_ALTCHA_KEY=OTHER_STRONG,
        SCHALTER_SECRETS_KEYS=SECRETS_KEY,
    )
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "started"


KEYS = {
    "SCHALTER_SECRET_KEY": STRONG,
    "SCHALTER_ALTCHA_KEY": OTHER_STRONG,
    "SCHALTER_SECRETS_KEYS": SECRETS_KEY,
}


@pytest.mark.parametrize(
    "secrets_keys",
    [
        None,  # missing: the development key, readable in the repository
        "bG9jYWwtb25seS1zZWNyZXRzLWtleS1jaGFuZ2UtbWU=",  # that key given explicitly
        f"{SECRETS_KEY},not-a-fernet-key",  # a rotation with a broken old key
    ],
)
def test_production_refuses_to_start_without_keys_for_the_stored_secrets(secrets_keys):
    """IMAP passwords are sealed with SCHALTER_SECRETS_KEYS (schalter/secrets.py)."""
    keys = {**KEYS, "SCHALTER_SECRETS_KEYS": secrets_keys}
    started = start(**{name: value for name, value in keys.items() if value is not None})
    assert started.returncode != 0
    assert "ImproperlyConfigured" in started.stderr and "SCHALTER_SECRETS_KEYS" in started.stderr


def test_production_caches_in_redis_when_it_is_there():
    """Every process shares the cache (a planning run's progress reaches the web processes)."""
    started = run_production(
        [
            "-c",
            "import django; django.setup(); from django.conf import settings as s; print(s.CACHES)",
        ],
        SCHALTER_REDIS_URL="redis://127.0.0.1:1/0",
        **KEYS,
    )
    assert started.returncode == 0, started.stderr
    assert "RedisCache" in started.stdout


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    """`manage.py check --deploy` finds nothing, not even a warning (HSTS, HTTPS redirect, secure
    cookies, keys); the one reminder silenced on purpose (HSTS preload) says why in settings."""
    checked = run_production(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DATABASE_URL=f"sqlite:///{tmp_path / 'check.sqlite3'}",
        **KEYS,
    )
    assert checked.returncode == 0, checked.stderr
    assert "no issues" in checked.stdout


REDIRECTS = """
import json
import django
django.setup()
from django.test import Client
client = Client()
answers = {}
api = "/api/v1/openapi.json"
for path, scheme in [("/healthz", "http"), (api, "http"), (api, "https")]:
    response = client.get(path, headers={"x-forwarded-proto": scheme})
    answers[f"{scheme} {path}"] = [
        response.status_code,
        response.headers.get("Location", ""),
        response.headers.get("Strict-Transport-Security", ""),
    ]
print(json.dumps(answers))
"""


@pytest.fixture(scope="module")
def migrated_sqlite(tmp_path_factory, django_db_setup, django_db_blocker) -> str:
    """A migrated SQLite database file: on the SQLite pass a copy of this test process's own
    migrated test database, made with SQLite's backup API in milliseconds (outside any test's
    transaction, so it holds what `migrate` wrote and nothing else); on the PostgreSQL pass
    `migrate` run with the production settings."""
    path = tmp_path_factory.mktemp("production") / "redirect.sqlite3"
    with django_db_blocker.unblock():
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            with closing(sqlite3.connect(path)) as copy:
                connection.connection.backup(copy)
            return f"sqlite:///{path}"
    # A minute of CPU on a busy machine: the timeout only guards against a hang.
    migrated = run_production(
        ["manage.py", "migrate", "-v0"], timeout=600, DATABASE_URL=f"sqlite:///{path}", **KEYS
    )
    assert migrated.returncode == 0, migrated.stderr
    return f"sqlite:///{path}"


# The mark makes pytest-django create the test database that `migrated_sqlite` copies.
@pytest.mark.django_db
def test_production_sends_plain_http_to_https_except_the_health_check(migrated_sqlite):
    hosts = "termine.example.de,testserver"
    environment = {"DATABASE_URL": migrated_sqlite, "SCHALTER_ALLOWED_HOSTS": hosts, **KEYS}
    answered = run_production(["-c", REDIRECTS], **environment)
    assert answered.returncode == 0, answered.stderr
    answers = json.loads(answered.stdout.strip().splitlines()[-1])
    # Load balancers probe over plain HTTP: the health check answers them, no redirect.
    assert answers["http /healthz"][0] == 200
    status, location, _ = answers["http /api/v1/openapi.json"]
    assert status == 301 and location == "https://testserver/api/v1/openapi.json"
    status, _, hsts = answers["https /api/v1/openapi.json"]
    assert status == 200
    assert hsts == "max-age=31536000; includeSubDomains"


def test_https_redirect_and_hsts_follow_the_environment(tmp_path):
    show = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "s.SECURE_HSTS_PRELOAD)"
    )
    default = run_production(["-c", show], **KEYS)
    assert default.stdout.split() == ["True", "31536000", "True", "False"], default.stderr
    chosen = run_production(
        ["-c", show],
        SCHALTER_SSL_REDIRECT="off",
        SCHALTER_HSTS_SECONDS="3600",
        SCHALTER_HSTS_INCLUDE_SUBDOMAINS="off",
        **KEYS,
    )
    assert chosen.stdout.split() == ["False", "3600", "False", "False"], chosen.stderr
