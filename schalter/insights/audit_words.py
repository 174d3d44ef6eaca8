"""The insights app's audit actions in words (accounts/audit_words.py)."""

from django.utils.translation import gettext_lazy as _

from schalter.accounts.audit_words import register

register("insights.figures.viewed", _("%(actor)s looked at the figures of all offices"))
register(
    "insights.naming.consented",
    _("%(actor)s agreed that the office is named where offices are compared"),
)
register(
    "insights.naming.withdrawn",
    _("%(actor)s withdrew the office's consent to be named where offices are compared"),
)
register(
    "insights.staff_hours.entered",
    _("%(actor)s entered the staff hours of a period for the Bilanz"),
)
register(
    "insights.staff_hours.withdrawn",
    _("%(actor)s withdrew an entry of staff hours"),
)
register(
    "insights.budget.entered",
    _("%(actor)s entered the programme's budget for a period"),
)
register(
    "insights.budget.withdrawn",
    _("%(actor)s withdrew an entry of the programme's budget"),
)
