"""Reads for the callback pages: the worklist a page at a time, a callback by her status link,
the office's topics, and routing by the languages agents speak. Never writes."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.core.paginator import Page, Paginator
from django.db.models import F
from django_scopes import scope

from schalter.accounts.roles import Capability, capabilities_of
from schalter.accounts.selectors import office_members
from schalter.appointments.models import OfficeService
from schalter.callbacks.models import Callback, CallbackAttempt, State, VoicemailAudio
from schalter.offices.models import Office
from schalter.tokens import token_hash

PAGE_SIZE = 50


def worklist_page(
    office: Office, number: int | str = 1, *, leave_out: Collection[str] = ()
) -> Page:
    """Callbacks not closed, by deadline (overdue ones have the earliest, so they lead; those
    without a deadline last), PAGE_SIZE a page; without those in the languages `leave_out`."""
    with scope(office=office):
        found = (
            Callback.objects.filter(office=office)
            .exclude(state=State.CLOSED)
            .exclude(language__in=list(leave_out))
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


# Codes that name the same spoken language for routing: Leichte Sprache is German, Dari is
# understood by Farsi speakers and the other way round.
SAME_LANGUAGE = {"de-x-ls": "de", "fa-af": "fa", "prs": "fa"}
GERMAN = "de"  # every agent speaks it


def language_key(code: str) -> str:
    """A language code as callers' and agents' languages are compared: lower case, the language
    without region or script ("ar-SY" and "ar" are Arabic), Dari as Farsi, Leichte Sprache as
    German; "" for no known language."""
    code = code.strip().lower().replace("_", "-")
    return SAME_LANGUAGE.get(code) or code.split("-")[0]


@dataclass(frozen=True)
class Routing:
    """Who speaks what at an office, seen from one agent: callbacks in her languages, in German or
    of no known language are hers; those in a language only other agents speak are left to them;
    those in a language no agent speaks are anybody's (with a phone interpreter)."""

    mine: frozenset[str]  # language keys she speaks, German always
    others: frozenset[str]  # keys other active agents speak and she does not

    def is_hers(self, code: str) -> bool:
        return language_key(code) not in self.others

    def nobody_speaks(self, code: str) -> bool:
        key = language_key(code)
        return bool(key) and key not in self.mine and key not in self.others


def routing_of(office: Office, user: User | None = None) -> Routing:
    """The office's active members who work on callbacks and the languages they speak with clients
    (their staff profiles), seen from `user` (None: from nobody in particular)."""
    mine: set[str] = {GERMAN}
    others: set[str] = set()
    for member in office_members(office=office):
        if not (member.active and member.user.is_active and _takes_callbacks(member.roles)):
            continue
        keys = {language_key(code) for code in member.spoken_languages}
        (mine if user is not None and member.user.pk == user.pk else others).update(keys)
    return Routing(mine=frozenset(mine), others=frozenset(others - mine))


def _takes_callbacks(roles: tuple[str, ...]) -> bool:
    return any(Capability.WORK_CALLBACKS in capabilities_of(role) for role in roles)


def left_to_others(office: Office, routing: Routing) -> list[str]:
    """The language codes of the office's open callbacks that are not hers to take (as stored,
    for a filter in the database)."""
    with scope(office=office):
        codes = (
            Callback.objects.filter(office=office)
            .exclude(state=State.CLOSED)
            .order_by()  # no ordering columns in the DISTINCT: one row per language
            .values_list("language", flat=True)
            .distinct()
        )
        return sorted(code for code in codes if not routing.is_hers(code))


def is_overdue(callback: Callback, now: datetime) -> bool:
    return callback.deadline is not None and callback.deadline < now


def audio_exists(callback: Callback) -> bool:
    with scope(office=callback.office):
        return VoicemailAudio.objects.filter(callback=callback).exists()


def audio_of(callback: Callback) -> VoicemailAudio | None:
    with scope(office=callback.office):
        return VoicemailAudio.objects.filter(callback=callback).first()
