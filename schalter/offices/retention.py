"""Personal data is deleted on schedule, office by office. Each app that keeps personal data
registers its eraser here from its `AppConfig.ready`; the scheduled tick (`manage.py
appointments_tick`) runs them all, so the tick needs to know no app above the ground floor and a
new app (callbacks, interpreters) only registers its own."""

from collections.abc import Callable
from datetime import datetime

from django_scopes import scope

from schalter.offices.models import ErasureRun, Office

# An eraser clears what its app keeps beyond the office's retention period and returns how many
# records it cleared. It is called with keyword arguments `office` and `now`.
Eraser = Callable[..., int]

_erasers: dict[str, Eraser] = {}


def eraser_register(name: str, eraser: Eraser) -> None:
    """Register (or replace, on a repeated `ready`) the eraser of one app."""
    _erasers[name] = eraser


def eraser_names() -> list[str]:
    """The names the erasers were registered under (the apps that keep personal data)."""
    return sorted(_erasers)


def personal_data_erase(*, office: Office, now: datetime) -> int:
    """Run every registered eraser for the office, noting each run (ErasureRun: when it ran,
    when it last cleared something); returns how many records were cleared."""
    total = 0
    for name, eraser in _erasers.items():
        cleared = eraser(office=office, now=now)
        total += cleared
        with scope(office=office):
            run, _created = ErasureRun.objects.get_or_create(
                office=office, eraser=name, defaults={"ran_at": now}
            )
            run.ran_at = now
            fields = ["ran_at"]
            if cleared:
                run.cleared_at, run.cleared = now, cleared
                fields += ["cleared_at", "cleared"]
            run.save(update_fields=fields)
    return total
