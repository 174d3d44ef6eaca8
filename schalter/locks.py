"""Scarce things are written under row locks, and nobody waits long for one (docs/locking.md)."""

from django.db import connection

LOCK_WAIT = "3s"


def bounded_lock_wait() -> None:
    """Inside a transaction: a lock not granted within LOCK_WAIT raises OperationalError, which
    services turn into a `Busy` refusal (503) instead of queueing requests behind each other.
    SQLite has one writer at a time and its own busy timeout (settings)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_WAIT}'")
