"""The interpreters app's audit actions in words (accounts/audit_words.py). Interpreters are not
named: the log shows only what happened to an assignment."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from schalter.accounts.audit_words import MISSING, register
from schalter.accounts.models import AuditEvent
from schalter.interpreters import actions
from schalter.interpreters.languages import language_name
from schalter.interpreters.models import Mode


def _request(event: AuditEvent, target: models.Model | None) -> dict[str, str]:
    data = event.data or {}
    code, mode = str(data.get("language", "")), str(data.get("mode", ""))
    return {
        "language": language_name(code) if code else MISSING,
        "mode": str(Mode(mode).label) if mode in Mode.values else MISSING,
    }


register(
    actions.ASSIGNMENT_REQUESTED,
    _("%(actor)s asked for an interpreter for %(language)s, %(mode)s"),
    fill=_request,
)
register(
    actions.ASSIGNMENT_MODE_SWITCHED,
    _("%(actor)s changed an interpreting assignment to %(mode)s"),
    fill=_request,
)
for action, template in {
    actions.ASSIGNMENT_PROPOSED: _("%(actor)s offered an interpreter an assignment"),
    actions.ASSIGNMENT_ACCEPTED: _("%(actor)s accepted an interpreting assignment"),
    actions.ASSIGNMENT_DECLINED: _("%(actor)s declined an interpreting assignment"),
    actions.ASSIGNMENT_ESCALATED: _("%(actor)s took back an unanswered interpreting assignment"),
    actions.ASSIGNMENT_HANDED_BACK: _("%(actor)s handed back an interpreting assignment"),
    actions.ASSIGNMENT_NOBODY_FOUND: _("No interpreter was found for an assignment"),
    actions.ASSIGNMENT_CANCELLED: _("%(actor)s cancelled an interpreting assignment"),
    actions.ASSIGNMENT_REPORTED: _(
        "%(actor)s reported %(minutes)s minutes and %(km)s km for an interpreting assignment"
    ),
    actions.INTERPRETER_CREATED: _("%(actor)s added an interpreter"),
    actions.INTERPRETER_DEACTIVATED: _("%(actor)s deactivated an interpreter"),
    actions.INTERPRETER_OFFICE_SET: _(
        "%(actor)s set an interpreter's distance to the office: %(distance_km)s km"
    ),
    actions.AVAILABILITY_ADDED: _("%(actor)s added times an interpreter is available"),
    actions.SIGN_IN_LINK_USED: _("%(actor)s signed in with a link"),
    actions.BUDGET_SET: _("%(actor)s set the interpreting budget for %(month)s to %(amount)s €"),
}.items():
    register(action, template)
register(
    actions.ASSIGNMENTS_ERASED,
    _("Personal data of %(assignments)s past interpreting assignments was erased"),
)
