"""Refusals of the planning app, on the shared base."""

from django.utils.translation import gettext_lazy as _

from schalter.errors import Refusal


class PlanError(Refusal):
    code = "plan_invalid"
    message = _("This plan cannot be applied.")


class PlanStale(PlanError):
    code = "plan_stale"
    message = _(
        "The availability rules have changed since this plan was computed. "
        "Please compute the plans again."
    )
