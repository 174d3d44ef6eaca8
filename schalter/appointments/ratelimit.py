"""Atomic fixed-window rate limits in the database, shared by every app process."""

from datetime import UTC, datetime

from django.conf import settings
from django.db import connection
from django.http import HttpRequest

from schalter.appointments.errors import RateLimited
from schalter.appointments.models import RateLimit

TABLE = RateLimit._meta.db_table


def client_address(request: HttpRequest) -> str:
    """Whom a per-address limit counts: the connecting address, or, when that is one of
    SCHALTER_TRUSTED_PROXIES, the last address in X-Forwarded-For that is not a trusted proxy
    (the earlier entries are the client's to write, so they are never believed)."""
    address = request.META.get("REMOTE_ADDR", "")
    trusted = settings.SCHALTER_TRUSTED_PROXIES
    if address not in trusted:
        return address
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([h.strip() for h in forwarded.split(",") if h.strip()]):
        if hop not in trusted:
            return hop[:64]
    return address


def hit(key: str, *, limit: int, window_seconds: int, now: datetime, always: bool = False) -> int:
    """Count one hit; raise RateLimited above the limit. Returns the count in this window.
    `always` counts even with SCHALTER_RATE_LIMITS=off (for one-time uses such as challenges)."""
    if not (settings.SCHALTER_RATE_LIMITS or always):
        return 0
    # Always in UTC: SQLite compares the stored text, so one window must have one spelling.
    window = datetime.fromtimestamp(now.timestamp() // window_seconds * window_seconds, tz=UTC)
    with connection.cursor() as cursor:
        # One statement: insert or increment, and read the new count (SQLite ≥ 3.35, PostgreSQL).
        cursor.execute(
            f"INSERT INTO {TABLE} (key, window_start, count) VALUES (%s, %s, 1) "  # noqa: S608
            "ON CONFLICT (key, window_start) DO UPDATE SET count = "
            f"{TABLE}.count + 1 RETURNING count",
            [key[:200], window],
        )
        count = cursor.fetchone()[0]
    if count > limit:
        raise RateLimited
    return count
