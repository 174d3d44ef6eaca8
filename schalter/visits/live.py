"""Live updates for the call displays and the clients' phones: every call and recall goes, once
committed, to the office's display group; in each ASGI process one hub (consumers._Hub) gets it
and writes it to each connected display (consumers.DisplayConsumer) whose screen shows the
ticket's group. Every change of a ticket goes to the office's queue group, and each live ticket
page (consumers.TicketConsumer) refreshes when its own ticket or its group's queue moved.
Polling stays the fallback, so a failure here is logged and never breaks the call."""

import asyncio
import json
import logging
import os
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import transaction
from django.utils import translation
from django_scopes import scope

from schalter.visits.models import CallEvent, CallKind, Ticket
from schalter.visits.selectors import display_call_data

logger = logging.getLogger(__name__)

SHOWN_KINDS = (CallKind.CALL, CallKind.RECALL)  # what the displays show, as in display_calls


def group_name(office_id: int) -> str:
    return f"display.{office_id}"


def queue_group_name(office_id: int) -> str:
    """The clients' phones of an office: told that the queue moved, never who moved."""
    return f"queue.{office_id}"


def queue_changed_on_commit(ticket: Ticket, *, queue_moved: bool = True) -> None:
    """The ticket changed (called, parked, transferred, finished …): once committed, its own
    phone refreshes what it shows, and, when the group's queue moved (a ticket joined or left
    it), so do the phones waiting in the group."""
    message = {
        "type": "queue.changed",
        "group": ticket.group_id,
        "ticket": ticket.pk,
        "moved": queue_moved,
    }
    transaction.on_commit(lambda: _send(queue_group_name(ticket.office_id), message))


SEND_SECONDS = 2.0  # a publish waits no longer (Redis down): polling shows the call meanwhile

_publisher: tuple[int, asyncio.AbstractEventLoop] | None = None
_publisher_lock = threading.Lock()


def _publishing_loop() -> asyncio.AbstractEventLoop:
    """An event loop of this process's own, in a thread, for publishing from synchronous code.
    `async_to_sync` would start a thread and a loop for every publish, and the Redis layer,
    which keeps its connection per loop, would connect to Redis every time."""
    global _publisher
    with _publisher_lock:
        if _publisher is None or _publisher[0] != os.getpid():  # none yet, or forked since
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="live-publisher", daemon=True).start()
            _publisher = (os.getpid(), loop)
        return _publisher[1]


def blocking(function: Callable[..., Awaitable[Any]], *args: object) -> Any:
    """Run a coroutine function to its end from synchronous code, like `async_to_sync`, also
    where this thread already runs an event loop (Playwright's sync API keeps one in the test
    thread; `async_to_sync` refuses to run there): then in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return async_to_sync(function)(*args)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(async_to_sync(function), *args).result()


def _send(group: str, message: dict) -> None:
    try:
        layer = get_channel_layer()
        if layer is None:
            return
        if isinstance(layer, InMemoryChannelLayer):  # its queues belong to the caller's loop
            blocking(layer.group_send, group, message)
            return
        sent = asyncio.run_coroutine_threadsafe(
            layer.group_send(group, message), _publishing_loop()
        )
        sent.result(timeout=SEND_SECONDS)
    except Exception:
        logger.exception("could not tell %s", group)


WARM_UP_GROUP = "warm-up"  # nobody listens: the first message of a process goes here


def publisher_warm() -> None:
    """Start this process's publishing loop and open its channel-layer connection, by sending
    one message to a group nobody joins, so that the first call after a start does not wait for
    them (config/warmup.py)."""
    _send(WARM_UP_GROUP, {"type": "warm.up"})


def publish_on_commit(event: CallEvent) -> None:
    if event.kind in SHOWN_KINDS and event.desk_id is not None:
        transaction.on_commit(lambda: publish_call_event(event))


def publish_call_event(event: CallEvent) -> None:
    try:
        with scope(office=event.office_id), translation.override("de"):
            call = display_call_data(event)  # the colour in every language: no office read
    except Exception:
        logger.exception("could not describe call event %s", event.pk)
        return
    # The desk was read above (display_call_data); its floor lets screens limited to floors filter.
    floor = event.desk.floor if event.desk is not None else None
    # The frame itself, encoded once here rather than once per connected display.
    message = {
        "type": "display.call",
        "text": json.dumps(call),
        "group": event.ticket.group_id,
        "floor": floor,
    }
    _send(group_name(event.office_id), message)
