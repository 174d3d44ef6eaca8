"""The acknowledgement text message, through a real local HTTP gateway: to mobile numbers of the
office's countries only, in German and the caller's language, with the deadline; never when the
office switched it off; capped per number and per office a day (caller ids can be spoofed)."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django_scopes import scopes_disabled

from schalter.accounts.actors import COMMAND
from schalter.callbacks import services
from schalter.callbacks.incoming import Incoming
from schalter.callbacks.models import CallbackEvent, CallbackPolicy

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 5, 12, 0, tzinfo=UTC)  # Friday 14:00: due Monday 12:00
MOBILE = "+4915123456789"


@pytest.fixture
def receive(office, django_capture_on_commit_callbacks):
    counter = iter(range(1000))

    def receive(number: str = MOBILE, language: str = "", now=NOW):
        with time_machine.travel(now, tick=False), django_capture_on_commit_callbacks(execute=True):
            return services.callback_receive(
                office=office,
                incoming=Incoming(
                    source="voicemail",
                    dedup_key=f"msgid:<{next(counter)}@pbx>",
                    caller_number=number,
                    language=language,
                ),
                now=now,
                acting_user=COMMAND,
            ).callback

    return receive


def texts(gateway) -> list[tuple[str, str]]:
    return [(body["to"], body["text"]) for _, body in gateway.received]


def test_in_german_and_her_language_with_the_deadline(receive, sms_gateway):
    callback = receive(language="ar")
    [(to, text)] = texts(sms_gateway)
    assert to == MOBILE
    german, arabic = text.split("\n\n")
    assert "zurück" in german and "Montag" in german and "12:00" in german
    assert "الاثنين" in arabic
    with scopes_disabled():
        callback.refresh_from_db()
        assert callback.acknowledged_at is not None
        assert CallbackEvent.objects.filter(callback=callback, kind="acknowledged").count() == 1


def test_german_alone_when_her_language_is_not_known(receive, sms_gateway):
    receive()
    [(_, text)] = texts(sms_gateway)
    assert "\n\n" not in text


@pytest.mark.parametrize("number", ["+49611123456", "+905321234567", ""])
def test_no_text_to_a_landline_abroad_or_nobody(receive, sms_gateway, number):
    receive(number=number)
    assert texts(sms_gateway) == []


def test_abroad_when_the_office_allows_the_country(office, receive, sms_gateway):
    CallbackPolicy.objects.create(office=office, sms_countries=["DE", "TR"])
    receive(number="+905321234567", language="tr")
    assert len(texts(sms_gateway)) == 1


def test_the_office_can_switch_it_off(office, receive, sms_gateway):
    CallbackPolicy.objects.create(office=office, acknowledge=False)
    receive()
    assert texts(sms_gateway) == []


def test_capped_per_number_and_per_office_a_day(office, receive, sms_gateway):
    CallbackPolicy.objects.create(office=office, sms_per_number_per_day=2, sms_per_office_per_day=4)
    for _ in range(5):  # a flood to one number
        receive()
    assert len(texts(sms_gateway)) == 2
    for number in ("+4915111111111", "+4915122222222", "+4915133333333"):
        receive(number=number)
    assert len(texts(sms_gateway)) == 4  # the office's cap
    receive(number="+4915144444444", now=NOW + timedelta(days=1))
    assert len(texts(sms_gateway)) == 5  # a new day
