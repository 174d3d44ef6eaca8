"""The audit actions of callbacks (docs/audit.md), in one place."""

RECEIVED = "callbacks.callback.received"
CLAIMED = "callbacks.callback.claimed"
RELEASED = "callbacks.callback.released"
ATTEMPTED = "callbacks.callback.attempted"
CLOSED = "callbacks.callback.closed"
ACKNOWLEDGED = "callbacks.callback.acknowledged"
ANONYMISED = "callbacks.retention.anonymised"
UNREACHABLE_TOLD = "callbacks.callback.unreachable_told"
PLAYED = "callbacks.callback.played"  # a staff member played the message: a read of a client record
