"""The audit log in words: one registry mapping each dotted action name ("offices.hours.set") to a
translatable sentence with named placeholders ("%(actor)s changed the opening hours").

Each app keeps its sentences in its own `audit_words.py`, which registers them here when it is
imported; `sentences()` imports every installed app's `audit_words` module once (as Django's
admin finds `admin.py`), so this module needs no import of the apps above it and a new app needs
no wiring. An action without a sentence still reads as "<actor>: <action>", and
tests/accounts/test_audit_words.py fails for every action name written in the code that has none.

A sentence's placeholders come from the event: `actor` (the person's name, or the system actor's),
`day` and `time` (when it happened, in the office's zone), every plain value of its `data`, and
what the app's `fill` adds from the event and its target record (None once deleted), fetched for
a whole page at once by `targets_of`."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.contrib.auth.models import User
from django.db import models
from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from schalter.accounts import actions
from schalter.accounts.models import AuditEvent
from schalter.accounts.roles import Role
from schalter.languages import spoken_language_name
from schalter.offices.localtime import local_time
from schalter.offices.models import Office

Fill = Callable[[AuditEvent, models.Model | None], dict[str, str]]


@dataclass(frozen=True)
class Sentence:
    template: Promise  # gettext_lazy, with %(name)s placeholders
    fill: Fill | None = None
    # The staff page of the event's target (a URL name taking office and pk), while it exists.
    url_name: str = ""


_REGISTRY: dict[str, Sentence] = {}
_DISCOVERED = {"done": False}
# How a system actor is named in the log.
SYSTEM_ACTORS: dict[str, Promise] = {
    "client": _("The client"),
    "scheduler": _("Schalter (scheduled)"),
    "command": _("An administrator (command line)"),
}
MISSING = "…"


def register(
    action: str, template: Promise, *, fill: Fill | None = None, url_name: str = ""
) -> None:
    """Called at import of an app's audit_words module; a name registered twice is a mistake."""
    sentence = Sentence(template, fill, url_name)
    if action in _REGISTRY and _REGISTRY[action] != sentence:
        raise ValueError(f"audit action {action!r} has two sentences")
    _REGISTRY[action] = sentence


def sentences() -> dict[str, Sentence]:
    if not _DISCOVERED["done"]:
        autodiscover_modules("audit_words")
        _DISCOVERED["done"] = True
    return _REGISTRY


def sentence_of(action: str) -> Sentence | None:
    return sentences().get(action)


KIND_NAMES: dict[str, Promise] = {
    "accounts": _("Staff and sign-in"),
    "offices": _("Office settings"),
    "appointments": _("Appointments"),
    "visits": _("Walk-in queue"),
    "content": _("Texts"),
    "insights": _("Figures"),
    "privacy": _("Privacy"),
    "callbacks": _("Callbacks"),
    "interpreters": _("Interpreters"),
    "knowledge": _("Knowledge base"),
    "planning": _("Planning"),
}


def action_kinds() -> list[tuple[str, str]]:
    """(first part of the action name, readable name) of every kind with sentences: the log's
    "kind" filter."""
    kinds = sorted({action.split(".", 1)[0] for action in sentences()})
    return [(kind, str(KIND_NAMES.get(kind, kind))) for kind in kinds]


def audit_log_query(
    *,
    office: Office,
    actor_id: int | None = None,
    kind: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[AuditEvent]:
    """The office's audit events, newest first, filtered by person, kind and time."""
    events = AuditEvent.objects.filter(office=office).select_related("actor", "office")
    if actor_id is not None:
        events = events.filter(actor_id=actor_id)
    if kind:
        events = events.filter(action__startswith=f"{kind}.")
    if since is not None:
        events = events.filter(at__gte=since)
    if until is not None:
        events = events.filter(at__lt=until)
    return events.order_by("-at", "-id")


def audit_log_people(*, office: Office) -> list[tuple[int, str]]:
    """(user id, name) of everyone who appears as acting in the office's log."""
    users = User.objects.filter(
        pk__in=AuditEvent.objects.filter(office=office, actor__isnull=False).values("actor_id")
    ).order_by("last_name", "first_name", "username")
    return [(user.pk, user.get_full_name() or user.get_username()) for user in users]


class _Values(dict):
    def __missing__(self, key: str) -> str:
        return MISSING


def actor_name(event: AuditEvent) -> str:
    if event.actor is not None:
        return event.actor.get_full_name() or event.actor.get_username()
    if event.system_actor:
        return str(SYSTEM_ACTORS.get(event.system_actor, event.system_actor))
    return str(_("Someone"))


def code_short(code: str) -> str:
    """A booking code in the log: enough to recognise it, not enough to use it."""
    return f"{code[:3]}…" if len(code) > 3 else code


def targets_of(events: Iterable[AuditEvent]) -> dict[tuple[str, str], models.Model]:
    """The records the events name that still exist, fetched in one query per kind."""
    wanted: dict[str, set[str]] = {}
    for event in events:
        if event.target_type and event.target_id:
            wanted.setdefault(event.target_type, set()).add(event.target_id)
    found: dict[tuple[str, str], models.Model] = {}
    with scopes_disabled():
        for label, ids in wanted.items():
            try:
                model = apps.get_model(label)
            except (LookupError, ValueError):
                continue
            try:
                rows = model._base_manager.filter(pk__in=ids)
                found.update({(label, str(row.pk)): row for row in rows})
            except (ValueError, TypeError):
                continue
    return found


def in_words(event: AuditEvent, target: models.Model | None = None) -> str:
    """The event as a sentence in the active language."""
    sentence = sentence_of(event.action)
    moment = local_time(event.office, event.at) if event.office is not None else event.at
    values = _Values(
        day=date_format(moment, "DATE_FORMAT"), time=moment.strftime("%H:%M"), action=event.action
    )
    values.update({key: str(value) for key, value in (event.data or {}).items() if _plain(value)})
    values["actor"] = actor_name(event)
    if sentence is None:
        return gettext("%(actor)s: %(action)s") % values
    if sentence.fill is not None:
        values.update(sentence.fill(event, target))
    return str(sentence.template) % values


def _plain(value: Any) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


# --- the sentences of the accounts app itself ----------------------------------------------------


def _user_fill(event: AuditEvent, target: models.Model | None) -> dict[str, str]:
    name = (event.data or {}).get("user", "")
    if target is not None:
        user = getattr(target, "user", target)
        name = user.get_full_name() or user.get_username()  # type: ignore[union-attr]
    return {"person": name or MISSING}


def _membership_fill(event: AuditEvent, target: models.Model | None) -> dict[str, str]:
    from_data = (event.data or {}).get("role", "")
    role = getattr(target, "role", from_data) or from_data
    label = str(Role(role).label) if role in Role.values else role
    return {**_user_fill(event, target), "role": label or MISSING}


register("accounts.user.created", _("%(actor)s created the account of %(person)s"), fill=_user_fill)
register(
    "accounts.membership.granted",
    _("%(actor)s gave %(person)s the role %(role)s"),
    fill=_membership_fill,
    url_name="staff:member",
)
register(
    "accounts.membership.viewed",
    _("%(actor)s looked at the roles of %(person)s"),
    fill=_user_fill,
    url_name="staff:member",
)
register("accounts.totp.enrolled", _("%(actor)s set up an authenticator app"))
register("accounts.login.succeeded", _("%(actor)s signed in"))
register("accounts.login.password_failed", _("A sign-in failed: wrong password"))
register("accounts.login.code_failed", _("A sign-in failed: wrong code"))
register("accounts.login.alerted", _("The admins were warned of repeated failed sign-ins"))
register("accounts.login.unlocked", _("%(actor)s unlocked a locked sign-in"))
# Staff managed by their office (issue 13).
register(actions.INVITATION_SENT, _("%(actor)s invited someone to join the office"))
register(actions.INVITATION_ACCEPTED, _("%(actor)s accepted an invitation and joined the office"))
register(actions.INVITATION_WITHDRAWN, _("%(actor)s withdrew an invitation to join the office"))
for action, template in {
    actions.ROLES_CHANGED: _("%(actor)s changed the roles of %(person)s"),
    actions.MEMBER_DEACTIVATED: _("%(actor)s deactivated the account of %(person)s"),
    actions.MEMBER_REACTIVATED: _("%(actor)s reactivated the account of %(person)s"),
    actions.LANGUAGES_CHANGED: _("%(actor)s changed the languages %(person)s speaks"),
    actions.SECOND_FACTOR_RESET: _("%(actor)s reset the authenticator app of %(person)s"),
    actions.OPERATOR_CREATED: _("%(actor)s made %(person)s an operator"),
}.items():
    register(action, template, fill=_user_fill)
register(actions.SECOND_FACTOR_REENROLLED, _("%(actor)s set up an authenticator app again"))
register(actions.ACCOUNT_ENROLLED, _("%(actor)s set a password and an authenticator app"))


def _language_fill(event: AuditEvent, target: models.Model | None) -> dict[str, str]:
    code = str((event.data or {}).get("language", ""))
    return {"language": spoken_language_name(code) if code else MISSING}


register(
    actions.STAFF_LANGUAGE_CHANGED,
    _("%(actor)s chose %(language)s for their own pages"),
    fill=_language_fill,
)
# The privacy package is no installed app (no audit_words module is found in it).
register("privacy.subject.exported", _("%(actor)s exported what the office holds about a person"))
