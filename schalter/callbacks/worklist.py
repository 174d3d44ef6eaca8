"""Reads for the callback pages: the worklist a page at a time, a callback by her status link,
the office's topics, the languages agents speak. Never writes."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.core.paginator import Page, Paginator
from django.db.models import F
from django_scopes import scope

from schalter.accounts.models import Membership
from schalter.accounts.roles import Role
from schalter.appointments.models import OfficeService
from schalter.callbacks.models import Callback, CallbackAttempt, State, VoicemailAudio
from schalter.offices.models import Office
from schalter.tokens import token_hash

PAGE_SIZE = 50
# The roles that take callbacks; whose languages decide whether anyone speaks hers.
AGENT_ROLES = (Role.CALLBACK_AGENT, Role.TEAM_LEAD)


def worklist_page(office: Office, number: int | str = 1) -> Page:
    """Callbacks not closed, by deadline (overdue ones have the earliest, so they lead; those
    without a deadline last), PAGE_SIZE a page."""
    with scope(office=office):
        found = (
            Callback.objects.filter(office=office)
            .exclude(state=State.CLOSED)
            .select_related("service", "claimed_by")
            .defer("preferred_windows", "review_reasons")
            .order_by(F("deadline").asc(nulls_last=True), "id")
        )
        return Paginator(found, PAGE_SIZE).get_page(number)


def callback_by_status_token(office: Office, token: str) -> Callback | None:
    if not token or len(token) > 100:
        return None
    with scope(office=office):
        return (
            Callback.objects.filter(office=office, status_token_hash=token_hash(token))
            .select_related("service")
            .first()
        )


def offers_service(office: Office, service_id: int) -> bool:
    if not 0 < service_id < 2**63:
        return False
    with scope(office=office):
        return OfficeService.objects.filter(office=office, service_id=service_id).exists()


def attempts_of(callback: Callback) -> list[CallbackAttempt]:
    with scope(office=callback.office):
        return list(
            CallbackAttempt.objects.filter(callback=callback).select_related("by").order_by("at")
        )


@dataclass(frozen=True)
class Speakers:
    known: bool  # False: agents' languages are not recorded here; nobody is filtered
    languages: frozenset[str]


def agent_languages(office: Office) -> Speakers:
    """The languages the office's callback agents and leads speak, where members keep them (a
    `languages` list on the membership); otherwise unknown."""
    if not any(f.name == "languages" for f in Membership._meta.get_fields()):
        return Speakers(known=False, languages=frozenset())
    spoken: set[str] = set()
    rows = Membership.objects.filter(office=office, role__in=AGENT_ROLES).values_list(
        "languages", flat=True
    )
    for languages in rows:
        spoken.update(code.lower() for code in (languages or []))
    return Speakers(known=True, languages=frozenset(spoken | {"de"}))


def is_overdue(callback: Callback, now: datetime) -> bool:
    return callback.deadline is not None and callback.deadline < now


def user_languages(user: User, office: Office) -> list[str] | None:
    """The languages one agent speaks (None: not recorded, all callbacks are hers)."""
    if not any(f.name == "languages" for f in Membership._meta.get_fields()):
        return None
    spoken: set[str] = set()
    for languages in Membership.objects.filter(office=office, user=user).values_list(
        "languages", flat=True
    ):
        spoken.update(code.lower() for code in (languages or []))
    return sorted(spoken | {"de"}) if spoken else None


def audio_exists(callback: Callback) -> bool:
    with scope(office=callback.office):
        return VoicemailAudio.objects.filter(callback=callback).exists()


def audio_of(callback: Callback) -> VoicemailAudio | None:
    with scope(office=callback.office):
        return VoicemailAudio.objects.filter(callback=callback).first()
