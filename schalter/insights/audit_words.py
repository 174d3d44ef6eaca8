"""The insights app's audit actions in words (accounts/audit_words.py)."""

from django.utils.translation import gettext_lazy as _

from schalter.accounts.audit_words import register

register("insights.figures.viewed", _("%(actor)s looked at the figures of all offices"))
