"""Writes for visits, one module per topic: setting up the queue (`queue_setup`), issuing tickets
and check-in (`issuing`), desk sessions (`desks`), calling (`calling`), wait anywhere
(`wait_anywhere`; its messages go from `visits.tasks`), notes and erasure (`notes`). Each write is
one transaction with an audit row and takes `acting_user=`.

The names are importable from here, as `schalter.visits.services.ticket_call_next`; modules of
this package import each other directly, never through this one. The queue order, the wait
estimates and the capabilities (tokens, kiosk keys) are reads, re-exported here for the code that
found them here before."""

from schalter.tokens import token_hash
from schalter.visits.capabilities import (
    kiosk_key_new,
    kiosk_key_valid,
    kiosk_unlock_mark,
    ticket_token_new,
)
from schalter.visits.queue_order import (
    DUE_NOW,
    callable_by,
    groups_served_by,
    queue_rank,
    served_groups,
)
from schalter.visits.selectors import group_for_service
from schalter.visits.services.calling import (
    CLOSED_STATES,
    MAX_CALLS,
    ticket_call_next,
    ticket_finish,
    ticket_no_show,
    ticket_park,
    ticket_recall,
    ticket_start,
    ticket_transfer,
)
from schalter.visits.services.desks import desk_session_close, desk_session_open
from schalter.visits.services.issuing import (
    Issued,
    ticket_check_in,
    ticket_issue_walk_in,
    ticket_link_issue,
)
from schalter.visits.services.notes import ticket_note_set, tickets_personal_erase
from schalter.visits.services.queue_setup import (
    kiosk_create,
    kiosk_key_renew,
    kiosk_update,
    screen_create,
    screen_update,
    service_group_create,
    service_group_update,
)
from schalter.visits.services.wait_anywhere import ticket_notify_set, ticket_notify_withdraw
from schalter.visits.tasks import (
    SMS_CLAIM_EXPIRES,
    SMS_TRIES,
    near_text,
    tickets_notify_near,
    tickets_notify_near_task,
)

__all__ = [
    "CLOSED_STATES",
    "DUE_NOW",
    "MAX_CALLS",
    "SMS_CLAIM_EXPIRES",
    "SMS_TRIES",
    "Issued",
    "callable_by",
    "desk_session_close",
    "desk_session_open",
    "group_for_service",
    "groups_served_by",
    "kiosk_create",
    "kiosk_key_new",
    "kiosk_key_renew",
    "kiosk_key_valid",
    "kiosk_unlock_mark",
    "kiosk_update",
    "near_text",
    "queue_rank",
    "screen_create",
    "screen_update",
    "served_groups",
    "service_group_create",
    "service_group_update",
    "ticket_call_next",
    "ticket_check_in",
    "ticket_finish",
    "ticket_issue_walk_in",
    "ticket_link_issue",
    "ticket_no_show",
    "ticket_note_set",
    "ticket_notify_set",
    "ticket_notify_withdraw",
    "ticket_park",
    "ticket_recall",
    "ticket_start",
    "ticket_token_new",
    "ticket_transfer",
    "tickets_notify_near",
    "tickets_notify_near_task",
    "tickets_personal_erase",
    "token_hash",
]
