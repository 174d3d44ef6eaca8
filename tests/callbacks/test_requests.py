"""Callback requests from the website and the API: her number (German without +49, or with + or
00), language, topic and times; the robot check and rate limits as for bookings; a text message
with the deadline and her status link, where she sees the state or withdraws (after confirming).
Hostile input ends in a 4xx, never a callback half written or a 5xx."""

import json
from datetime import UTC, datetime

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from schalter.accounts.actors import COMMAND
from schalter.appointments.challenge import challenge_new, solve_for_tests
from schalter.callbacks.models import Callback, CallbackEvent, Outcome, Source, State
from schalter.callbacks.parts import CALLBACKS
from schalter.callbacks.requests import callback_request, callback_request_text_task, request_text
from schalter.offices.services import office_part_switch
from schalter.tokens import token_hash
from tests.callbacks.conftest import callbacks_on

pytestmark = pytest.mark.django_db
API = "/api/v1/offices/{}/callbacks"


@pytest.fixture
def taking(office, bookable, settings):
    callbacks_on(office)
    settings.SCHALTER_CAPTCHA = False
    return office


def form(**extra):
    data = {"number": "0151 23456789", "language": "ar", "windows": ["morning"], "script": "off"}
    data.update(extra)
    return data


def test_a_request_by_the_form_becomes_a_callback_and_a_text_with_the_link(
    client, taking, bookable, sms_gateway, django_capture_on_commit_callbacks
):
    data = form(topic=bookable["long"].pk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/ar/{taking.slug}/callback/", data)
    assert response.status_code == 302
    status_url = response["Location"]
    token = status_url.rstrip("/").rsplit("/", 1)[1]
    with scopes_disabled():
        callback = Callback.objects.get()
        assert CallbackEvent.objects.filter(kind="acknowledged").count() == 1
    assert callback.source == Source.WEB
    assert callback.caller_number == "+4915123456789"
    assert callback.language == "ar"
    assert callback.service_id == bookable["long"].pk
    assert callback.preferred_windows == [{"weekday": None, "from": "08:00", "until": "12:00"}]
    assert callback.status_token_hash == token_hash(token)  # only the hash is kept
    assert token not in json.dumps(callback.preferred_windows) + callback.dedup_key
    # One text message: hers, with the deadline and the link (not the voicemail's as well).
    assert len(sms_gateway.received) == 1
    text = sms_gateway.received[0][1]["text"]
    assert status_url in text
    assert sms_gateway.received[0][1]["to"] == "+4915123456789"
    page = client.get(status_url)
    assert page.status_code == 200
    assert 'dir="rtl"' in page.content.decode()


def test_she_sees_the_state_and_withdraws_after_confirming(client, taking):
    status_url = client.post(f"/de/{taking.slug}/callback/", form(language="de"))["Location"]
    withdraw_url = status_url + "withdraw/"
    assert client.get(withdraw_url).status_code == 200  # asks first
    with scopes_disabled():
        assert Callback.objects.get().state == State.OPEN
    assert client.post(withdraw_url).status_code == 302
    with scopes_disabled():
        callback = Callback.objects.get()
    assert (callback.state, callback.outcome) == (State.CLOSED, Outcome.WITHDRAWN)
    assert client.get(status_url).status_code == 200
    assert client.post(withdraw_url).status_code == 409  # only once


def test_a_wrong_token_or_another_offices_token_is_404(client, taking, other_office):
    status_url = client.post(f"/de/{taking.slug}/callback/", form())["Location"]
    token = status_url.rstrip("/").rsplit("/", 1)[1]
    assert client.get(f"/de/{taking.slug}/callback/{'x' * 32}/").status_code == 404
    office_part_switch(office=other_office, name=CALLBACKS, on=True, acting_user=COMMAND)
    assert client.get(f"/de/{other_office.slug}/callback/{token}/").status_code == 404


def test_the_status_page_shows_the_deadline_on_the_offices_clock(client, taking, settings):
    settings.TIME_ZONE = "Asia/Tokyo"  # the server's clock: seven hours ahead of the office's
    status_url = client.post(f"/de/{taking.slug}/callback/", form(language="de"))["Location"]
    due = datetime(2026, 6, 9, 14, 30, tzinfo=UTC)  # Tuesday 16:30 in Gießen, 23:30 in Tokyo
    with scopes_disabled():
        Callback.objects.update(deadline=due)
    page = client.get(status_url).content.decode()
    assert "16:30" in page and "23:30" not in page
    assert "Dienstag" in page and "9. Juni 2026" in page


@pytest.mark.parametrize(
    "number", ["12", "0000000", "+49 1", "hello", "+999 123 456", "", "0151 2345678901234567"]
)
def test_bad_numbers_are_refused_on_the_field(client, taking, number):
    response = client.post(f"/de/{taking.slug}/callback/", form(number=number))
    assert response.status_code == 400
    assert "kern-error" in response.content.decode()
    with scopes_disabled():
        assert not Callback.objects.exists()


@pytest.mark.parametrize("number", ["0151 23456789", "+49 151 23456789", "0049 151 23456789"])
def test_german_numbers_with_and_without_the_country_code(client, taking, number):
    assert client.post(f"/de/{taking.slug}/callback/", form(number=number)).status_code == 302
    with scopes_disabled():
        assert Callback.objects.get().caller_number == "+4915123456789"


def test_an_international_number_with_00(client, taking):
    assert (
        client.post(f"/de/{taking.slug}/callback/", form(number="0033 6 12 34 56 78")).status_code
        == 302
    )
    with scopes_disabled():
        assert Callback.objects.get().caller_number == "+33612345678"


@pytest.mark.parametrize(
    "changes",
    [{"language": "xx"}, {"topic": "999999999"}, {"windows": ["night"]}, {"number": None}],
)
def test_missing_or_invalid_fields_are_400(client, taking, changes):
    data = form(**changes)
    data = {key: value for key, value in data.items() if value is not None}
    assert client.post(f"/de/{taking.slug}/callback/", data).status_code == 400
    with scopes_disabled():
        assert not Callback.objects.exists()


def test_a_flood_for_one_number_is_429(client, taking):
    statuses = [
        client.post(f"/de/{taking.slug}/callback/", form(script="on")).status_code for _ in range(5)
    ]
    assert statuses[:3] == [302, 302, 302]
    assert statuses[3:] == [429, 429]


def test_a_flood_from_one_address_is_429(client, taking):
    statuses = [
        client.post(
            f"/de/{taking.slug}/callback/", form(number=f"0151 234567{n:02d}", script="on")
        ).status_code
        for n in range(32)
    ]
    assert statuses[-1] == 429
    assert statuses.count(302) == 30


def test_with_javascript_the_proof_of_work_is_required(client, taking, settings):
    settings.SCHALTER_CAPTCHA = True
    url = f"/de/{taking.slug}/callback/"
    assert client.post(url, form(script="on")).status_code == 400
    payload = solve_for_tests(challenge_new(timezone.now()))
    assert client.post(url, form(script="on", altcha=payload)).status_code == 302


def test_the_form_answers_404_while_the_office_takes_no_callbacks(client, office, bookable):
    assert client.get(f"/de/{office.slug}/callback/").status_code == 404
    assert (
        client.post(API.format(office.slug), {}, content_type="application/json").status_code == 404
    )


def test_every_public_language_shows_the_form(client, taking, settings):
    for code, _name in settings.LANGUAGES:
        response = client.get(f"/{code}/{taking.slug}/callback/")
        assert response.status_code == 200, code


# The API


def post(client, office, body):
    return client.post(API.format(office.slug), json.dumps(body), content_type="application/json")


def test_the_api_takes_a_request(
    client, taking, bookable, sms_gateway, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client,
            taking,
            {
                "number": "+4915123456789",
                "language": "tr",
                "topic": bookable["short"].pk,
                "windows": [{"weekday": 1, "from": "09:00", "until": "11:00"}],
            },
        )
    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["state"] == "open"
    assert answer["status_token"] in answer["status_url"]
    assert client.get(answer["status_url"]).status_code == 200
    with scopes_disabled():
        assert Callback.objects.get().preferred_windows == [
            {"weekday": 1, "from": "09:00", "until": "11:00"}
        ]
    assert answer["status_url"] in sms_gateway.received[0][1]["text"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"number": "12"}, "number"),
        ({"number": "0151 23456789", "language": "xx"}, "language"),
        ({"number": "0151 23456789", "topic": 2**70}, None),
        ({"number": "0151 23456789", "topic": 99999}, "topic"),
        ({"number": "0151 23456789", "windows": [{"from": "18:00", "until": "08:00"}]}, "windows"),
        ({}, "number"),
    ],
)
def test_the_api_answers_bad_fields_per_field_in_her_language(client, taking, body, field):
    response = client.post(
        API.format(taking.slug),
        json.dumps(body),
        content_type="application/json",
        headers={"accept-language": "de"},
    )
    assert 400 <= response.status_code < 500
    answer = response.json()
    assert answer["message"]
    if field is not None:
        fields = [answer.get("field")] + [e["field"] for e in answer.get("errors") or []]
        assert field in [f.rsplit(".", 1)[-1] for f in fields if f]
    with scopes_disabled():
        assert not Callback.objects.exists()


def test_the_api_refuses_huge_bodies_with_413(client, taking, settings):
    body = {"number": "0" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
    response = post(client, taking, body)
    assert response.status_code == 413
    assert response.json()["error"] == "too_large"


def test_the_api_floods_end_in_429(client, taking):
    statuses = [post(client, taking, {"number": "0151 23456789"}).status_code for _ in range(5)]
    assert statuses[:3] == [201, 201, 201]
    assert statuses[3] == 429


def test_the_api_for_an_unknown_office_is_404(client, taking):
    response = client.post(
        API.format("nowhere"),
        json.dumps({"number": "0151 23456789"}),
        content_type="application/json",
    )
    assert response.status_code == 404


def test_the_text_with_the_link_goes_once_even_when_the_task_runs_again(
    client, taking, sms_gateway, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/de/{taking.slug}/callback/", form())
    with scopes_disabled():
        callback = Callback.objects.get()
    assert callback_request_text_task.call(callback.pk, "https://x.example/") is False
    assert len(sms_gateway.received) == 1


def test_a_request_without_a_link_maker_still_texts_her_status_link_in_her_language(
    taking, sms_gateway, settings, django_capture_on_commit_callbacks
):
    """The demo and commands call callback_request without `link_for`: the text ended in
    "See or withdraw your request: " and nothing."""
    with django_capture_on_commit_callbacks(execute=True):
        requested = callback_request(
            office=taking,
            number="0151 23456789",
            language="uk",
            service_id=None,
            windows=[],
            now=timezone.now(),
            acting_user=COMMAND,
        )
    text = sms_gateway.received[0][1]["text"]
    link = f"{settings.SCHALTER_PUBLIC_URL}/uk/{taking.slug}/callback/{requested.token}/"
    assert text.endswith(link)


def test_the_robot_check_widget_speaks_her_language_also_to_screen_readers(client, taking):
    page = client.get(f"/uk/{taking.slug}/callback/").content.decode()
    assert "ALTCHA (сайт розробника)" in page  # not the widget's own "Altcha (official website)"


@pytest.mark.parametrize(
    ("language", "wrong", "right"),
    [
        ("uk", "до Понеділок", "Крайній термін: Понеділок"),
        ("ru", "до Понедельник", "срок: Понедельник"),
    ],
)
def test_the_deadline_reads_grammatically_in_ukrainian_and_russian(taking, language, wrong, right):
    """ "до" asks for the genitive; the date formats give the weekday in the nominative."""
    monday = datetime(2026, 12, 7, 11, 0, tzinfo=UTC)
    text = request_text(taking, monday, "https://x.example/", language)
    assert wrong not in text and right in text
