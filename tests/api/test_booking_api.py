from datetime import datetime, timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_scopes import scopes_disabled

from schalter.appointments.models import Appointment, Seat, Status
from tests.appointments.links import mail_token

pytestmark = [pytest.mark.django_db, pytest.mark.office_per_module(bookable=True)]


@pytest.fixture(autouse=True)
def no_challenge(settings):
    settings.SCHALTER_CAPTCHA = False


def first_slot(client, office, service, persons=1):
    today = timezone.localdate()
    response = client.get(
        f"/api/v1/offices/{office.slug}/availability",
        {
            "service": service.pk,
            "start": today.isoformat(),
            "end": (today + timedelta(days=14)).isoformat(),
            "persons": persons,
        },
    )
    assert response.status_code == 200, response.content
    return response.json()["slots"][0]


def book(client, office, service, start, /, **extra):
    body = {
        "service": service.pk,
        "start": start,
        "name": "Ayşe Yılmaz",
        "email": "ayse@example.org",
        "language": "tr",
        **extra,
    }
    return client.post(
        f"/api/v1/offices/{office.slug}/appointments", body, content_type="application/json"
    )


def test_offices_and_services(client, office, bookable):
    assert client.get("/api/v1/offices").json()[0]["slug"] == "giessen"
    services = client.get("/api/v1/offices/giessen/services").json()
    assert {(s["id"], s["duration_minutes"]) for s in services} == {
        (bookable["short"].pk, 10),
        (bookable["long"].pk, 30),
    }
    assert all(s["name"] for s in services)


def test_availability_lists_free_times_with_offsets(client, office, bookable):
    slot = first_slot(client, office, bookable["short"])
    start = datetime.fromisoformat(slot["start"])
    assert start.utcoffset() in {timedelta(hours=1), timedelta(hours=2)}
    assert slot["available"] == 2  # online capacity; the staff seat is not offered online
    assert start.astimezone(office.zone).hour == 8


def test_a_long_service_needs_consecutive_free_units(client, office, bookable):
    long_slots = client.get(
        "/api/v1/offices/giessen/availability",
        {
            "service": bookable["long"].pk,
            "start": timezone.localdate().isoformat(),
            "end": (timezone.localdate() + timedelta(days=14)).isoformat(),
        },
    ).json()["slots"]
    first_day = datetime.fromisoformat(long_slots[0]["start"]).date()
    times = [
        datetime.fromisoformat(s["start"]).strftime("%H:%M")
        for s in long_slots
        if datetime.fromisoformat(s["start"]).date() == first_day
    ]
    assert times[0] == "08:00" and times[-1] == "11:30"  # 30 minutes must end by 12:00


def test_book_confirm_read_ics_and_cancel(
    client, office, bookable, mailoutbox, django_capture_on_commit_callbacks
):
    slot = first_slot(client, office, bookable["short"])
    with django_capture_on_commit_callbacks(execute=True):
        response = book(client, office, bookable["short"], slot["start"])
    assert response.status_code == 201, response.content
    booked = response.json()
    assert booked["status"] == "pending" and len(booked["code"]) == 8
    auth = {"HTTP_AUTHORIZATION": f"Bearer {booked['manage_token']}"}
    assert client.get(f"/api/v1/appointments/{booked['code']}", **auth).json()["status"] == (
        "pending"
    )
    assert client.get(f"/api/v1/appointments/{booked['code']}").status_code == 401
    wrong = {"HTTP_AUTHORIZATION": "Bearer nope"}
    assert client.get(f"/api/v1/appointments/{booked['code']}", **wrong).status_code == 403
    token = mail_token(mailoutbox[-1], "confirm")
    response = client.post(
        f"/api/v1/appointments/{booked['code']}/confirm",
        {"token": token},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "confirmed"
    replay = client.post(
        f"/api/v1/appointments/{booked['code']}/confirm",
        {"token": token},
        content_type="application/json",
    )
    assert replay.status_code == 403
    ics = client.get(f"/api/v1/appointments/{booked['code']}/ics", **auth)
    assert ics.status_code == 200 and b"BEGIN:VEVENT" in ics.content
    cancelled = client.delete(f"/api/v1/appointments/{booked['code']}", **auth)
    assert cancelled.json()["status"] == "cancelled"
    with scopes_disabled():
        assert not Seat.objects.filter(appointment__code=booked["code"]).exists()
    assert client.delete(f"/api/v1/appointments/{booked['code']}", **auth).status_code == 409


def test_slot_is_gone_after_capacity_and_cancelled_seat_returns_only_after_a_delay(
    client, office, bookable
):
    slot = first_slot(client, office, bookable["short"])
    codes = []
    for n in range(2):
        response = book(client, office, bookable["short"], slot["start"], email=f"p{n}@example.org")
        assert response.status_code == 201
        codes.append(response.json())
    third = book(client, office, bookable["short"], slot["start"], email="p3@example.org")
    assert third.status_code == 409 and third.json()["error"] == "slot_unavailable"
    first = codes[0]
    client.delete(
        f"/api/v1/appointments/{first['code']}",
        HTTP_AUTHORIZATION=f"Bearer {first['manage_token']}",
    )
    assert (
        book(client, office, bookable["short"], slot["start"], email="p4@example.org").status_code
        == 409
    )  # anti-trading delay
    import time_machine

    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert (
            book(
                client, office, bookable["short"], slot["start"], email="p5@example.org"
            ).status_code
            == 201
        )


def test_one_active_appointment_per_person_and_service(client, office, bookable):
    slots = client.get(
        "/api/v1/offices/giessen/availability",
        {
            "service": bookable["short"].pk,
            "start": timezone.localdate().isoformat(),
            "end": (timezone.localdate() + timedelta(days=14)).isoformat(),
        },
    ).json()["slots"]
    assert (
        book(
            client, office, bookable["short"], slots[0]["start"], email="Ayse.Yilmaz+1@Example.org"
        ).status_code
        == 201
    )
    again = book(
        client, office, bookable["short"], slots[5]["start"], email="ayse.yilmaz+other@example.ORG"
    )
    assert again.status_code == 409 and again.json()["error"] == "already_booked"
    by_phone = book(
        client, office, bookable["long"], slots[5]["start"], email="", phone="0641 1234567"
    )
    assert by_phone.status_code == 201
    same_phone = book(
        client, office, bookable["long"], slots[9]["start"], email="", phone="+49 641 1234567"
    )
    assert same_phone.json()["error"] == "already_booked"


def test_reschedule_moves_the_seats(client, office, bookable):
    slots = client.get(
        "/api/v1/offices/giessen/availability",
        {
            "service": bookable["short"].pk,
            "start": timezone.localdate().isoformat(),
            "end": (timezone.localdate() + timedelta(days=14)).isoformat(),
        },
    ).json()["slots"]
    booked = book(client, office, bookable["short"], slots[0]["start"]).json()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {booked['manage_token']}"}
    response = client.post(
        f"/api/v1/appointments/{booked['code']}/reschedule",
        {"start": slots[3]["start"]},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200
    assert response.json()["start"] == slots[3]["start"]
    with scopes_disabled():
        seat_starts = list(
            Seat.objects.filter(appointment__code=booked["code"]).values_list("start", flat=True)
        )
    assert [s.isoformat() for s in seat_starts] == [
        datetime.fromisoformat(slots[3]["start"]).astimezone(seat_starts[0].tzinfo).isoformat()
    ]


@pytest.mark.parametrize(
    "changes, status",
    [
        ({"service": 999999}, 404),
        ({"start": "2020-01-01T08:00:00+01:00"}, 422),
        ({"start": "2027-01-01T08:00:00"}, 422),
        ({"start": "not a date"}, 422),
        ({"name": ""}, 422),
        ({"name": "x" * 500}, 422),
        ({"email": "not-an-address"}, 422),
        ({"email": "", "phone": ""}, 422),
        ({"phone": "12"}, 422),
        ({"persons": 0}, 422),
        ({"persons": 4}, 422),
        ({"language": "xx"}, 422),
        ({"service": "1; DROP TABLE"}, 422),
    ],
)
def test_bad_bookings_are_4xx_and_leave_nothing_behind(client, office, bookable, changes, status):
    slot = first_slot(client, office, bookable["short"])
    response = book(client, office, bookable["short"], slot["start"], **changes)
    assert response.status_code == status, response.content
    assert response.json()["message"]
    with scopes_disabled():
        assert Appointment.objects.count() == 0
        assert not Seat.objects.filter(appointment__isnull=False).exists()


def test_right_to_left_and_odd_unicode_names_are_kept_but_not_overrides(client, office, bookable):
    """Arabic, mathematical letters and a joined emoji stay; the override that would reorder the
    page around the name goes, with the other format characters (schalter.text.one_line)."""
    slot = first_slot(client, office, bookable["short"])
    name = "\u202eمحمد\u200f 𝔄𝔫𝔫𝔞 ‍👩‍👩‍👧"
    response = book(client, office, bookable["short"], slot["start"], name=name)
    assert response.status_code == 201
    with scopes_disabled():
        assert Appointment.objects.get().name == "محمد 𝔄𝔫𝔫𝔞 ‍👩‍👩‍👧"


def test_oversized_and_malformed_bodies_are_400(client, office, bookable):
    huge = '{"name": "' + "x" * 100_000 + '"}'
    response = client.post(
        "/api/v1/offices/giessen/appointments", huge, content_type="application/json"
    )
    assert 400 <= response.status_code < 500
    broken = client.post(
        "/api/v1/offices/giessen/appointments", "{not json", content_type="application/json"
    )
    assert 400 <= broken.status_code < 500


def test_unknown_office_is_404(client, db):
    assert client.get("/api/v1/offices/nowhere/services").status_code == 404


def test_openapi_document(client, db):
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/offices/{office}/availability" in spec["paths"]


def test_errors_speak_the_clients_language(client, office, bookable):
    slot = first_slot(client, office, bookable["short"])
    response = client.post(
        "/api/v1/offices/giessen/appointments",
        {"service": 999999, "start": slot["start"], "name": "A", "email": "a@example.org"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert response.json()["message"] != "This office does not offer this service online."
    assert Status.CONFIRMED == "confirmed"


def test_each_invalid_field_is_named_in_the_clients_language(client, office, bookable):
    """The validator's own messages are English: each field's message is ours, translated."""
    response = client.post(
        "/api/v1/offices/giessen/appointments",
        {"service": "one", "start": "2031-03-03T09:00:00+01:00"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="ar",
    )
    assert response.status_code == 422
    with translation.override("ar"):
        required, invalid = gettext("This field is required."), gettext("This value is not valid.")
    errors = {e["field"].rsplit(".", 1)[-1]: e for e in response.json()["errors"]}
    assert errors["name"]["message"] == required and errors["name"]["type"] == "missing"
    assert errors["service"]["message"] == invalid
    assert required != "This field is required."  # a real translation, not the source
