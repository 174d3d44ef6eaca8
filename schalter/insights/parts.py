"""The insights part: the office's figures in the staff menu, for admins and team leads."""

from django.utils.translation import gettext_lazy as _

from schalter.accounts.roles import Capability
from schalter.offices.parts import MenuItem, Part

INSIGHTS = Part(
    name="insights",
    label=_("Figures and client feedback"),
    description=_(
        "Waiting times, no-shows and other figures from what the office records, as charts "
        "and tables for the office's admins and team leads."
    ),
    routes=frozenset({"staff:insights", "staff:insights_export"}),
    menu=(MenuItem(_("Figures"), "staff:insights", Capability.VIEW_INSIGHTS),),
)
