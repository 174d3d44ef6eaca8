"""Personal data is deleted on schedule, office by office. Each app that keeps personal data
registers its eraser here from its `AppConfig.ready`; the scheduled tick (`manage.py
appointments_tick`) runs them all, so the tick needs to know no app above the ground floor and a
new app (callbacks, interpreters) only registers its own."""

from collections.abc import Callable
from datetime import datetime

from schalter.offices.models import Office

# An eraser clears what its app keeps beyond the office's retention period and returns how many
# records it cleared. It is called with keyword arguments `office` and `now`.
Eraser = Callable[..., int]

_erasers: dict[str, Eraser] = {}


def eraser_register(name: str, eraser: Eraser) -> None:
    """Register (or replace, on a repeated `ready`) the eraser of one app."""
    _erasers[name] = eraser


def personal_data_erase(*, office: Office, now: datetime) -> int:
    """Run every registered eraser for the office; returns how many records were cleared."""
    return sum(eraser(office=office, now=now) for eraser in _erasers.values())
