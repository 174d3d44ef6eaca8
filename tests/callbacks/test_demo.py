"""The demo's callbacks: Wiesbaden's worklist has voicemails and requests from its website, and
its callback agent speaks Arabic and Turkish, so routing by language shows."""

from datetime import UTC, datetime

import pytest
from django.test import Client
from django_scopes import scopes_disabled

from schalter.accounts.members import profile_of
from schalter.callbacks.models import Callback, Source
from schalter.demo.callbacks import WEB_REQUESTS, seed_callbacks
from tests.conftest import build_office, make_bookable, sign_in

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 8, 7, 0, tzinfo=UTC)


def test_wiesbaden_shows_voicemails_and_web_requests_routed_by_language(make_staff):
    wiesbaden = build_office("wiesbaden")
    make_bookable(wiesbaden)
    agent = make_staff(wiesbaden, "callback_agent")
    seed_callbacks([wiesbaden], NOW)
    with scopes_disabled():
        web = list(Callback.objects.filter(office=wiesbaden, source=Source.WEB))
        voicemails = Callback.objects.filter(office=wiesbaden, source=Source.VOICEMAIL).count()
    assert voicemails >= 3 and len(web) == len(WEB_REQUESTS) >= 2
    assert all(c.status_token_hash and c.caller_number.startswith("+") for c in web)
    assert any(c.service_id for c in web) and all(c.preferred_windows for c in web)
    assert profile_of(agent).spoken_languages == ["ar", "tr"]
    page = sign_in(Client(), agent).get("/staff/wiesbaden/callbacks/").content.decode()
    assert all(f'data-callback="{c.pk}"' in page for c in web)
