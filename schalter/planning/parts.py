"""Planning as a part an office switches on (offices/parts.py): the what-if page for team
leads. Off by default: it needs a few weeks of records to say much about an office."""

from django.utils.translation import gettext_lazy as _

from schalter.accounts.roles import Capability
from schalter.offices.parts import MenuItem, Part

PLANNING = Part(
    name="planning",
    label=_("Planning: simulated waits for other desks, hours and slots"),
    description=_(
        "Team leads see how waits and idle desk time would change with more or fewer desks, "
        "other hours, another walk-in policy or other slot lengths, simulated from the "
        "office's own records."
    ),
    routes=frozenset({"staff:planning", "staff:planning_plans", "staff:planning_apply"}),
    menu=(MenuItem(_("Planning"), "staff:planning", Capability.PLAN_APPOINTMENTS),),
    on_by_default=False,
)
