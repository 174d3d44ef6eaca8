"""Live updates for the call displays: every call and recall goes, once committed, to the
office's channel group; each connected display (consumers.DisplayConsumer) forwards it if its
screen shows the ticket's group. Polling calls.json stays the fallback, so a failure here is
logged and never breaks the call."""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils import translation
from django_scopes import scope

from schalter.visits.models import CallEvent, CallKind

logger = logging.getLogger(__name__)

SHOWN_KINDS = (CallKind.CALL, CallKind.RECALL)  # what the displays show, as in display_calls


def group_name(office_id: int) -> str:
    return f"display.{office_id}"


def publish_on_commit(event: CallEvent) -> None:
    if event.kind in SHOWN_KINDS and event.desk_id is not None:
        transaction.on_commit(lambda: publish_call_event(event))


def publish_call_event(event: CallEvent) -> None:
    from schalter.visits.selectors import display_call_data  # selectors imports services

    try:
        layer = get_channel_layer()
        if layer is None:
            return
        with scope(office=event.office_id), translation.override("de"):
            call = display_call_data(event)
        message = {"type": "display.call", "call": call, "group": event.ticket.group_id}
        async_to_sync(layer.group_send)(group_name(event.office_id), message)
    except Exception:
        logger.exception("could not publish call event %s", event.pk)
