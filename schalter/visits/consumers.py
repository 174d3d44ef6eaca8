"""The WebSockets. A call display gets the calls its screen shows (the same JSON as one entry of
calls.json). A client's live ticket page is told, without any detail, when its ticket or its
group's queue changed, so it fetches its status at once; so is a caseworker's desk page when a
queue her desk calls from changed (a ticket issued or called), so its waiting count follows. An
unknown office, screen or ticket, or a desk socket without a signed-in (two-factor) caseworker
at a desk, is closed with 4404.

Fan-out per process: the sockets of an office register with their process's `_Hub` for the
office's display or queue group. The hub alone is a member of the channel-layer group (Redis
pub/sub with SCHALTER_REDIS_URL, in memory otherwise), so a call crosses to each process once,
and the hub writes the frame, encoded once by the publisher, straight to each of its sockets
that should get it: no channel-layer message, queue or consumer dispatch per socket. Each write
starts as an eager task, so a socket whose write has to wait delays no other; a socket that
falls behind by `BACKLOG` frames gets no more until it catches up (polling covers the gap).

A hub checks every PROBE_SECONDS that its channel layer still carries messages, by sending one
to itself. Redis stopped or unreachable, the check fails: the hub closes its sockets with
4503 ("try again later") and is forgotten, so the displays poll calls.json every two seconds
(display.js) instead of trusting a socket that no longer brings calls, and their reconnects
are refused until Redis is back; the first one after that starts a fresh hub."""

import asyncio
import contextlib
import json
import logging
import weakref
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer
from django.http import Http404
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device

from schalter.accounts.roles import Capability
from schalter.accounts.selectors import office_access
from schalter.offices import selectors as office_selectors
from schalter.visits import live, selectors
from schalter.visits.queue_order import groups_served_by

logger = logging.getLogger(__name__)

NOT_FOUND = 4404
# What a phone is told, encoded once (as send_json would for each socket).
TICKET_CHANGED = json.dumps({"changed": "ticket"})
QUEUE_CHANGED = json.dumps({"changed": "queue"})
BACKLOG = 32  # frames waiting to be written to one socket, at most
MEMBERSHIP_REFRESH_SECONDS = 3600
PROBE_SECONDS = 5.0  # how often a hub makes sure its channel layer still carries messages
PROBE_TIMEOUT_SECONDS = 3.0
PROBE = "hub.probe"
# "Not now, try again": like HTTP's 503 (1013 says so in the WebSocket registry, but ASGI servers
# let an application close only with 1000 or 3000-4999).
TRY_AGAIN_LATER = 4503


class _Hub:
    """The sockets of one group in one process (one event loop), and the task that receives the
    group's messages from the channel layer and writes them to those sockets."""

    def __init__(self, group: str) -> None:
        self.group = group
        self.members: dict[_Member, None] = {}  # an ordered set
        self.writing: set[asyncio.Task] = set()  # writes that had to wait, until done
        self.channel: str | None = None
        self.tasks: set[asyncio.Task] = set()  # receiving and staying in the group
        self.lock = asyncio.Lock()
        self.probed = asyncio.Event()

    async def start(self) -> None:
        """Make sure this process's member of the group listens."""
        layer = get_channel_layer()
        if layer is not None:
            async with self.lock:
                if self.channel is None:
                    self.channel = await layer.new_channel()
                    loop = asyncio.get_running_loop()
                    self.tasks = {
                        loop.create_task(self._receive(layer, self.channel)),
                        loop.create_task(self._stay(layer, self.channel)),
                    }
                await layer.group_add(self.group, self.channel)

    async def _stay(self, layer: Any, channel: str) -> None:
        """Check the channel layer every PROBE_SECONDS; join again every hour (the in-memory
        layer forgets group members after a day, and a display may run for days with no new
        socket joining)."""
        loop = asyncio.get_running_loop()
        joined = loop.time()
        while True:
            await asyncio.sleep(PROBE_SECONDS)
            if not await self._probe(layer, channel):
                await self._fail()
                return
            if loop.time() - joined >= MEMBERSHIP_REFRESH_SECONDS:
                joined = loop.time()
                with contextlib.suppress(Exception):
                    await layer.group_add(self.group, channel)

    async def _probe(self, layer: Any, channel: str) -> bool:
        """Whether a message sent to this hub's own channel comes back, through Redis if used."""
        self.probed.clear()
        try:
            async with asyncio.timeout(PROBE_TIMEOUT_SECONDS):
                await layer.send(channel, {"type": PROBE})
                await self.probed.wait()
        except Exception:
            return False
        return True

    async def _fail(self) -> None:
        logger.warning("live updates of %s lost their channel layer: displays poll", self.group)
        hubs = _hubs.get(asyncio.get_running_loop(), {})
        if hubs.get(self.group) is self:
            del hubs[self.group]
        members, self.members = list(self.members), {}
        for member in members:
            with contextlib.suppress(Exception):
                await member.close(code=TRY_AGAIN_LATER)
        current = asyncio.current_task()
        for task in self.tasks:
            if task is not current:
                task.cancel()

    def add(self, member: "_Member") -> None:
        self.members[member] = None

    def remove(self, member: "_Member") -> None:
        self.members.pop(member, None)

    async def _receive(self, layer: Any, channel: str) -> None:
        try:
            while True:
                try:
                    message = await layer.receive(channel)
                    if message.get("type") == PROBE:
                        self.probed.set()
                    else:
                        self.deliver(message)
                except asyncio.CancelledError:
                    raise
                except Exception:
                    logger.exception("live fan-out of %s", self.group)
                    await asyncio.sleep(1)
        finally:  # the loop ends (a test's): leave the group, which outlives it in memory
            with contextlib.suppress(Exception):
                await asyncio.wait_for(layer.group_discard(self.group, channel), 1)

    def deliver(self, message: dict[str, Any]) -> None:
        loop = asyncio.get_running_loop()
        for member in list(self.members):
            text = member.frame_for(message)
            if text is None or member.backlog >= BACKLOG:
                continue
            member.backlog += 1
            task = asyncio.eager_task_factory(loop, member.write(text))
            if not task.done():
                self.writing.add(task)
                task.add_done_callback(self.writing.discard)


# Per event loop (a test may run several, one after the other), per group.
_hubs: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, _Hub]]" = (
    weakref.WeakKeyDictionary()
)


def _hub(group: str) -> _Hub:
    hubs = _hubs.setdefault(asyncio.get_running_loop(), {})
    if group not in hubs:
        hubs[group] = _Hub(group)
    return hubs[group]


@database_sync_to_async
def _screen(office: str, screen: str) -> tuple[int, list[int], list[int]] | None:
    try:
        found = selectors.screen_get(office_selectors.office_by_slug(office), screen)
    except Http404:
        return None
    return found.office_id, list(found.groups or []), list(found.floors or [])


class _Member(AsyncJsonWebsocketConsumer):
    """A socket registered with its process's hub for a group; leaves it on disconnect. It needs
    no channel of its own in the channel layer."""

    channel_layer_alias = "schalter.visits.no-channel"  # not configured: no channel per socket
    hub: _Hub | None = None
    backlog = 0  # frames handed to the hub's writes and not yet written

    async def join(self, group: str) -> None:
        self.hub = _hub(group)
        try:
            await self.hub.start()
        except Exception:  # the channel layer is away (Redis stopped): the page polls
            logger.warning("live updates unavailable for %s", group, exc_info=True)
            self.hub = None
            await self.close(code=TRY_AGAIN_LATER)
            return
        # Registered only now, with no pause before the accept goes out: no frame before it.
        self.hub.add(self)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.hub is not None:
            self.hub.remove(self)

    def frame_for(self, message: dict[str, Any]) -> str | None:
        """The text frame this socket gets for a message of its group, or None."""
        raise NotImplementedError

    async def write(self, text: str) -> None:
        try:
            await self.base_send({"type": "websocket.send", "text": text})
        except Exception:  # the socket went away meanwhile; disconnect() removes it
            logger.debug("live frame not written", exc_info=True)
        finally:
            self.backlog -= 1


class DisplayConsumer(_Member):
    groups_shown: list[int]
    floors_shown: list[int]

    async def connect(self) -> None:
        kwargs = self.scope["url_route"]["kwargs"]
        found = await _screen(kwargs["office"], kwargs["screen"])
        if found is None:
            await self.close(code=NOT_FOUND)
            return
        office_id, self.groups_shown, self.floors_shown = found
        await self.join(live.group_name(office_id))

    def frame_for(self, message: dict[str, Any]) -> str | None:
        if message.get("type") != "display.call":
            return None
        if self.groups_shown and message["group"] not in self.groups_shown:
            return None
        if self.floors_shown and message.get("floor") not in self.floors_shown:
            return None
        return message["text"]


@database_sync_to_async
def _ticket(office: str, token: str) -> tuple[int, int, int] | None:
    try:
        found = selectors.ticket_by_token(office_selectors.office_by_slug(office), token)
    except Http404:
        return None
    return found.office_id, found.pk, found.group_id


class TicketConsumer(_Member):
    ticket_id: int
    queue: int  # the ticket's service group, updated when it is transferred

    async def connect(self) -> None:
        kwargs = self.scope["url_route"]["kwargs"]
        found = await _ticket(kwargs["office"], kwargs["token"])
        if found is None:
            await self.close(code=NOT_FOUND)
            return
        office_id, self.ticket_id, self.queue = found
        await self.join(live.queue_group_name(office_id))

    def frame_for(self, message: dict[str, Any]) -> str | None:
        if message.get("type") != "queue.changed":
            return None
        if message["ticket"] == self.ticket_id:
            self.queue = message["group"]
            return TICKET_CHANGED
        if message["group"] == self.queue and message.get("moved", True):
            return QUEUE_CHANGED
        return None


@database_sync_to_async
def _desk(office: str, user: Any, session: Any) -> tuple[int, set[int]] | None:
    """The office and the queues of the desk the user sits at, if she may work at a desk there
    and signed in with her second factor; else None."""
    if user is None or not user.is_authenticated or session is None:
        return None
    device = Device.from_persistent_id(session.get(DEVICE_ID_SESSION_KEY) or "")
    if device is None or device.user_id != user.pk:
        return None
    try:
        access = office_access(user=user, office_slug=office)
    except Http404:
        return None
    if not access.may(Capability.WORK_AT_DESK):
        return None
    desk_session = selectors.desk_session_of(access.office, user)
    if desk_session is None:
        return None
    return access.office.pk, set(groups_served_by(desk_session.desk))


class DeskConsumer(_Member):
    """A desk page: told when a queue its desk calls from changed, without detail; it fetches
    its waiting count over HTTP. Taking or leaving a desk reloads the page and its socket."""

    served: set[int]

    async def connect(self) -> None:
        kwargs = self.scope["url_route"]["kwargs"]
        found = await _desk(kwargs["office"], self.scope.get("user"), self.scope.get("session"))
        if found is None:
            await self.close(code=NOT_FOUND)
            return
        office_id, self.served = found
        await self.join(live.queue_group_name(office_id))

    def frame_for(self, message: dict[str, Any]) -> str | None:
        if message.get("type") != "queue.changed" or message["group"] not in self.served:
            return None
        return QUEUE_CHANGED
