"""Interpreters on a fee basis, as a part an office switches on (offices/parts.py). Off: the
staff overview and its switching answer 404; statements and cost reports of work already done
stay reachable, and requests still open are listed as open work, so switching off loses nothing.
The interpreter's own view is hers, not an office's: it is not gated."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_scopes import scope

from schalter.accounts.roles import Capability
from schalter.interpreters.models import HOLDING_STATES, Assignment, AssignmentState
from schalter.offices.models import Office
from schalter.offices.parts import MenuItem, Part

INTERPRETERS = "interpreters"


def _open_work(office: Office) -> list[str]:
    with scope(office=office):
        coming = Assignment.objects.filter(
            office=office,
            start__gt=timezone.now(),
            state__in=[AssignmentState.REQUESTED, *HOLDING_STATES],
        ).count()
    if not coming:
        return []
    return [
        ngettext(
            "%(count)s interpreting request is still open or booked.",
            "%(count)s interpreting requests are still open or booked.",
            coming,
        )
        % {"count": coming}
    ]


INTERPRETERS_PART = Part(
    name=INTERPRETERS,
    label=_("Interpreters on a fee basis"),
    description=_(
        "Appointments, tickets and callbacks that need an interpreter get one from the pool: "
        "matched, asked by e-mail, confirmed, and paid by the JVEG rules."
    ),
    routes=frozenset(
        {
            "staff:interpreters",
            "staff:interpreter_mode_update",
            "staff:interpreter_pool",
            "staff:interpreter_pool_member",
            "staff:interpreter_budget_update",
            "staff:interpreter_callback_request",
        }
    ),
    kept_routes=frozenset(
        {
            "staff:interpreter_costs_csv",
            "staff:interpreter_costs_xlsx",
            "staff:interpreter_statement",
        }
    ),
    menu=(MenuItem(_("Interpreters"), "staff:interpreters", Capability.VIEW_APPOINTMENTS),),
    open_work=_open_work,
    on_by_default=False,  # an office switches it on once it has a pool
)
