"""The planning app's audit actions (docs/audit.md), in one place."""

PLAN_APPLIED = "planning.plan.applied"
