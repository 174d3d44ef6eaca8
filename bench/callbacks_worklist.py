"""The callback worklist's first page (50 rows of 5,000 open callbacks) p99, beside a signed-in
staff page of similar weight (the office's audit log: 200 rows of over 5,000) in the same run, on
a throw-away PostgreSQL cluster of its own. Both pages are fetched in one process through
Django's test client with a signed-in callback agent (two factors done), alternating, after a
warm-up; the figure is the ratio of the two p99s (target <= 2 x).

    python -m bench.callbacks_worklist [--callbacks 5000] [--requests 300]

Standalone (`scripts/run-bench` calls it): prints a table and writes JSON to bench/results/."""

import argparse
import base64
import json
import os
import platform
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.cluster import free_port
from bench.load import RESULTS, Figure, table

ROOT = Path(__file__).resolve().parents[1]
OFFICE = "bench-callbacks"
TARGET = 2.0


def p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


LANGUAGES = ("", "ar", "tr", "uk", "ru", "fa")
BATCH = 1000


def seed(office, callbacks: int, now: datetime) -> None:
    """`callbacks` open voicemails with their "received" events and audit rows, written in bulk
    (a few seconds). Through `callback_receive` one at a time this took many minutes: each
    message is its own transaction, and the bench office has no opening hours, so every deadline
    search read the office's days 400 days ahead before giving up. The deadlines here are spread
    around `now` (a fifth overdue), as the worklist's order needs."""
    from django.db import transaction

    from schalter.accounts.actors import COMMAND
    from schalter.accounts.models import AuditEvent
    from schalter.callbacks import actions
    from schalter.callbacks.models import Callback, CallbackEvent, EventKind, Source

    started = time.perf_counter()
    with transaction.atomic():
        made = Callback.objects.bulk_create(
            [
                Callback(
                    office=office,
                    source=Source.VOICEMAIL,
                    dedup_key=f"msgid:<{n}@bench>",
                    caller_number=f"+49151{n:08d}",
                    caller_raw=f"0151{n:08d}",
                    language=LANGUAGES[n % len(LANGUAGES)],
                    vendor="asterisk",
                    received_at=now - timedelta(minutes=n),
                    deadline=now + timedelta(minutes=(n * 7919) % (callbacks * 2) - callbacks // 5),
                )
                for n in range(callbacks)
            ],
            batch_size=BATCH,
        )
        CallbackEvent.objects.bulk_create(
            [
                CallbackEvent(
                    office=office,
                    callback=callback,
                    kind=EventKind.RECEIVED,
                    at=callback.received_at,
                    source=callback.source,
                    language=callback.language,
                    deadline=callback.deadline,
                )
                for callback in made
            ],
            batch_size=BATCH,
        )
        AuditEvent.objects.bulk_create(
            [
                AuditEvent(
                    office=office,
                    system_actor=COMMAND.name,
                    action=actions.RECEIVED,
                    target_type=Callback._meta.label_lower,
                    target_id=str(callback.pk),
                    data={"source": callback.source, "vendor": callback.vendor, "review": []},
                )
                for callback in made
            ],
            batch_size=BATCH,
        )
    print(
        f"   seeded {callbacks} callbacks in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )


def inner(callbacks: int, requests: int) -> dict:
    """In the child process: seed, sign in, measure. Returns the p99s in seconds."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import Client
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from schalter.accounts.actors import COMMAND
    from schalter.accounts.roles import Role
    from schalter.accounts.services import membership_grant, staff_user_create
    from schalter.offices import services as offices

    settings.ALLOWED_HOSTS = ["*"]
    office = offices.office_create(
        slug=OFFICE,
        name={"de": "Rückrufe Lastprobe"},
        street="Berliner Platz 1",
        postcode="35390",
        city="Gießen",
        phone="+496413060",
        email="abh@bench.example",
        languages_served=["de"],
        acting_user=COMMAND,
    )
    now = timezone.now()
    seed(office, callbacks, now)
    user = staff_user_create(
        username="agent", password=secrets.token_urlsafe(16), full_name="Agent", acting_user=COMMAND
    )
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    membership_grant(user=user, office=office, role=Role.TEAM_LEAD, acting_user=COMMAND)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    pages = {"worklist": f"/staff/{OFFICE}/callbacks/", "audit": f"/staff/{OFFICE}/audit/"}
    samples: dict[str, list[float]] = {name: [] for name in pages}
    for round_ in range(requests + 20):
        for name, path in pages.items():
            started = time.perf_counter()
            response = client.get(path)
            elapsed = time.perf_counter() - started
            if response.status_code != 200:
                raise RuntimeError(f"{path}: {response.status_code}")
            if round_ >= 20:  # warm-up first
                samples[name].append(elapsed)
    rows = client.get(pages["worklist"]).content.decode().count('class="callback-row')
    return {"worklist": p99(samples["worklist"]), "audit": p99(samples["audit"]), "rows": rows}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--callbacks", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        print(json.dumps(inner(args.callbacks, args.requests)))
        return 0
    cluster = Path(tempfile.mkdtemp(prefix="bench-callbacks-worklist-"))
    shutil.rmtree(cluster)
    try:
        url = subprocess.run(  # noqa: S603 (our own script)
            [str(ROOT / "scripts/pg-cluster"), "start", str(cluster), str(free_port())],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "SCHALTER_SECRET_KEY": "bench-" + secrets.token_hex(32),
            "SCHALTER_ALTCHA_KEY": "bench-altcha-" + secrets.token_hex(32),
            "SCHALTER_SECRETS_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "SCHALTER_ALLOWED_HOSTS": "127.0.0.1",
            "SCHALTER_SSL_REDIRECT": "off",
            "SCHALTER_TASK_BACKEND": "django_tasks_db.DatabaseBackend",
            "SCHALTER_LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
        python = sys.executable
        print("== migrate", file=sys.stderr)
        subprocess.run(  # noqa: S603
            [python, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True
        )
        print(f"== seed {args.callbacks} callbacks and measure", file=sys.stderr)
        out = (
            subprocess.run(  # noqa: S603
                [
                    *(python, "-m", "bench.callbacks_worklist", "--inner"),
                    *("--callbacks", str(args.callbacks), "--requests", str(args.requests)),
                ],
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.PIPE,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        measured = json.loads(out)
    finally:
        subprocess.run(  # noqa: S603
            [str(ROOT / "scripts/pg-cluster"), "stop", str(cluster)], check=False
        )
    worklist, audit = measured["worklist"], measured["audit"]
    figures = [
        Figure(
            f"callbacks: worklist first page p99 ({measured['rows']} rows of {args.callbacks})",
            worklist,
            "s",
            audit,
            "audit log p99",
            "<= 2 x ceiling",
            worklist <= TARGET * audit,
        )
    ]
    print(table(figures))
    RESULTS.mkdir(exist_ok=True)
    now = datetime.now(UTC)
    path = RESULTS / f"callbacks-worklist-{now.strftime('%Y%m%dT%H%M%SZ')}.json"
    path.write_text(
        json.dumps(
            {
                "when": now.isoformat(),
                "machine": platform.node(),
                "callbacks": args.callbacks,
                "requests": args.requests,
                "figures": [f.as_dict() for f in figures],
            },
            indent=1,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
