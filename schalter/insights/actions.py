"""The insights app's audit actions (docs/audit.md), in one place."""

FIGURES_VIEWED = "insights.figures.viewed"
NAMING_CONSENTED = "insights.naming.consented"
NAMING_WITHDRAWN = "insights.naming.withdrawn"
STAFF_HOURS_ENTERED = "insights.staff_hours.entered"
STAFF_HOURS_WITHDRAWN = "insights.staff_hours.withdrawn"
BUDGET_ENTERED = "insights.budget.entered"
BUDGET_WITHDRAWN = "insights.budget.withdrawn"
