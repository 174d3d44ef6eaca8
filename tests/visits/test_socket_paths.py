"""The WebSocket paths pages connect to are the routes the ASGI app serves (one spelling)."""

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import path

from schalter.accounts.actors import CLIENT, COMMAND
from schalter.visits import routing, services


def resolved(route: str, socket_path: str) -> dict:
    match = path(route, lambda request: None).resolve(socket_path.removeprefix("/"))
    assert match is not None, socket_path
    return match.kwargs


def test_the_paths_resolve_to_their_routes_with_the_same_values():
    display = routing.display_socket_path("giessen", "og-1")
    assert display == "/ws/giessen/display/og-1/"
    assert resolved(routing.DISPLAY_ROUTE, display) == {"office": "giessen", "screen": "og-1"}
    ticket = routing.ticket_socket_path("giessen", "a1b2")
    assert resolved(routing.TICKET_ROUTE, ticket) == {"office": "giessen", "token": "a1b2"}
    assert path(routing.DISPLAY_ROUTE, lambda r: None).resolve(ticket[1:]) is None


@pytest.mark.django_db
def test_the_display_and_the_ticket_page_connect_to_those_paths(office, groups, now):
    services.screen_create(office=office, name="Alle", public_id="alle", acting_user=COMMAND)
    issued = services.ticket_issue_walk_in(
        office=office, group=groups["A"], now=now, acting_user=CLIENT
    )
    with time_machine.travel(now, tick=False):
        page = Client().get("/giessen/display/alle/").content
        live = Client().get(f"/de/giessen/ticket/{issued.token}/").content
    display = BeautifulSoup(page, "html.parser")
    assert display.select_one("main")["data-live-url"] == "/ws/giessen/display/alle/"
    socket = BeautifulSoup(live, "html.parser").select_one("#ticket-status")["data-live-url"]
    assert socket == f"/ws/giessen/ticket/{issued.token}/"
