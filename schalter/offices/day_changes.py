"""A day that has closed changed afterwards: an interpreter reports her times three days late, a
client of yesterday is marked as arrived. The figures of that day were already rolled up
(insights), so they must be rolled up again. The apps that make such changes sit below insights
in the layers and cannot call it; they call `day_changed` inside their own transaction, and
insights registers its listener here from its `AppConfig.ready` (like offices/ticks.py), so the
mark commits or rolls back with the change itself.

Why a listener and not a "changed since" timestamp read by insights: the changed rows
(assignments, appointments, tickets) have no common `modified` column, and a listener lets each
service say which day it changed — which is not always the day it is saved on.

The one rule of which days count lives here: a day before the office's today (with a few
minutes' slack at midnight, for a change begun just before and committed after the day's closing
roll-up read it). Today and later days are rolled up when they close."""

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Literal

from schalter.offices.localtime import local_date
from schalter.offices.models import Office

# What changed, and so which roll-up of the day is done again: "visits" (tickets and
# appointments: the whole day), "interpreters" (interpreting and its cost).
Kind = Literal["visits", "interpreters"]
KINDS: tuple[Kind, ...] = ("visits", "interpreters")
MIDNIGHT_SLACK = timedelta(minutes=5)

# Called with keyword arguments `office`, `day`, `kind` and `now`.
Listener = Callable[..., None]

_listeners: dict[str, Listener] = {}


def day_listener_register(name: str, listener: Listener) -> None:
    """Register (or replace, on a repeated `ready`) one app's listener."""
    _listeners[name] = listener


def day_changed(*, office: Office, day: date, kind: Kind, now: datetime) -> None:
    """Tell the listeners that `kind` of the office's local `day` changed at `now`, if that day
    has closed (or is just closing). Call it inside the changing transaction, as its last write."""
    if day < local_date(office, now + MIDNIGHT_SLACK):
        for listener in _listeners.values():
            listener(office=office, day=day, kind=kind, now=now)
