"""The insights app's audit actions (docs/audit.md), in one place."""

FIGURES_VIEWED = "insights.figures.viewed"
NAMING_CONSENTED = "insights.naming.consented"
NAMING_WITHDRAWN = "insights.naming.withdrawn"
