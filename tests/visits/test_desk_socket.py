"""Issue 12: the desk page's socket. Only a caseworker signed in with both factors and sitting at
a desk gets one; it hears when a queue her desk calls from changes (a ticket issued or called
elsewhere), not the other queues; anyone else is closed with 4404."""

from functools import partial

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django_scopes import scopes_disabled

from schalter.accounts.actors import COMMAND
from schalter.config.asgi import application
from schalter.visits import services
from tests.conftest import sign_in
from tests.visits.conftest import later, walk_in
from tests.visits.test_live import run

pytestmark = pytest.mark.django_db(transaction=True)

PATH = "/ws/giessen/desk/"


def connect(cookie: str = "") -> WebsocketCommunicator:
    headers = [(b"origin", b"http://testserver")]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    return WebsocketCommunicator(application, PATH, headers=headers)


def cookie_of(client: Client) -> str:
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def test_the_desk_hears_its_own_queues_only(office, groups, desks, make_staff, now):
    with scopes_disabled():
        desks[0].services.set(groups["A"].services.all())  # desk 1: queue A only
    mine = make_staff(office, "caseworker")
    services.desk_session_open(office=office, desk=desks[0], user=mine, now=now, acting_user=mine)
    other = services.desk_session_open(
        office=office,
        desk=desks[1],
        user=(user := make_staff(office, "caseworker")),
        now=now,
        acting_user=user,
    )
    cookie = cookie_of(sign_in(Client(), mine))
    walk_in(office, groups["A"], now)

    async def scenario():
        desk = connect(cookie)
        assert (await desk.connect())[0]
        await sync_to_async(walk_in)(office, groups["B"], later(now, 1))
        assert await desk.receive_nothing(timeout=0.3)  # not a queue this desk calls from
        await sync_to_async(walk_in)(office, groups["A"], later(now, 1))
        assert await desk.receive_json_from(timeout=2) == {"changed": "queue"}
        call = sync_to_async(partial(services.ticket_call_next, acting_user=COMMAND))
        assert (await call(desk_session=other, now=later(now, 2))).code == "A-001"
        assert await desk.receive_json_from(timeout=2) == {"changed": "queue"}
        await desk.disconnect()

    run(scenario)


def test_no_desk_socket_without_a_signed_in_caseworker_at_a_desk(
    office, groups, desks, make_staff, now
):
    away = make_staff(office, "caseworker")  # signed in with both factors, at no desk
    cookie = cookie_of(sign_in(Client(), away))
    # At a desk, and signed in without the second factor (no path of the app makes such a
    # session; the socket refuses it all the same).
    seated = make_staff(office, "caseworker")
    services.desk_session_open(
        office=office, desk=desks[0], user=seated, now=now, acting_user=seated
    )
    session = SessionStore()
    session[SESSION_KEY] = str(seated.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = seated.get_session_auth_hash()
    session.create()
    half_cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"

    async def scenario():
        for attempt in ("", cookie, half_cookie):
            connected, code = await connect(attempt).connect()
            assert not connected and code == 4404, attempt

    run(scenario)
