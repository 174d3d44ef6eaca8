"""Routing by language: a callback reaches an agent who speaks the caller's language (the
languages members keep in their staff profiles). "Take the next callback" gives an agent the most
urgent one in a language she speaks, in German, or in a language no agent speaks (then with a
phone interpreter); one only a colleague speaks is left to that colleague. The worklist shows
everything by deadline and, filtered, only those for her."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django_scopes import scopes_disabled

from schalter.accounts.actors import COMMAND
from schalter.accounts.members import member_active_set, member_languages_set
from schalter.callbacks import services
from schalter.callbacks.incoming import Incoming
from schalter.callbacks.models import Callback
from schalter.callbacks.worklist import language_key, left_to_others, routing_of
from tests.callbacks.conftest import callbacks_on
from tests.conftest import german, sign_in

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 8, 7, 0, tzinfo=UTC)  # Monday 9:00 in Gießen
LATER = NOW + timedelta(days=7)  # every callback below is due by then


@pytest.fixture
def team(office, make_staff):
    """An Arabic-speaking agent, a Turkish-speaking lead, an agent who speaks German only, and a
    caseworker (no callbacks) who speaks Russian."""
    callbacks_on(office)
    admin = make_staff(office, "office_admin")
    people = {
        "arabic": make_staff(office, "callback_agent"),
        "turkish": make_staff(office, "team_lead"),
        "german": make_staff(office, "callback_agent"),
        "caseworker": make_staff(office, "caseworker"),
    }
    for name, languages in (("arabic", ["ar"]), ("turkish", ["tr", "de"]), ("caseworker", ["ru"])):
        member_languages_set(
            office=office, user=people[name], languages=languages, acting_user=admin
        )
    people["admin"] = admin
    return people


def receive(office, language: str, days: int) -> Callback:
    """A voicemail in `language` received `days` working days after NOW (a later deadline)."""
    return services.callback_receive(
        office=office,
        incoming=Incoming(
            source="voicemail",
            dedup_key=f"msgid:<{language}-{days}@pbx>",
            caller_number=f"+4915123456{days:03d}",
            language=language,
        ),
        now=NOW + timedelta(days=days),
        acting_user=COMMAND,
    ).callback


@pytest.fixture
def next_for():
    """next_for(office, user): what "Take the next callback" gives her (through the page). One
    signed-in client per person: a second sign-in within 30 s would reuse her code."""
    clients: dict[int, Client] = {}

    def take(office, user) -> Callback | None:
        if user.pk not in clients:
            clients[user.pk] = sign_in(Client(), user)
        response = clients[user.pk].post(f"/staff/{office.slug}/callbacks/")
        assert response.status_code == 302
        found = re.search(r"/callbacks/(\d+)/$", response["Location"])
        if found is None:
            return None
        with scopes_disabled():
            return Callback.objects.get(pk=int(found.group(1)))

    take.clients = clients
    return take


@pytest.fixture
def waiting(office, team):
    """Turkish is the most urgent, then Arabic, then German, then Russian (which no agent
    speaks: the caseworker does not take callbacks)."""
    return {
        "tr": receive(office, "tr", 0),
        "ar": receive(office, "ar", 1),
        "de": receive(office, "", 2),
        "ru": receive(office, "ru", 3),
    }


def test_each_agent_gets_the_most_urgent_one_she_can_speak(office, team, waiting, next_for):
    # The Turkish callback is the most urgent, but only the lead speaks Turkish: it waits for her.
    assert next_for(office, team["arabic"]) == waiting["ar"]
    assert next_for(office, team["german"]) == waiting["de"]
    # Russian: nobody who takes callbacks speaks it, so it is anybody's (with an interpreter).
    assert next_for(office, team["german"]) == waiting["ru"]
    assert next_for(office, team["german"]) is None  # Turkish is still left to the lead
    assert next_for(office, team["turkish"]) == waiting["tr"]


def test_german_is_everybodys_and_her_own_language_waits_for_her(office, team, next_for):
    german_one = receive(office, "", 0)
    arabic = receive(office, "ar", 1)
    # German is everybody's, so she gets the most urgent one she speaks: German first...
    assert next_for(office, team["arabic"]) == german_one
    # ...then Arabic, which the German-only agent would not have been given.
    assert next_for(office, team["german"]) is None
    assert next_for(office, team["arabic"]) == arabic


def test_when_the_only_speaker_is_deactivated_anybody_gets_it_with_an_interpreter(
    office, team, waiting, next_for
):
    assert next_for(office, team["german"]) == waiting["de"]
    assert next_for(office, team["german"]) == waiting["ru"]
    assert next_for(office, team["german"]) is None  # Arabic waits for her colleague
    member_active_set(office=office, user=team["arabic"], active=False, acting_user=team["admin"])
    client = next_for.clients[team["german"].pk]
    page = client.get(f"/staff/{office.slug}/callbacks/").content.decode()
    note = german("Nobody here speaks %(language)s: call with a phone interpreter.")
    # Named for the German reader, with the name in itself beside it.
    assert note % {"language": "Arabisch (العربية)"} in page
    assert next_for(office, team["german"]) == waiting["ar"]


def test_the_worklist_shows_all_by_deadline_or_only_those_for_her(office, team, waiting, next_for):
    client = sign_in(Client(), team["arabic"])
    everything = client.get(f"/staff/{office.slug}/callbacks/").content.decode()
    rows = [int(pk) for pk in re.findall(r'data-callback="(\d+)"', everything)]
    assert rows == [waiting[code].pk for code in ("tr", "ar", "de", "ru")]
    assert german("for a colleague who speaks it") in everything
    mine = client.get(f"/staff/{office.slug}/callbacks/?for=me").content.decode()
    rows = [int(pk) for pk in re.findall(r'data-callback="(\d+)"', mine)]
    assert rows == [waiting[code].pk for code in ("ar", "de", "ru")]
    assert german("for a colleague who speaks it") not in mine


def test_regional_codes_dialects_and_easy_german_count_as_the_language(office, team):
    assert language_key("ar-SY") == language_key("ar") == "ar"
    assert language_key("fa-af") == language_key("prs") == language_key("fa")
    assert language_key("de-x-ls") == "de"
    member_languages_set(
        office=office, user=team["german"], languages=["prs"], acting_user=team["admin"]
    )
    routing = routing_of(office, team["german"])
    assert routing.is_hers("fa-af") and routing.is_hers("de-x-ls") and routing.is_hers("")
    assert not routing.is_hers("ar") and not routing.nobody_speaks("ar")
    assert routing.nobody_speaks("ru")  # the caseworker's Russian does not count


def test_the_languages_left_to_others_are_named_once_each(office, team, waiting):
    receive(office, "tr", 4)
    receive(office, "ar", 5)
    assert left_to_others(office, routing_of(office, team["german"])) == ["ar", "tr"]
    assert left_to_others(office, routing_of(office, team["arabic"])) == ["tr"]
