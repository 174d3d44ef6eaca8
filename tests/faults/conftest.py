"""Faults injected into real processes: a task worker killed with SIGKILL, PostgreSQL restarted
under a booking rush, Redis stopped under a connected display, the SMTP server away, a full disk.

These tests run in the PostgreSQL pass of scripts/run-tests and are skipped, saying so, in the
SQLite pass: SQLite's test database lives in the memory of pytest's process, where no worker or
server process can reach it. They do not use the pass's own database either, which the other
xdist worker shares with them and which one of them restarts: the session's first fault test
starts a PostgreSQL cluster of their own and copies into it the schema (and rows) pytest-django
has just migrated, which takes seconds where `migrate` would take tens. All of them run on one
xdist worker, one after the other (`xdist_group`), against that one cluster.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "/faults/" in str(item.path):
            item.add_marker(pytest.mark.xdist_group("faults"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen | None = None, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process is None or process.poll() is None, f"process on port {port} exited"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nothing listens on port {port}")


def wait_until(condition: Callable[[], object], seconds: float, what: str) -> object:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"not within {seconds} s: {what}")


@dataclass
class Cluster:
    url: str
    directory: str
    port: int

    def query(self, sql: str, *params) -> list[tuple]:
        with psycopg.connect(self.url, autocommit=True) as db:
            return db.execute(sql, params).fetchall()

    def pg_ctl(self, *args: str) -> None:
        """pg_ctl on this cluster; the server it starts logs to the cluster's file (it would
        otherwise hold our end of a pipe open for as long as it runs)."""
        binaries = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
        command = [str(binaries / "pg_ctl"), "-D", f"{self.directory}/data", "-w",
                   "-l", f"{self.directory}/server.log", *args]  # fmt: skip
        if os.getuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(
            command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60
        )

    def env(self, **extra: str) -> dict[str, str]:
        """For a Django process on this cluster: tasks in the database, no anti-bot layers
        (the rush comes from one address and solves no puzzles)."""
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "schalter.config.settings.test",
            "DATABASE_URL": self.url,
            "SCHALTER_TASK_BACKEND": "django_tasks_db.DatabaseBackend",
            "SCHALTER_CAPTCHA": "off",
            "SCHALTER_RATE_LIMITS": "off",
            "PYTHONPYCACHEPREFIX": str(ROOT / "var" / "pycache"),
            **extra,
        }

    def django(self, *commands: str, **env: str) -> list[dict]:
        """Run tests/faults/scenario.py's commands in a Django process on this cluster."""
        done = subprocess.run(
            [sys.executable, "-m", "tests.faults.scenario", *commands],
            cwd=ROOT, env=self.env(**env), capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-3000:]
        return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


class Scenario:
    """tests/faults/scenario.py kept running: one Django start for many commands."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.process = process

    def run(self, command: str) -> dict:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        while True:
            line = self.process.stdout.readline()
            assert line, f"scenario process ended at {command!r}"
            if line.startswith("{"):
                return json.loads(line)


@pytest.fixture(scope="session")
def cluster(django_db_setup, django_db_blocker) -> Iterator[Cluster]:
    if connection.vendor != "postgresql":
        pytest.skip(
            "fault tests run in the PostgreSQL pass of scripts/run-tests: their processes "
            "cannot reach SQLite's in-memory test database"
        )
    directory = tempfile.mkdtemp(prefix="schalter-faults-pg.")
    port = free_port()
    script = str(ROOT / "scripts" / "pg-cluster")
    url = subprocess.run(
        [script, "start", directory, str(port)], check=True, capture_output=True, text=True
    ).stdout.strip()
    try:
        settings = connection.settings_dict
        dump = subprocess.run(
            ["pg_dump", "--no-owner", "--no-privileges", "-h", settings["HOST"] or "127.0.0.1",
             "-p", str(settings["PORT"] or 5432), "-U", settings["USER"], settings["NAME"]],
            env={**os.environ, "PGPASSWORD": settings["PASSWORD"] or ""},
            check=True, capture_output=True,
        )  # fmt: skip
        subprocess.run(
            ["psql", "-q", "-v", "ON_ERROR_STOP=1", url],
            input=dump.stdout, check=True, capture_output=True,
        )  # fmt: skip
        yield Cluster(url=url, directory=directory, port=port)
    finally:
        subprocess.run([script, "stop", directory], check=False, capture_output=True)
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def seeded(cluster) -> dict:
    """An office open for online bookings on weekday mornings for three weeks."""
    (seed,) = cluster.django("seed")
    return seed


class Processes:
    """Processes a test started; each is stopped (SIGKILL if SIGTERM is not enough) at the end."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.started: list[subprocess.Popen] = []

    def start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
        log.close()
        self.started.append(process)
        return process

    def log(self, name: str, chars: int = 4000) -> str:
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace")[-chars:] if path.exists() else ""

    def scenario(self, cluster: Cluster, **env: str) -> Scenario:
        log = open(self.logs / "scenario.log", "ab")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.faults.scenario", "-"], cwd=ROOT,
            env=cluster.env(**env), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
            text=True,
        )  # fmt: skip
        log.close()
        self.started.append(process)
        return Scenario(process)

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.started:
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def processes(tmp_path) -> Iterator[Processes]:
    started = Processes(tmp_path)
    try:
        yield started
    finally:
        started.stop_all()
