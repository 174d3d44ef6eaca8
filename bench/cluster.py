"""A throw-away PostgreSQL cluster for the standalone benches (scripts/pg-cluster), and a free
port to start servers on."""

import os
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_CLUSTER = str(ROOT / "scripts" / "pg-cluster")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def own_database(name: str) -> Iterator[None]:
    """DATABASE_URL as given, or a throw-away cluster of this bench's own for the duration."""
    if os.environ.get("DATABASE_URL"):
        yield
        return
    cluster = tempfile.mkdtemp(prefix=f"schalter-bench-{name}-pg.")
    os.environ["DATABASE_URL"] = subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [PG_CLUSTER, "start", cluster, str(free_port())],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    try:
        yield
    finally:
        subprocess.run([PG_CLUSTER, "stop", cluster], check=False)  # noqa: S603 - our own script
