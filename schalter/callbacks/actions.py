"""The audit actions of callbacks (docs/audit.md), in one place."""

RECEIVED = "callbacks.callback.received"
CLAIMED = "callbacks.callback.claimed"
RELEASED = "callbacks.callback.released"
ATTEMPTED = "callbacks.callback.attempted"
CLOSED = "callbacks.callback.closed"
ACKNOWLEDGED = "callbacks.callback.acknowledged"
ANONYMISED = "callbacks.retention.anonymised"
UNREACHABLE_TOLD = "callbacks.callback.unreachable_told"
# A staff member played a message: a read of a client record (privacy/reads.py lists these).
PLAYED = "callbacks.callback.played"
# The office's callback settings (callbacks/settings.py, the staff settings page).
POLICY_CHANGED = "callbacks.policy.changed"
MAILBOX_ADDED = "callbacks.mailbox.added"
MAILBOX_CHANGED = "callbacks.mailbox.changed"
MAILBOX_DISABLED = "callbacks.mailbox.disabled"
MAILBOX_ENABLED = "callbacks.mailbox.enabled"
PATTERN_ADDED = "callbacks.pattern.added"
PATTERN_CHANGED = "callbacks.pattern.changed"
PATTERN_DELETED = "callbacks.pattern.deleted"
# A staff member opened a callback's page (number, name, notes): a read of a client record too.
VIEWED = "callbacks.callback.viewed"
