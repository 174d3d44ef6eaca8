"""Voicemails ingested per second over SMTP, each with a 200 KB recording, by Schalter's receiver
(`manage.py ingest_voicemail --smtp`: read the mail, write the callback, its audio, its event and
audit row in one transaction, then 250) against a bare aiosmtpd receiver that parses the MIME and
commits the attachment and one row before its 250 (its ceiling), in the same run, on the same
throw-away PostgreSQL cluster, with the same number of worker threads and clients.

    python -m bench.callbacks [--messages 300] [--clients 4]

Standalone (`scripts/run-bench` calls it): starts its own cluster, migrates, seeds one office,
prints a table and writes JSON to bench/results/. Exit status 0 when the bench ran (a missed
target is reported, not fatal); 1 when it broke (a message lost or doubled, a receiver dead)."""

import argparse
import base64
import email
import email.policy
import io
import json
import os
import platform
import secrets
import shutil
import smtplib
import socket
import subprocess
import sys
import tempfile
import threading
import time
import wave
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from bench.cluster import free_port
from bench.load import RESULTS, Figure, table

ROOT = Path(__file__).resolve().parents[1]
ADDRESS = "voicemail@bench.example"
AUDIO_BYTES = 200 * 1024
TARGET = 0.5
WORKERS = 4  # the bare receiver's threads, as many as Schalter's (callbacks/receiver.WORKERS)
BARE_TABLE = "bench_bare_voicemail"


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the receiver on port {port} exited")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")


def recording() -> bytes:
    """A 200 KB WAV: 8 kHz 16-bit mono, as phone systems record."""
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(8000)
        frames = (AUDIO_BYTES - 44) // 2
        writer.writeframes(bytes((i * 37) % 251 for i in range(frames * 2)))
    return out.getvalue()


def voicemail(audio: bytes, number: int) -> bytes:
    mail = EmailMessage()
    mail["From"] = "PBX <asterisk@pbx.example>"
    mail["To"] = ADDRESS
    mail["Subject"] = f"[PBX]: New message {number} in mailbox 100"
    mail["Message-ID"] = make_msgid(idstring=secrets.token_hex(8), domain="pbx.example")
    mail["X-Asterisk-CallerID"] = f"0151{20000000 + number}"
    mail["X-Asterisk-CallerIDName"] = "Bench Caller"
    mail.set_content("You were just left a 0:12 long message.\n")
    mail.add_attachment(audio, maintype="audio", subtype="x-wav", filename="msg0000.wav")
    return mail.as_bytes(policy=email.policy.SMTP)


def send_all(port: int, mails: list[bytes], clients: int) -> tuple[float, int]:
    """Send every mail over `clients` connections at once; (seconds, 250 answers)."""
    chunks = [mails[i::clients] for i in range(clients)]

    def run(chunk: list[bytes]) -> int:
        accepted = 0
        with smtplib.SMTP("127.0.0.1", port, timeout=120) as client:
            client.ehlo()
            for raw in chunk:
                client.mail("pbx@pbx.example")
                client.rcpt(ADDRESS)
                code, _ = client.data(raw)
                accepted += code == 250
        return accepted

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        accepted = sum(pool.map(run, chunks))
    return time.perf_counter() - started, accepted


# ------------------------------------------------------------------ the bare receiver (ceiling)


def bare_serve(port: int, database_url: str) -> None:
    """aiosmtpd that parses the MIME and commits the attachment and one row before its 250."""
    import asyncio

    import psycopg
    from aiosmtpd.smtp import SMTP

    local = threading.local()

    def store(raw: bytes) -> None:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        attachment = next(message.iter_attachments())  # type: ignore[attr-defined]
        data = attachment.get_payload(decode=True)
        if not hasattr(local, "connection"):
            local.connection = psycopg.connect(database_url)
        with local.connection.transaction(), local.connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {BARE_TABLE} (received_at, message_id, filename, data) "  # noqa: S608
                "VALUES (now(), %s, %s, %s)",
                [str(message["Message-ID"]), attachment.get_filename(), data],
            )

    class Handler:
        def __init__(self):
            self.executor = ThreadPoolExecutor(WORKERS)

        async def handle_DATA(self, server, session, envelope):
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(self.executor, store, envelope.original_content)
            return "250 OK"

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    handler = Handler()
    server = loop.run_until_complete(
        loop.create_server(
            lambda: SMTP(
                handler, data_size_limit=20 * 1024 * 1024, enable_SMTPUTF8=True, loop=loop
            ),
            host="127.0.0.1",
            port=port,
        )
    )
    try:
        loop.run_forever()
    finally:
        server.close()


# ----------------------------------------------------------------------------------- the run


def environment(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "SCHALTER_SECRET_KEY": "bench-" + secrets.token_hex(32),
        "SCHALTER_ALTCHA_KEY": "bench-altcha-" + secrets.token_hex(32),
        "SCHALTER_SECRETS_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "SCHALTER_ALLOWED_HOSTS": "127.0.0.1",
        "SCHALTER_SSL_REDIRECT": "off",
        # As in production: the acknowledgement is queued for a worker, not sent in the receiver.
        "SCHALTER_TASK_BACKEND": "django_tasks_db.DatabaseBackend",
        "SCHALTER_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }


SEED = f"""
from datetime import time
from schalter.accounts.actors import COMMAND
from schalter.callbacks.models import CallbackMailbox
from schalter.offices import services
office = services.office_create(slug="bench-callbacks", name={{"de": "Bench"}}, street="A 1",
    postcode="65183", city="Wiesbaden", phone="+496113100", email="abh@bench.example",
    acting_user=COMMAND)
services.opening_hours_set(office=office, weekly={{d: [(time(8), time(12))] for d in range(5)}},
    acting_user=COMMAND)
services.office_part_switch(office=office, name="callbacks", on=True, acting_user=COMMAND)
CallbackMailbox.objects.create(office=office, address="{ADDRESS}")
"""


def run(command: list[str], **options) -> subprocess.CompletedProcess:
    """A command of this repository (scripts, manage.py) from its root."""
    return subprocess.run(command, cwd=ROOT, **options)  # noqa: S603 (our own commands)


def count_rows(database_url: str, query: str) -> int:
    import psycopg

    with psycopg.connect(database_url) as connection:
        return connection.execute(query).fetchone()[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=300, help="per receiver and round")
    parser.add_argument("--clients", type=int, default=4, help="SMTP connections at once")
    parser.add_argument("--rounds", type=int, default=2, help="each receiver's best round counts")
    parser.add_argument("--bare", type=int, help=argparse.SUPPRESS)  # run the bare receiver
    args = parser.parse_args()
    if args.bare:
        bare_serve(args.bare, os.environ["DATABASE_URL"])
        return 0

    cluster = Path(tempfile.mkdtemp(prefix="schalter-bench-cb-pg-"))
    started: list[subprocess.Popen] = []
    try:
        database_url = run(
            [str(ROOT / "scripts/pg-cluster"), "start", str(cluster), str(free_port())],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        env = environment(database_url)
        python = sys.executable
        print("== migrate and seed", file=sys.stderr)
        run([python, "manage.py", "migrate", "--no-input", "-v0"], env=env, check=True)
        run([python, "manage.py", "shell", "-v0", "-c", SEED], env=env, check=True)
        import psycopg

        with psycopg.connect(database_url, autocommit=True) as connection:
            connection.execute(
                f"CREATE TABLE {BARE_TABLE} (id bigserial PRIMARY KEY, received_at timestamptz, "
                "message_id text, filename text, data bytea)"
            )
        schalter_port, bare_port = free_port(), free_port()
        for command, port in (
            (
                [python, "manage.py", "ingest_voicemail", "--smtp", f"127.0.0.1:{schalter_port}"],
                schalter_port,
            ),
            ([python, "-m", "bench.callbacks", "--bare", str(bare_port)], bare_port),
        ):
            process = subprocess.Popen(  # noqa: S603 (our own commands)
                command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL
            )
            started.append(process)
            wait_for_port(port, process)
        audio = recording()
        counter = iter(range(10**9))
        best = {"schalter": 0.0, "bare": 0.0}
        sent = {"schalter": 0, "bare": 0}
        accepted = {"schalter": 0, "bare": 0}
        for name, port in (("schalter", schalter_port), ("bare", bare_port)):  # warm-up
            warm = [voicemail(audio, next(counter)) for _ in range(args.clients * 2)]
            _, ok = send_all(port, warm, args.clients)
            sent[name] += len(warm)
            accepted[name] += ok
        for round_ in range(args.rounds):
            order = (("bare", bare_port), ("schalter", schalter_port))
            for name, port in order if round_ % 2 else order[::-1]:
                mails = [voicemail(audio, next(counter)) for _ in range(args.messages)]
                seconds, ok = send_all(port, mails, args.clients)
                sent[name] += len(mails)
                accepted[name] += ok
                rate = ok / seconds
                best[name] = max(best[name], rate)
                print(f"  {name}: {ok} in {seconds:.1f} s = {rate:.1f}/s", file=sys.stderr)
        stored = {
            "schalter": count_rows(database_url, "SELECT count(*) FROM callbacks_voicemailaudio"),
            "bare": count_rows(database_url, f"SELECT count(*) FROM {BARE_TABLE}"),  # noqa: S608
        }
        ratio = best["schalter"] / best["bare"] if best["bare"] else None
        figures = [
            Figure(
                "voicemails over SMTP (200 KB audio)",
                round(best["schalter"], 1),
                "/s",
                round(best["bare"], 1),
                "bare aiosmtpd + commit",
                f">= {TARGET} x",
                ratio is not None and ratio >= TARGET,
            ),
            Figure(
                "voicemails answered 250",
                accepted["schalter"],
                "messages",
                target=str(sent["schalter"]),
                passed=accepted["schalter"] == sent["schalter"],
            ),
            Figure(
                "callbacks with audio stored",
                stored["schalter"],
                "rows",
                target=str(sent["schalter"]),
                passed=stored["schalter"] == sent["schalter"],
            ),
            Figure(
                "bare receiver rows stored",
                stored["bare"],
                "rows",
                target=str(sent["bare"]),
                passed=stored["bare"] == sent["bare"],
            ),
        ]
        print(table(figures))
        RESULTS.mkdir(exist_ok=True)
        now = datetime.now(UTC)
        path = RESULTS / f"callbacks-{now.strftime('%Y%m%dT%H%M%SZ')}.json"
        path.write_text(
            json.dumps(
                {
                    "bench": "callbacks",
                    "started": now.isoformat(),
                    "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
                    "config": {
                        "messages": args.messages,
                        "clients": args.clients,
                        "rounds": args.rounds,
                        "workers": WORKERS,
                        "audio_bytes": AUDIO_BYTES,
                    },
                    "figures": [f.as_dict() for f in figures],
                },
                indent=1,
            )
        )
        print(f"results: {path.relative_to(ROOT)}")
        broken = any(f.passed is False for f in figures[1:])
        return 1 if broken else 0
    finally:
        for process in started:
            process.terminate()
        for process in started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        run(
            [str(ROOT / "scripts/pg-cluster"), "stop", str(cluster)],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(cluster, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
