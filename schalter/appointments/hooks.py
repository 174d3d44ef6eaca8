"""What apps above appointments do when an appointment is cancelled or moved. Appointments sit
below them in the layers and cannot call them; an app registers its hook from its
`AppConfig.ready` (like offices/ticks.py), and the changing service runs every hook inside its
own transaction, after its write and with the appointment's row still locked, so the follow-up
commits or rolls back with the change itself.

A hook is called with keyword arguments: `appointment` (as now saved), `previous_start` and
`previous_end` (for a move; equal to the current times on a cancel), `now` and `acting_user`."""

from collections.abc import Callable
from typing import Literal

Event = Literal["cancelled", "moved"]
Hook = Callable[..., None]

_hooks: dict[str, dict[str, Hook]] = {"cancelled": {}, "moved": {}}


def hook_register(event: Event, name: str, hook: Hook) -> None:
    """Register (or replace, on a repeated `ready`) one app's hook for `event`."""
    _hooks[event][name] = hook


def hooks_run(event: Event, **kwargs: object) -> None:
    for hook in _hooks[event].values():
        hook(**kwargs)
