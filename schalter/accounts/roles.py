"""Roles and what each may do. Navigation and view guards both read CAPABILITIES, nothing else."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICE_ADMIN = "office_admin", _("Office admin")
    TEAM_LEAD = "team_lead", _("Team lead")
    CASEWORKER = "caseworker", _("Caseworker")
    FRONT_DESK = "front_desk", _("Front desk")
    CALLBACK_AGENT = "callback_agent", _("Callback agent")
    KNOWLEDGE_EDITOR = "knowledge_editor", _("Knowledge editor")
    DATA_PROTECTION_OFFICER = "data_protection_officer", _("Data protection officer")
    MINISTRY = "ministry", _("Ministry (read-only, all offices)")
    # Runs the installation: adds and suspends offices, keeps the shared catalogue; never reads
    # client data of an office (issue 13).
    OPERATOR = "operator", _("Operator of the installation")


class Capability(models.TextChoices):
    VIEW_OFFICE = "office.view", _("See the office overview")
    MANAGE_OFFICE = "office.manage", _("Edit office details, hours and closures")
    MANAGE_DESKS = "desks.manage", _("Edit desks and locations")
    VIEW_DESKS = "desks.view", _("See desks")
    VIEW_STAFF = "staff.view", _("See staff and their roles")
    MANAGE_STAFF = (
        "staff.manage",
        _("Invite staff, change their roles and languages, reset their sign-in"),
    )
    VIEW_AUDIT = "audit.view", _("Read the audit log")
    VIEW_FIGURES = "figures.view", _("See anonymised figures of all offices")
    VIEW_INSIGHTS = "insights.view", _("See the office's figures and client feedback")
    VIEW_APPOINTMENTS = "appointments.view", _("See the appointment calendar")
    MANAGE_APPOINTMENTS = (
        "appointments.manage",
        _("Book, move and cancel appointments, block time, mark arrivals"),
    )
    PLAN_APPOINTMENTS = (
        "appointments.plan",
        _("Cancel all appointments of a day and end availability rules"),
    )
    WORK_AT_DESK = "visits.desk", _("Take a desk and call clients")
    RUN_QUEUE = "visits.queue", _("See the queue and issue tickets at the front desk")
    EDIT_CONTENT = "content.edit", _("Edit public texts and their translations")
    RUN_INSTALLATION = (
        "installation.run",
        _("Add and suspend offices and edit the shared service catalogue"),
    )
    # Callbacks: the worklist, playing messages, calling back, booking for the caller.
    WORK_CALLBACKS = "callbacks.work", _("Work on callbacks: listen to messages and call back")
    VIEW_PRIVACY = (
        "privacy.view",
        _("See who read client records and export what is held about a person"),
    )
    # The retention report (issue 13): what personal data is kept, how long, how much is due.
    VIEW_RETENTION = (
        "privacy.retention",
        _("See what personal data is kept, for how long, and when it was last deleted"),
    )
    # Knowledge base (issue 16): every office role reads, editors write, editors and leads approve.
    READ_KNOWLEDGE = "knowledge.read", _("Read the knowledge base and confirm required reading")
    EDIT_KNOWLEDGE = "knowledge.edit", _("Write knowledge articles and practice notes")
    APPROVE_KNOWLEDGE = "knowledge.approve", _("Approve knowledge articles (second person)")


C = Capability
CAPABILITIES: dict[str, frozenset[str]] = {
    Role.OFFICE_ADMIN: frozenset(
        {C.VIEW_OFFICE, C.MANAGE_OFFICE, C.MANAGE_DESKS, C.VIEW_DESKS, C.VIEW_AUDIT}
        | {C.VIEW_STAFF, C.MANAGE_STAFF}
        | {C.VIEW_APPOINTMENTS, C.MANAGE_APPOINTMENTS, C.PLAN_APPOINTMENTS, C.EDIT_CONTENT}
        | {C.WORK_AT_DESK, C.RUN_QUEUE}
        | {C.WORK_CALLBACKS, C.READ_KNOWLEDGE}
    ),
    Role.TEAM_LEAD: frozenset(
        {C.VIEW_OFFICE, C.VIEW_DESKS, C.MANAGE_DESKS, C.VIEW_STAFF, C.VIEW_AUDIT}
        | {C.VIEW_APPOINTMENTS, C.MANAGE_APPOINTMENTS, C.PLAN_APPOINTMENTS}
        | {C.WORK_AT_DESK, C.RUN_QUEUE}
        | {C.WORK_CALLBACKS, C.READ_KNOWLEDGE, C.APPROVE_KNOWLEDGE}
    ),
    Role.CASEWORKER: frozenset(
        {C.VIEW_OFFICE, C.VIEW_DESKS, C.VIEW_APPOINTMENTS, C.WORK_AT_DESK, C.READ_KNOWLEDGE}
    ),
    Role.FRONT_DESK: frozenset(
        {C.VIEW_OFFICE, C.VIEW_DESKS, C.VIEW_APPOINTMENTS, C.MANAGE_APPOINTMENTS}
        | {C.WORK_AT_DESK, C.RUN_QUEUE, C.READ_KNOWLEDGE}
    ),
    Role.CALLBACK_AGENT: frozenset(
        {C.VIEW_OFFICE, C.VIEW_APPOINTMENTS, C.MANAGE_APPOINTMENTS, C.WORK_CALLBACKS}
        | {C.READ_KNOWLEDGE}
    ),
    # Knowledge base (issue 16): every office role reads it (the data protection officer reads
    # only the reads), editors write, editors and team leads approve.
    Role.KNOWLEDGE_EDITOR: frozenset(
        {C.VIEW_OFFICE, C.EDIT_CONTENT, C.READ_KNOWLEDGE, C.EDIT_KNOWLEDGE, C.APPROVE_KNOWLEDGE}
    ),
    # Reads the reads: the officer sees who saw client records, not the records themselves,
    # except what she exports for a person who asked (itself audited); and the audit log.
    # Nothing else of the office, not even its overview (issue 13).
    Role.DATA_PROTECTION_OFFICER: frozenset({C.VIEW_PRIVACY, C.VIEW_AUDIT}),
    Role.MINISTRY: frozenset({C.VIEW_FIGURES}),
    Role.OPERATOR: frozenset({C.RUN_INSTALLATION}),
}

# Insights (issue 17): the office's figures and feedback, for its admins and team leads.
for _role in (Role.OFFICE_ADMIN, Role.TEAM_LEAD):
    CAPABILITIES[_role] = CAPABILITIES[_role] | {C.VIEW_INSIGHTS}

# The retention report (issue 13): for the data-protection officer and the office's admins.
for _role in (Role.OFFICE_ADMIN, Role.DATA_PROTECTION_OFFICER):
    CAPABILITIES[_role] = CAPABILITIES[_role] | {C.VIEW_RETENTION}

# Roles held for the whole installation rather than in one office (Membership.office is empty).
INSTALLATION_ROLES = frozenset({Role.MINISTRY, Role.OPERATOR})


# Roles held for one office, in the order the staff pages offer them.
OFFICE_ROLES = tuple(role for role in Role if role not in INSTALLATION_ROLES)


def capabilities_of(role: str) -> frozenset[str]:
    return CAPABILITIES.get(role, frozenset())
