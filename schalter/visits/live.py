"""Live updates for the call displays and the clients' phones: every call and recall goes, once
committed, to the office's display group; each connected display (consumers.DisplayConsumer)
forwards it if its screen shows the ticket's group. Every change of a ticket goes to the office's
queue group, and each live ticket page (consumers.TicketConsumer) refreshes when its own ticket or
its group's queue moved. Polling stays the fallback, so a failure here is logged and never breaks
the call."""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils import translation
from django_scopes import scope

from schalter.visits.models import CallEvent, CallKind, Ticket

logger = logging.getLogger(__name__)

SHOWN_KINDS = (CallKind.CALL, CallKind.RECALL)  # what the displays show, as in display_calls


def group_name(office_id: int) -> str:
    return f"display.{office_id}"


def queue_group_name(office_id: int) -> str:
    """The clients' phones of an office: told that the queue moved, never who moved."""
    return f"queue.{office_id}"


def queue_changed_on_commit(ticket: Ticket) -> None:
    """The ticket changed (called, parked, transferred, finished …): once committed, phones
    waiting in its group refresh their place, and its own phone refreshes what it shows."""
    message = {"type": "queue.changed", "group": ticket.group_id, "ticket": ticket.pk}
    transaction.on_commit(lambda: _send(queue_group_name(ticket.office_id), message))


def _send(group: str, message: dict) -> None:
    try:
        layer = get_channel_layer()
        if layer is not None:
            async_to_sync(layer.group_send)(group, message)
    except Exception:
        logger.exception("could not tell %s", group)


def publish_on_commit(event: CallEvent) -> None:
    if event.kind in SHOWN_KINDS and event.desk_id is not None:
        transaction.on_commit(lambda: publish_call_event(event))


def publish_call_event(event: CallEvent) -> None:
    from schalter.visits.selectors import display_call_data  # selectors imports services

    try:
        with scope(office=event.office_id), translation.override("de"):
            call = display_call_data(event)
    except Exception:
        logger.exception("could not describe call event %s", event.pk)
        return
    # The desk was read above (display_call_data); its floor lets screens limited to floors filter.
    floor = event.desk.floor if event.desk is not None else None
    message = {"type": "display.call", "call": call, "group": event.ticket.group_id, "floor": floor}
    _send(group_name(event.office_id), message)
