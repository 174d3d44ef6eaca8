"""The callbacks app's audit actions in words (accounts/audit_words.py). No caller's number or
name: the log names the request only as a request."""

from django.utils.translation import gettext_lazy as _

from schalter.accounts.audit_words import register
from schalter.callbacks import actions

register(actions.RECEIVED, _("%(actor)s asked to be called back"))
register(actions.CLAIMED, _("%(actor)s took on a callback request"))
register(actions.RELEASED, _("%(actor)s gave a callback request back"))
register(actions.ATTEMPTED, _("%(actor)s tried to call back (attempt %(attempt)s)"))
register(actions.CLOSED, _("%(actor)s closed a callback request"))
register(actions.PLAYED, _("%(actor)s listened to a callback message"))
register(actions.VIEWED, _("%(actor)s opened a callback request"))
register(actions.ACKNOWLEDGED, _("%(actor)s told the caller their request has arrived"))
register(actions.UNREACHABLE_TOLD, _("%(actor)s told the caller we could not reach them"))
register(actions.ANONYMISED, _("Personal data of %(callbacks)s old callback requests was erased"))
# The settings page: the policy, the mailboxes (never a password) and the generic patterns.
register(actions.POLICY_CHANGED, _("%(actor)s changed the callback rules"))
register(
    actions.MAILBOX_ADDED,
    _("%(actor)s added the voicemail mailbox %(address)s"),
    url_name="staff:callback_mailbox",
)
register(
    actions.MAILBOX_CHANGED,
    _("%(actor)s changed the voicemail mailbox %(address)s"),
    url_name="staff:callback_mailbox",
)
register(
    actions.MAILBOX_DISABLED,
    _("%(actor)s switched off the voicemail mailbox %(address)s"),
    url_name="staff:callback_mailbox",
)
register(
    actions.MAILBOX_ENABLED,
    _("%(actor)s switched on the voicemail mailbox %(address)s"),
    url_name="staff:callback_mailbox",
)
register(
    actions.PATTERN_ADDED,
    _("%(actor)s added the voicemail pattern %(name)s"),
    url_name="staff:callback_pattern",
)
register(
    actions.PATTERN_CHANGED,
    _("%(actor)s changed the voicemail pattern %(name)s"),
    url_name="staff:callback_pattern",
)
register(actions.PATTERN_DELETED, _("%(actor)s deleted the voicemail pattern %(name)s"))
