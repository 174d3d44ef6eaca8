"""Slot arithmetic, free of the database: unit length, units a booking needs, release times."""

import hashlib
import math
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# ZMS's choice: the largest of these that divides every service duration of an office.
UNIT_CANDIDATES = (60, 30, 25, 20, 15, 12, 10, 6, 5, 4, 3, 2, 1)


def unit_minutes_for(durations: list[int]) -> int:
    for candidate in UNIT_CANDIDATES:
        if all(d % candidate == 0 for d in durations):
            return candidate
    return 1


def units_needed(*, duration_minutes: int, persons: int, unit_minutes: int) -> int:
    """Consecutive units one booking takes: each person is served in turn."""
    return math.ceil(duration_minutes * persons / unit_minutes)


def unit_starts(
    day: date, start: time, end: time, unit_minutes: int, zone: ZoneInfo
) -> list[datetime]:
    """Local wall-clock units of a rule on a day, as aware datetimes (DST-safe)."""
    first = datetime.combine(day, start, tzinfo=zone)
    last = datetime.combine(day, end, tzinfo=zone)
    count = int((last - first).total_seconds() // (unit_minutes * 60))
    return [
        datetime.combine(
            day,
            (datetime.combine(day, start) + timedelta(minutes=i * unit_minutes)).time(),
            tzinfo=zone,
        )
        for i in range(count)
    ]


def release_time(
    day: date,
    *,
    horizon_days: int,
    release_hour: int,
    spread_minutes: int,
    zone: ZoneInfo,
    salt: str,
) -> datetime:
    """When a day's seats become bookable: `horizon_days` before, at the release hour, or spread
    deterministically over `spread_minutes` after it so bots gain nothing by polling one moment."""
    moment = datetime.combine(day - timedelta(days=horizon_days), time(release_hour), tzinfo=zone)
    if spread_minutes:
        digest = hashlib.sha256(salt.encode()).digest()
        offset = timedelta(seconds=int.from_bytes(digest[:4]) % (spread_minutes * 60))
        # Added in UTC: aware arithmetic in one zone is wall-clock arithmetic, which would push
        # the moment out of the spread on the night the clocks go back.
        moment = (moment.astimezone(UTC) + offset).astimezone(zone)
    return moment
