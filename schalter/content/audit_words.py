"""The content app's audit actions in words (accounts/audit_words.py)."""

from django.utils.translation import gettext_lazy as _

from schalter.accounts.audit_words import register

register("content.text.updated", _("%(actor)s changed a text for clients"))
register("content.translations.exported", _("%(actor)s exported texts for translation"))
register("content.translations.imported", _("%(actor)s imported translations"))
register("content.notice.created", _("%(actor)s added a notice"), url_name="staff:notice")
register("content.notice.updated", _("%(actor)s changed a notice"), url_name="staff:notice")
register("content.notice.deleted", _("%(actor)s removed a notice"))
