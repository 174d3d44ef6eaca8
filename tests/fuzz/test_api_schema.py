"""schemathesis against /api/v1/ (issue 11, "Hostile input everywhere"): every operation of the
OpenAPI schema django-ninja serves gets generated and mutated input, through the WSGI handler, on
each database; none may answer 5xx. Some examples are steered at a real office, its services,
free times and a booked appointment with its manage token, so the generated input reaches the
services and not only the 404 for an unknown office."""

from datetime import timedelta

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from schalter.accounts.actors import CLIENT
from schalter.appointments import selectors
from schalter.appointments import services as booking
from tests.fuzz.conftest import tally
from tests.nasty import examples

pytestmark = [pytest.mark.django_db, pytest.mark.office_per_module(bookable=True)]

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())

KNOWN: dict = {}  # the real office's services, times and a booking, set by `known` per test


@pytest.fixture(autouse=True)
def known(office, bookable, settings, wsgi_in_test_transaction):
    settings.SCHALTER_CAPTCHA = False
    settings.SCHALTER_RATE_LIMITS = False
    now = timezone.now()
    offered = selectors.offered_service(office, bookable["long"].pk)
    times = selectors.free_times(
        office, offered, now.date(), now.date() + timedelta(days=14), now=now, cached=False
    )
    booked = booking.appointment_book(
        office=office,
        service=bookable["long"],
        start=times[-1].start,
        name="Ayşe Yılmaz",
        email="ayse@example.org",
        now=now,
        acting_user=CLIENT,
    )
    KNOWN.update(
        office=office.slug,
        services=[s.pk for s in bookable.values()],
        starts=[t.start.astimezone(office.zone).isoformat() for t in times[:-1]],
        code=booked.appointment.code,
        token=booked.manage_token,
        confirm=booked.confirm_token,
    )
    yield
    KNOWN.clear()


def steer(key: str, values):
    """Keep the generated value, or put a known real one in its place."""
    return lambda value: st.one_of(st.just(value), st.sampled_from(values(KNOWN)))


@schema.hook("flatmap_path_parameters")
def real_office_and_code(context, parameters):
    if not KNOWN or not parameters:
        return st.just(parameters)
    real = dict(parameters)
    if "office" in real:
        real["office"] = KNOWN["office"]
    if "code" in real:
        real["code"] = KNOWN["code"]
    return st.sampled_from([parameters, real])


@schema.hook("flatmap_body")
def real_service_and_time(context, body):
    if not KNOWN or not isinstance(body, dict):
        return st.just(body)
    real = dict(body)
    if "service" in real:
        real["service"] = KNOWN["services"][0]
    if "start" in real:
        real["start"] = KNOWN["starts"][0]
    if "token" in real:
        real["token"] = KNOWN["confirm"]
    return st.sampled_from([body, real])


@schema.hook("flatmap_headers")
def real_manage_token(context, headers):
    if not KNOWN:
        return st.just(headers)
    real = {**(headers or {}), "Authorization": f"Bearer {KNOWN['token']}"}
    return st.sampled_from([headers, real])


# Every operation of the schema, as pytest items of their own (schemathesis' own parametrize
# gives them one node id, which pytest-xdist cannot tell apart).
OPERATIONS = sorted(
    f"{method.upper()} {path}"
    for path, methods in schema.raw_schema["paths"].items()
    for method in methods
)
MODES = st.sampled_from([GenerationMode.POSITIVE, GenerationMode.NEGATIVE])


@pytest.mark.parametrize("operation", OPERATIONS)
@settings(max_examples=examples(20), suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_no_operation_of_the_api_answers_5xx(operation, data):
    method, path = operation.split(" ")
    mode = data.draw(MODES, label="mode")
    case = data.draw(schema[path][method].as_strategy(mode, hooks=schema.hooks), label="case")
    response = case.call()
    assert tally(response.status_code) < 500, (case.method, case.path, response.text[:2000])
    if response.status_code >= 400 and response.status_code != 405:  # 405: Allow header
        assert response.headers.get("content-type", [""])[0].startswith("application/json"), (
            response.status_code,
            case.method,
            case.path,
            response.text[:500],
        )
        assert response.json()["message"]
