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
