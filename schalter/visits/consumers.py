"""The WebSockets. A call display joins its office's group and gets the calls its screen shows
(the same JSON as one entry of calls.json). A client's live ticket page joins its office's queue
group and is told, without any detail, when its ticket or its group's queue changed, so it
fetches its status at once. An unknown office, screen or ticket is closed with 4404."""

import json
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.http import Http404

from schalter.offices import selectors as office_selectors
from schalter.visits import live, selectors

NOT_FOUND = 4404
# What a phone is told, encoded once (as send_json would for each socket).
TICKET_CHANGED = json.dumps({"changed": "ticket"})
QUEUE_CHANGED = json.dumps({"changed": "queue"})


@database_sync_to_async
def _screen(office: str, screen: str) -> tuple[int, list[int], list[int]] | None:
    try:
        found = selectors.screen_get(office_selectors.office_by_slug(office), screen)
    except Http404:
        return None
    return found.office_id, list(found.groups or []), list(found.floors or [])


class _GroupMember(AsyncJsonWebsocketConsumer):
    """Leaves its channel group on disconnect."""

    group: str | None = None

    async def join(self, group: str) -> None:
        self.group = group
        await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)


class DisplayConsumer(_GroupMember):
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

    async def display_call(self, message: dict[str, Any]) -> None:
        if self.groups_shown and message["group"] not in self.groups_shown:
            return
        if self.floors_shown and message.get("floor") not in self.floors_shown:
            return
        await self.send(text_data=message["text"])


@database_sync_to_async
def _ticket(office: str, token: str) -> tuple[int, int, int] | None:
    try:
        found = selectors.ticket_by_token(office_selectors.office_by_slug(office), token)
    except Http404:
        return None
    return found.office_id, found.pk, found.group_id


class TicketConsumer(_GroupMember):
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

    async def queue_changed(self, message: dict[str, Any]) -> None:
        if message["ticket"] == self.ticket_id:
            self.queue = message["group"]
            await self.send(text_data=TICKET_CHANGED)
        elif message["group"] == self.queue:
            await self.send(text_data=QUEUE_CHANGED)
