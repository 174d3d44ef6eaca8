"""Parallel failed sign-ins over HTTP against a live server on PostgreSQL: a name under attack
from many addresses at once alerts its offices' admins exactly once (the episode's row is locked
while it counts), and every answer is a refusal, never a 5xx. Without the row lock
(`select_for_update` removed from accounts.services) this test failed: 13 of 24 failures counted."""

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from django.db import connection

from schalter.accounts.models import AuditEvent, SignInFailure, SignInWatch
from schalter.accounts.roles import Role
from tests.conftest import build_office

ATTEMPTS = 24


@pytest.fixture(autouse=True)
def postgres_only(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("sign-in races need PostgreSQL's row locks; `make test` runs them there")


def test_parallel_failures_alert_once(live_server, make_staff, settings):
    settings.STAFF_LOGIN_ALERT_FAILURES = 4
    settings.SCHALTER_TRUSTED_PROXIES = ["127.0.0.1"]
    office = build_office("giessen")
    admin = make_staff(office, Role.OFFICE_ADMIN)
    admin.email = "leitung@giessen.example"
    admin.save()
    user = make_staff(office, Role.CASEWORKER)

    def attempt(n: int) -> int:
        with httpx.Client(base_url=live_server.url, timeout=30) as client:
            token = client.get("/staff/login/").cookies["csrftoken"]
            return client.post(
                "/staff/login/",
                data={"username": user.username, "password": "wrong", "csrfmiddlewaretoken": token},
                headers={"X-Forwarded-For": f"10.9.{n}.1"},
            ).status_code

    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(attempt, range(ATTEMPTS)))
    assert answers == [400] * ATTEMPTS
    assert SignInFailure.objects.count() == ATTEMPTS
    assert SignInWatch.objects.get().failures == ATTEMPTS
    assert AuditEvent.objects.filter(action="accounts.login.alerted").count() == 1
