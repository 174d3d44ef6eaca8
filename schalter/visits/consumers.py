"""The call display's WebSocket: joins its office's group and forwards the calls its screen shows
(the same JSON as one entry of calls.json). An unknown office or screen is closed with 4404."""

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.http import Http404

from schalter.offices import selectors as office_selectors
from schalter.visits import live, selectors

NOT_FOUND = 4404


@database_sync_to_async
def _screen(office: str, screen: str) -> tuple[int, list[int]] | None:
    try:
        found = selectors.screen_get(office_selectors.office_by_slug(office), screen)
    except Http404:
        return None
    return found.office_id, list(found.groups or [])


class DisplayConsumer(AsyncJsonWebsocketConsumer):
    group: str | None = None
    groups_shown: list[int]

    async def connect(self) -> None:
        kwargs = self.scope["url_route"]["kwargs"]
        found = await _screen(kwargs["office"], kwargs["screen"])
        if found is None:
            await self.close(code=NOT_FOUND)
            return
        office_id, self.groups_shown = found
        self.group = live.group_name(office_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def display_call(self, message: dict[str, Any]) -> None:
        if not self.groups_shown or message["group"] in self.groups_shown:
            await self.send_json(message["call"])
