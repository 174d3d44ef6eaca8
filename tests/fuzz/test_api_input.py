"""The API takes input by the same rules as its HTML twin (issue 11, items 5 and 6): a body above
the upload limit is a 413 with a JSON error, a name made only of invisible characters is refused
in the requested language, bytes that are not UTF-8 are a 4xx, and nasty values in every field of
a booking end in a 4xx or a booking whose name is clean, never in a 5xx."""

import json

import pytest
from django.utils import translation
from django_scopes import scopes_disabled
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schalter.appointments.errors import InvalidName
from schalter.appointments.models import Appointment
from schalter.text import one_line
from tests.api.test_booking_api import book, first_slot
from tests.fuzz.conftest import tally
from tests.nasty import INVISIBLE, RAW_BYTES, examples, nasty_text

pytestmark = [pytest.mark.django_db, pytest.mark.office_per_module(bookable=True)]

URL = "/api/v1/offices/giessen/appointments"


@pytest.fixture(autouse=True)
def no_challenge(settings):
    settings.SCHALTER_CAPTCHA = False
    settings.SCHALTER_RATE_LIMITS = False


def test_a_body_above_the_upload_limit_is_a_413_with_a_json_error(
    client, office, bookable, settings
):
    body = json.dumps({"name": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE})
    response = client.post(URL, body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["error"] == "too_large"
    assert response.json()["message"]


@pytest.mark.parametrize("name", INVISIBLE)
def test_a_name_of_invisible_characters_only_is_refused_in_the_requested_language(
    client, office, bookable, name
):
    slot = first_slot(client, office, bookable["short"])
    body = {"service": bookable["short"].pk, "start": slot["start"], "name": name}
    response = client.post(
        URL, {**body, "email": "ayse@example.org"}, "application/json", HTTP_ACCEPT_LANGUAGE="fa"
    )
    assert response.status_code == 422, response.content
    assert response.json()["error"] == "invalid_name"
    assert response.json()["field"] == "name"
    with translation.override("fa"):
        assert response.json()["message"] == str(InvalidName.message)
    with translation.override("de"):
        assert response.json()["message"] != str(InvalidName.message)  # Persian, not German
    with scopes_disabled():
        assert not Appointment.objects.exists()


def test_persian_spelling_is_a_name(client, office, bookable):
    slot = first_slot(client, office, bookable["short"])
    response = book(client, office, bookable["short"], slot["start"], name="می\u200cخواهم")
    assert response.status_code == 201, response.content
    with scopes_disabled():
        assert Appointment.objects.get().name == "می\u200cخواهم"


@pytest.mark.parametrize("raw", RAW_BYTES)
def test_a_body_that_is_not_utf8_is_a_4xx(client, office, bookable, raw):
    body = b'{"service": 1, "start": "2030-01-01T09:00:00+01:00", "name": "' + raw + b'"}'
    response = client.post(URL, body, content_type="application/json")
    assert 400 <= response.status_code < 500, response.content


PEOPLE = iter(range(10**9))  # each example books as a new person
FIELDS = ["name", "email", "phone", "language", "interpreter_language", "altcha"]


@settings(max_examples=examples(25), suppress_health_check=list(HealthCheck))
@given(field=st.sampled_from(FIELDS), value=nasty_text(140))
def test_nasty_values_in_a_booking_end_in_a_4xx_or_a_clean_booking(
    client, office, bookable, field, value
):
    slot = first_slot(client, office, bookable["short"])
    person = {"email": f"person-{next(PEOPLE)}@example.org", field: value}
    response = book(client, office, bookable["short"], slot["start"], **person)
    assert tally(response.status_code) < 500, response.content[:500]
    if response.status_code == 201:
        with scopes_disabled():
            stored = Appointment.objects.get(code=response.json()["code"])
        assert stored.name == one_line(stored.name) and stored.name
        assert "\x00" not in stored.email + stored.phone + stored.interpreter_language
    else:
        assert 400 <= response.status_code < 500 and response.json()["message"]


@pytest.mark.parametrize(
    "changes",
    [
        {"name": "\u0958" * 120},  # NFC makes each character two: beyond the column's 120
        {"name": "\ufb2c" * 60},  # and here three
        {"interpreter_language": "ar\x00"},  # a NUL byte PostgreSQL cannot store
        {"interpreter_language": "xx"},  # not a language the booking form offers
    ],
)
def test_what_the_database_cannot_hold_is_cut_or_refused_never_a_500(
    client, office, bookable, changes
):
    slot = first_slot(client, office, bookable["short"])
    response = book(client, office, bookable["short"], slot["start"], **changes)
    assert response.status_code in {201, 400, 422}, response.content
    if "name" in changes:
        assert response.status_code == 201
        with scopes_disabled():
            assert len(Appointment.objects.get().name) <= 120
    else:
        assert response.json()["field"] == "interpreter_language"
