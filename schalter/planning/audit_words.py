"""The planning app's audit actions in words (accounts/audit_words.py)."""

from datetime import date

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from schalter.accounts.audit_words import MISSING, register
from schalter.accounts.models import AuditEvent
from schalter.planning.actions import PLAN_APPLIED


def _from_day(event: AuditEvent, target: models.Model | None) -> dict[str, str]:
    try:
        first = date.fromisoformat(str((event.data or {}).get("valid_from", "")))
    except ValueError:
        return {"valid_from": MISSING}
    return {"valid_from": date_format(first, "DATE_FORMAT")}


register(
    PLAN_APPLIED, _("%(actor)s applied a staffing plan from %(valid_from)s on"), fill=_from_day
)
