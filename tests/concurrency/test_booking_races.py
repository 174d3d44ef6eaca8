"""Real parallel HTTP clients against a live server on PostgreSQL: never an overbooking."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from schalter.appointments.models import ACTIVE_STATUSES, Appointment, BookingPolicy
from tests.conftest import build_office, make_bookable

CLIENTS = 40


@pytest.fixture
def setup(transactional_db, settings, live_server):
    settings.SCHALTER_CAPTCHA = False
    settings.SCHALTER_RATE_LIMITS = False
    office = build_office("giessen")
    services = make_bookable(office, capacity_online=2, capacity_staff=0, days=10)
    today = timezone.localdate()
    slots = httpx.get(
        f"{live_server.url}/api/v1/offices/giessen/availability",
        params={
            "service": services["short"].pk,
            "start": today.isoformat(),
            "end": (today + timedelta(days=10)).isoformat(),
        },
    ).json()["slots"]
    return {
        "office": office,
        "service": services["short"],
        "slot": slots[0]["start"],
        "url": f"{live_server.url}/api/v1/offices/giessen/appointments",
    }


def rush(url: str, bodies: list[dict]) -> list[int]:
    def post(body: dict) -> int:
        return httpx.post(url, json=body, timeout=30).status_code

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(post, bodies))


def body(setup, n: int, **extra) -> dict:
    return {
        "service": setup["service"].pk,
        "start": setup["slot"],
        "name": f"Client {n}",
        "email": f"client{n}@example.org",
        **extra,
    }


def active_for_slot(setup) -> int:
    with scopes_disabled():
        return Appointment.objects.filter(start=setup["slot"], status__in=ACTIVE_STATUSES).count()


def test_many_clients_for_one_slot_exactly_capacity_succeed(setup):
    statuses = rush(setup["url"], [body(setup, n) for n in range(CLIENTS)])
    assert statuses.count(201) == 2
    assert set(statuses) <= {201, 409}
    assert active_for_slot(setup) == 2


def test_without_the_lock_the_same_rush_overbooks(setup, settings):
    """Proof that the test above can fail, and that the lock is what keeps it from failing: the
    switch removes only `FOR UPDATE ... SKIP LOCKED` from the real claim (its pick and its update
    then run as two statements, with a pause between them; services/booking.py)."""
    settings.SCHALTER_UNSAFE_SEAT_CLAIM = True
    statuses = rush(setup["url"], [body(setup, n) for n in range(CLIENTS)])
    assert statuses.count(201) > 2
    assert active_for_slot(setup) > 2


def test_double_submit_books_once(setup):
    statuses = rush(setup["url"], [body(setup, 1) for _ in range(10)])
    assert statuses.count(201) == 1
    assert set(statuses) <= {201, 409}
    with scopes_disabled():
        assert Appointment.objects.filter(email_normalised="client1@example.org").count() == 1


def test_cancel_and_rebook_race_never_exceeds_capacity(setup, live_server):
    with scopes_disabled():
        BookingPolicy.objects.filter(office=setup["office"]).update(deallocation_minutes=0)
    first = [httpx.post(setup["url"], json=body(setup, n)).json() for n in range(2)]
    assert all("code" in b for b in first)

    def cancel(booked: dict) -> int:
        return httpx.delete(
            f"{live_server.url}/api/v1/appointments/{booked['code']}",
            headers={"Authorization": f"Bearer {booked['manage_token']}"},
        ).status_code

    def book(n: int) -> int:
        return httpx.post(setup["url"], json=body(setup, n), timeout=30).status_code

    with ThreadPoolExecutor(max_workers=24) as pool:
        cancels = [pool.submit(cancel, b) for b in first]
        books = [pool.submit(book, n) for n in range(100, 120)]
        cancel_statuses = [f.result() for f in cancels]
        book_statuses = [f.result() for f in books]
    assert cancel_statuses == [200, 200]
    assert book_statuses.count(201) <= 2
    assert active_for_slot(setup) == book_statuses.count(201)
    with scopes_disabled():
        for appointment in Appointment.objects.filter(status__in=ACTIVE_STATUSES):
            assert appointment.seats.count() == 1
