"""The production topology on one machine, started once per test session and removed afterwards:

    browser ── nginx (deploy/nginx.conf: TLS, /static/, /ws/ upgrade, PDFs, token-free log)
                 ├── granian WSGI (schalter.config.wsgi: pages, API, PDFs)
                 └── granian ASGI (schalter.config.asgi: WebSockets of displays and tickets)
    task worker (manage.py db_worker) ── SMTP receiver (aiosmtpd, in this process)
    PostgreSQL (scripts/pg-cluster) and Redis (channel layer), each on a free port

Everything lives in a temporary folder and on free ports on 127.0.0.1; nothing needs root or a
system service. The app processes run the production settings (tests/topology/settings.py only
moves the collected static files into that folder) with strong random keys.

TLS: nginx terminates HTTPS with a throw-away self-signed certificate and sets X-Forwarded-Proto
from the scheme, exactly as deploy/nginx.conf does in production, so SCHALTER_SECURE_COOKIES stays
on (its production default): cookies are marked Secure, CSRF checks the https origin, and the
test covers the configuration that is deployed instead of a switched-off variant of it.
SCHALTER_CSRF_TRUSTED_ORIGINS stays unset (nginx passes the Host as the browser sent it): a form
posted from https://… then passes Django's origin check only if X-Forwarded-Proto arrived.

The database is not made empty: it is tests/fixtures/schalter-c031af7.sql.gz (the demo data of
the commit issue 11 starts from) restored and brought up to date by today's `migrate`, which is
the upgrade test (test_upgrade.py) and spares the ~30 s of a fresh migrate and seed_demo; the
topology's own office is then added through the services (tests/topology/seed.py).

Which pass of `make test`: the PostgreSQL one. The topology starts its own cluster whatever
DATABASE_URL says, so running it in both passes would test the same thing twice (about a
minute each); scripts/run-tests sets DATABASE_URL to a postgres:// URL only for its PostgreSQL
pass, and the SQLite pass should not need PostgreSQL's binaries at all. On the SQLite pass the tests
are deselected (pytest counts them as "deselected" in its summary), not skipped.
SCHALTER_TOPOLOGY=on runs them on any pass (e.g. `SCHALTER_TOPOLOGY=on pytest tests/topology`)."""

import base64
import email
import gzip
import json
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from email import policy
from pathlib import Path

import httpx
import psycopg
import pytest
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PYTHON = str(BIN / "python")
NGINX = "/usr/sbin/nginx"
NGINX_TEMPLATE = ROOT / "deploy" / "nginx.conf"
FIXTURE = ROOT / "tests" / "fixtures" / "schalter-c031af7.sql.gz"
HERE = "tests/topology/"
# What the upgrade test compares before and after `migrate`.
COUNTED = {
    "offices": "offices_office",
    "services": "catalog_service",
    "office_services": "appointments_officeservice",
    "appointments": "appointments_appointment",
    "seats": "appointments_seat",
    "desks": "offices_desk",
    "staff": "auth_user",
    "second_factors": "otp_totp_totpdevice",
    "memberships": "accounts_membership",
    "audit_events": "accounts_auditevent",
}


def runs_here() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")) or (
        os.environ.get("SCHALTER_TOPOLOGY", "").lower() in {"1", "on", "true", "yes"}
    )


# The order the modules run in: the flows leave a booking that the backup test restores.
MODULES = ["test_proxy.py", "test_upgrade.py", "test_flows.py", "test_backup.py"]


def pytest_collection_modifyitems(config, items):
    mine = [item for item in items if HERE in item.nodeid]
    if mine:
        first = items.index(mine[0])
        ordered = sorted(mine, key=lambda item: MODULES.index(item.path.name))
        items[:] = [item for item in items if HERE not in item.nodeid]
        items[first:first] = ordered
    for item in mine:
        item.add_marker(pytest.mark.xdist_group("topology"))  # one worker starts it once
        item.add_marker(pytest.mark.browser)
    if mine and not runs_here():
        config.hook.pytest_deselected(items=mine)
        items[:] = [item for item in items if HERE not in item.nodeid]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_bin() -> Path:
    """The newest installed PostgreSQL, as scripts/pg-cluster chooses it."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name.split(".")[0])
    )
    assert found, "PostgreSQL server binaries not found (apt-get install postgresql)"
    return found[-1]


def database_url(cluster_url: str, name: str) -> str:
    return cluster_url.rsplit("/", 1)[0] + "/" + name


class Mailbox:
    """The SMTP receiver the task worker delivers to."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler interface
        message = email.message_from_bytes(envelope.original_content, policy=policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 OK"

    def texts(self) -> list[str]:
        with self.lock:
            messages = list(self.messages)
        return [m.get_body(("plain",)).get_content() for m in messages]

    def wait_for(self, pattern: str, seconds: float = 45) -> re.Match:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for text in self.texts():
                if found := re.search(pattern, text):
                    return found
            time.sleep(0.2)
        raise AssertionError(f"no mail matching {pattern!r} arrived: {self.texts()}")


@dataclass
class Topology:
    folder: Path
    cluster_url: str
    database: str
    origin: str  # https://127.0.0.1:<port>, nginx
    http_origin: str  # nginx's plain-HTTP listener, which only redirects
    certificate: Path
    access_log: Path
    error_log: Path
    env: dict[str, str]
    mailbox: Mailbox
    seeded: dict
    metrics_token: str
    counts_before_migrate: dict[str, int]
    counts_after_migrate: dict[str, int]
    processes: list[subprocess.Popen] = field(default_factory=list)
    # What the flows leave for later tests (the booking the backup test looks for).
    booked: dict = field(default_factory=dict)

    @property
    def database_url(self) -> str:
        return database_url(self.cluster_url, self.database)

    def query(self, sql: str, *params, database: str | None = None) -> list[tuple]:
        url = database_url(self.cluster_url, database or self.database)
        with psycopg.connect(url, autocommit=True) as connection:
            cursor = connection.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def http(self) -> httpx.Client:
        """A client of nginx that trusts the topology's certificate (and nothing else)."""
        context = ssl.create_default_context(cafile=str(self.certificate))
        return httpx.Client(base_url=self.origin, verify=context, timeout=30)

    def start(self, name: str, command: list[str], **env: str) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "wb")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**self.env, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        process.log_name = name  # type: ignore[attr-defined]
        self.processes.append(process)
        return process

    def log_tail(self, name: str) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def run(self, name: str, command: list[str], **env: str) -> str:
        done = subprocess.run(
            command, cwd=ROOT, env={**self.env, **env}, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, f"{name} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        return done.stdout

    def wsgi_server(self, name: str, **env: str) -> str:
        """Another granian WSGI server (as production starts it), e.g. on a restored database;
        returns its base URL once /healthz answers."""
        port = free_port()
        process = self.start(
            name,
            [str(BIN / "granian"), "--interface", "wsgi", "--host", "127.0.0.1",
             "--port", str(port), "--workers", "1", "--blocking-threads", "32", "--no-ws",
             "--log-level", "warning", "schalter.config.wsgi:application"],
            **env,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        wait_until_healthy(base, process, self)
        return base

    def stop(self) -> None:
        # nginx first (it holds keep-alive connections to the app servers, which would wait
        # for them), then the rest at once.
        # Each process leads a session of its own (granian's and nginx's workers included).
        for process in sorted(self.processes, key=lambda p: p.log_name != "nginx"):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                if process.log_name == "nginx":
                    process.wait(timeout=10)
        deadline = time.monotonic() + 3
        for process in self.processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


# Requests straight to an app server say what nginx would say: the client used HTTPS.
FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"}


def wait_until_healthy(
    base: str, process: subprocess.Popen, topology: Topology, seconds: float = 90, **client
) -> None:
    deadline = time.monotonic() + seconds
    with httpx.Client(base_url=base, timeout=5, **client) as http:
        while True:
            name = getattr(process, "log_name", "?")
            assert process.poll() is None, f"{name} exited:\n{topology.log_tail(name)}"
            try:
                if http.get("/healthz", headers=FORWARDED).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, f"{name} not healthy:\n{topology.log_tail(name)}"
            time.sleep(0.2)


def fill_template(template: str, values: dict[str, str]) -> str:
    """deploy/nginx.conf's ${SCHALTER_NGINX_…} placeholders, as envsubst fills them."""
    placeholder = re.compile(r"\$\{(SCHALTER_NGINX_[A-Z_]+)\}")
    filled = placeholder.sub(lambda m: values[m.group(1)], template)
    assert not placeholder.search(filled)
    return filled


def nginx_main_config(folder: Path, site: Path) -> str:
    """What /etc/nginx/nginx.conf provides around the site file, with every path in `folder`."""
    # As root nginx would hand its workers to "nobody", who cannot read the temporary folder.
    user = "user root;" if os.geteuid() == 0 else ""
    temp = folder / "nginx-temp"
    return f"""
daemon off;
worker_processes 1;
{user}
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log warn;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {site};
}}
"""


def table_counts(url: str) -> dict[str, int]:
    with psycopg.connect(url, autocommit=True) as connection:
        return {
            name: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
            for name, table in COUNTED.items()
        }


@pytest.fixture(scope="session")
def topology():
    for program in (NGINX, "redis-server", "openssl"):
        assert shutil.which(program), f"{program} is missing: `make test` installs it"
    started = time.monotonic()
    folder = Path(tempfile.mkdtemp(prefix="schalter-topology-"))
    folder.chmod(0o755)  # PostgreSQL runs as its own user when the tests run as root
    pg_dir = folder / "pg"
    ports = {name: free_port() for name in ("pg", "redis", "smtp", "wsgi", "asgi", "http", "https")}
    origin = f"https://127.0.0.1:{ports['https']}"
    mailbox = Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=ports["smtp"])
    metrics_token = secrets.token_urlsafe(32)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SCHALTER_", "DJANGO_", "DATABASE_URL", "PYTEST_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tests.topology.settings",
        PYTHONPATH=str(ROOT),
        SCHALTER_TOPOLOGY_STATIC_ROOT=str(folder / "static"),
        SCHALTER_SECRET_KEY=secrets.token_urlsafe(50),
        SCHALTER_ALTCHA_KEY=secrets.token_urlsafe(50),
        SCHALTER_SECRETS_KEYS=base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        SCHALTER_ALLOWED_HOSTS="127.0.0.1",
        SCHALTER_TRUSTED_PROXIES="127.0.0.1",
        SCHALTER_PUBLIC_URL=origin,
        SCHALTER_REDIS_URL=f"redis://127.0.0.1:{ports['redis']}/0",
        SCHALTER_TASK_BACKEND="django_tasks_db.DatabaseBackend",
        SCHALTER_SMTP_HOST="127.0.0.1",
        SCHALTER_SMTP_PORT=str(ports["smtp"]),
        SCHALTER_ANNOUNCE_DIR=str(folder / "announcements"),
        SCHALTER_METRICS_TOKEN=metrics_token,
        SCHALTER_DB_POOL_SIZE="4",
        SCHALTER_LOG_LEVEL="WARNING",
    )
    topology: Topology | None = None
    cluster_started = False
    try:
        # Slow independent steps first, side by side: the cluster, the static files, Redis.
        cluster = subprocess.Popen(
            [str(ROOT / "scripts" / "pg-cluster"), "start", str(pg_dir), str(ports["pg"])],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        cluster_started = True
        shell = Topology(
            folder=folder, cluster_url="", database="schalter", origin=origin,
            http_origin=f"http://127.0.0.1:{ports['http']}",
            certificate=folder / "cert.pem", access_log=folder / "access.log",
            error_log=folder / "nginx-error.log", env=env, mailbox=mailbox, seeded={},
            metrics_token=metrics_token, counts_before_migrate={}, counts_after_migrate={},
        )  # fmt: skip
        statics = shell.start(
            "collectstatic", [PYTHON, "manage.py", "collectstatic", "--no-input", "-v0"]
        )
        shell.start(
            "redis",
            ["redis-server", "--port", str(ports["redis"]), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--loglevel", "warning"],
        )  # fmt: skip
        smtp.start()
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
             "-nodes", "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem"),
             "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
            check=True, capture_output=True,
        )  # fmt: skip
        out, err = cluster.communicate(timeout=120)
        assert cluster.returncode == 0, err
        shell.cluster_url = out.strip()
        topology = shell
        env["DATABASE_URL"] = topology.database_url

        steps = {"cluster": time.monotonic() - started}

        # The database of the old release, brought up to date as an upgrade would.
        restore_sql(topology.database_url, gzip.decompress(FIXTURE.read_bytes()))
        topology.counts_before_migrate = table_counts(topology.database_url)
        steps["restore"] = time.monotonic() - started
        # The app servers load Django meanwhile; nothing reaches them before the health checks.
        wsgi = topology.start(
            "wsgi",
            [str(BIN / "granian"), "--interface", "wsgi", "--host", "127.0.0.1",
             "--port", str(ports["wsgi"]), "--workers", "1", "--blocking-threads", "32",
             "--no-ws", "--log-level", "warning", "schalter.config.wsgi:application"],
        )  # fmt: skip
        asgi = topology.start(
            "asgi",
            [str(BIN / "granian"), "--interface", "asgi", "--host", "127.0.0.1",
             "--port", str(ports["asgi"]), "--workers", "1", "--log-level", "warning",
             "schalter.config.asgi:application"],
        )  # fmt: skip
        topology.run("migrate", [PYTHON, "manage.py", "migrate", "--no-input", "-v0"])
        topology.counts_after_migrate = table_counts(topology.database_url)
        steps["migrate"] = time.monotonic() - started
        worker = topology.start(
            "worker", [PYTHON, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.5"]
        )
        topology.seeded = json.loads(
            topology.run("seed", [PYTHON, "-m", "tests.topology.seed"]).strip().splitlines()[-1]
        )
        steps["seed"] = time.monotonic() - started
        assert statics.wait(timeout=120) == 0, topology.log_tail("collectstatic")
        steps["collectstatic"] = time.monotonic() - started

        site = folder / "schalter.conf"
        site.write_text(
            fill_template(
                NGINX_TEMPLATE.read_text(),
                {
                    "SCHALTER_NGINX_SERVER_NAME": "127.0.0.1",
                    "SCHALTER_NGINX_ORIGIN": origin,
                    "SCHALTER_NGINX_HTTP_LISTEN": f"127.0.0.1:{ports['http']}",
                    "SCHALTER_NGINX_HTTPS_LISTEN": f"127.0.0.1:{ports['https']}",
                    "SCHALTER_NGINX_CERTIFICATE": str(folder / "cert.pem"),
                    "SCHALTER_NGINX_CERTIFICATE_KEY": str(folder / "key.pem"),
                    "SCHALTER_NGINX_STATIC_ROOT": str(folder / "static"),
                    "SCHALTER_NGINX_ACCESS_LOG": str(topology.access_log),
                    "SCHALTER_NGINX_WSGI_SERVERS": f"server 127.0.0.1:{ports['wsgi']};",
                    # One WSGI pool here; production gives PDFs servers of their own.
                    "SCHALTER_NGINX_PDF_SERVERS": f"server 127.0.0.1:{ports['wsgi']};",
                    "SCHALTER_NGINX_ASGI_SERVERS": f"server 127.0.0.1:{ports['asgi']};",
                },
            )
        )
        (folder / "nginx-temp").mkdir()
        (folder / "nginx.conf").write_text(nginx_main_config(folder, site))
        nginx = topology.start(
            "nginx",
            [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"),
             "-e", str(topology.error_log)],
        )  # fmt: skip
        wait_until_healthy(f"http://127.0.0.1:{ports['wsgi']}", wsgi, topology)
        wait_until_healthy(f"http://127.0.0.1:{ports['asgi']}", asgi, topology)
        context = ssl.create_default_context(cafile=str(topology.certificate))
        wait_until_healthy(origin, nginx, topology, verify=context)
        assert worker.poll() is None, topology.log_tail("worker")
        steps["up"] = time.monotonic() - started
        print("topology:", ", ".join(f"{k} {v:.1f} s" for k, v in steps.items()), folder)
        yield topology
    finally:
        if topology is not None:
            topology.stop()
        smtp.stop()
        if cluster_started:
            subprocess.run([str(ROOT / "scripts" / "pg-cluster"), "stop", str(pg_dir)], check=False)
        shutil.rmtree(folder, ignore_errors=True)


def restore_sql(url: str, sql: bytes) -> None:
    """A plain-SQL dump into an empty database, stopping at the first error."""
    done = subprocess.run(
        [str(pg_bin() / "psql"), "-q", "-v", "ON_ERROR_STOP=1", "-d", url],
        input=sql, capture_output=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()[-3000:]


@pytest.fixture
def new_page(topology, browser):
    """new_page(viewport) -> a Page in a fresh context that accepts the topology's certificate."""
    contexts = []

    def make(width: int = 1280, height: int = 800, **options):
        context = browser.new_context(
            viewport={"width": width, "height": height}, ignore_https_errors=True, **options
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20000)  # a busy 2-core machine
        return page

    yield make
    for context in contexts:
        context.close()
