"""The knowledge base's audit actions in words (accounts/audit_words.py)."""

from django.utils.translation import gettext_lazy as _

from schalter.accounts.audit_words import register
from schalter.knowledge import actions

for action, template in {
    actions.ARTICLE_CREATED: _("%(actor)s wrote a new article"),
    actions.ARTICLE_REVISED: _("%(actor)s wrote version %(revision)s of an article"),
    actions.ARTICLE_SUBMITTED: _("%(actor)s sent version %(revision)s of an article for approval"),
    actions.ARTICLE_APPROVED: _("%(actor)s approved version %(revision)s of an article"),
    actions.ARTICLE_ARCHIVED: _("%(actor)s archived an article"),
    actions.ARTICLE_SETTINGS: _("%(actor)s changed who may read an article"),
    actions.ARTICLE_ADOPTED: _("%(actor)s took over an article of another office"),
    actions.ARTICLE_READ: _("%(actor)s confirmed having read version %(revision)s of an article"),
    actions.COMMENT_POSTED: _("%(actor)s commented on an article"),
    actions.NOTE_POSTED: _("%(actor)s wrote a note on a service"),
    actions.POLICY_CHANGED: _("%(actor)s changed the rules for approving articles"),
    actions.SUMMARY_TRANSLATED: _("%(actor)s translated the summary of an article"),
}.items():
    register(action, template)
