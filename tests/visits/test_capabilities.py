"""Ticket tokens and kiosk keys are random and kept only as hashes (docs/capabilities.md): the
secret key computes neither, the issuing call hands the token on, and a kiosk's key is known
only to the call that made it."""

import pytest
import time_machine
from django.http import Http404
from django.test import Client
from django.utils.crypto import salted_hmac
from django_scopes import scopes_disabled

from schalter.accounts.actors import CLIENT, COMMAND
from schalter.accounts.roles import Role
from schalter.staff.visit_views import LAST_ISSUED_KEY
from schalter.visits import selectors, services
from schalter.visits.models import Kiosk, Ticket

pytestmark = pytest.mark.django_db


def old_hmac(kind: str, value: str, length: int) -> str:
    """How ticket tokens and kiosk keys were made before: an HMAC under the secret key of
    values anyone can see (office, day, group, number; the kiosk's public id)."""
    return salted_hmac(f"schalter.visits.{kind}", value, algorithm="sha256").hexdigest()[:length]


def test_the_secret_key_computes_no_ticket_token(office, groups, now):
    issued = services.ticket_issue_walk_in(
        office=office, group=groups["A"], now=now, acting_user=CLIENT
    )
    ticket = issued.ticket
    guessed = old_hmac(
        "ticket", f"{office.pk}:{ticket.day.isoformat()}:{ticket.group_id}:{ticket.number}", 40
    )
    with pytest.raises(Http404):
        selectors.ticket_by_token(office, guessed)
    assert Client().get(f"/de/giessen/ticket/{guessed}/").status_code == 404
    assert Client().get(f"/de/giessen/ticket/{issued.token}/").status_code == 200
    second = services.ticket_issue_walk_in(
        office=office, group=groups["A"], now=now, acting_user=CLIENT
    )
    assert len({issued.token, second.token}) == 2


def test_the_secret_key_computes_no_kiosk_key(office, groups, now):
    kiosk, key = services.kiosk_create(
        office=office, name="Eingang", public_id="eingang", acting_user=COMMAND
    )
    for guess in (old_hmac("kiosk", "eingang", 32), old_hmac("kiosk", "eingang:1", 32)):
        assert not services.kiosk_key_valid(kiosk, guess)
    assert services.kiosk_key_valid(kiosk, key)
    renewed = services.kiosk_key_renew(kiosk=kiosk, acting_user=COMMAND)
    assert renewed != key and not services.kiosk_key_valid(kiosk, key)
    with scopes_disabled():
        assert services.kiosk_key_valid(Kiosk.objects.get(pk=kiosk.pk), renewed)


def test_the_front_desk_prints_the_ticket_it_issued(office, groups, now, staff_client):
    with time_machine.travel(now, tick=True):
        front = staff_client(office, Role.FRONT_DESK)
        front.post(
            "/staff/giessen/queue/", {"action": "walk_in", "group": groups["A"].pk, "priority": 0}
        )
        dashboard = front.get("/staff/giessen/queue/").content.decode()
        token = front.session[LAST_ISSUED_KEY][1]
        assert f"/giessen/ticket/{token}/ticket.pdf" in dashboard
        with scopes_disabled():
            assert selectors.ticket_by_token(office, token).pk == Ticket.objects.get().pk


def test_ticket_tokens_are_letters_and_digits_only():
    """Printed under the QR code: a "-" at a line break would read as hyphenation (the printed
    ticket's text lost it that way in a test run)."""
    from schalter.visits.capabilities import ticket_token_new

    tokens = {ticket_token_new() for _ in range(500)}
    assert len(tokens) == 500
    assert all(token.isascii() and token.isalnum() and len(token) >= 40 for token in tokens)
