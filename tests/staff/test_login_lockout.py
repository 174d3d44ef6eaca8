"""Staff sign-in under attack (issue 11, item 4): the same answer for known and unknown names, a
limit per client address, a lock that blocks only the (name, address) pairs that failed, an alert
to the office's admins once per episode, and an admin who can lift a lock."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from schalter.accounts.models import AuditEvent
from schalter.accounts.roles import Role
from tests.conftest import PASSWORD, german, sign_in, totp_code

pytestmark = pytest.mark.django_db

A = "203.0.113.10"
B = "198.51.100.20"


def post_password(client: Client, username: str, password: str, address: str = A):
    return client.post(
        "/staff/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def comparable(response, username: str) -> tuple[int, str]:
    """The answer with what differs by construction (the CSRF token, the CSP nonce, the name
    typed) taken out."""
    page = response.content.decode()
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"|nonce="[^"]+"', "", page)
    return response.status_code, page.replace(f'value="{username}"', 'value="…"')


def sign_in_from(user, address: str) -> Client:
    client = Client(REMOTE_ADDR=address)
    response = post_password(client, user.username, PASSWORD, address)
    assert response.status_code == 302, response.content[:300]
    response = client.post("/staff/login/code/", {"code": totp_code(user)}, REMOTE_ADDR=address)
    assert response.status_code == 302, response.content[:300]
    return client


def test_known_and_unknown_names_get_the_same_answers_try_after_try(office, make_staff, settings):
    user = make_staff(office, Role.CASEWORKER)
    unknown = "nobody-here"
    for attempt in range(settings.STAFF_OTP_MAX_FAILURES + 2):
        known_answer = comparable(post_password(Client(), user.username, "wrong"), user.username)
        unknown_answer = comparable(post_password(Client(), unknown, "wrong"), unknown)
        assert known_answer == unknown_answer, attempt
    assert known_answer[0] == 429  # both locked now, at this address
    locked = german("Too many failed attempts. Your account is locked until %(time)s.")
    assert locked.split("%(time)s")[0] in known_answer[1]


class CountingHasher(MD5PasswordHasher):
    """Counts the passwords hashed, to compare the work done for known and unknown names."""

    algorithm = "counting_md5"
    hashed = 0

    def encode(self, password, salt):
        CountingHasher.hashed += 1
        return super().encode(password, salt)


def test_known_and_unknown_names_hash_a_password_alike(office, make_staff, settings):
    """Time tells nothing either: a password is hashed for every attempt that is not refused
    before, for a known name (checked) as for an unknown one (a dummy hash)."""
    user = make_staff(office, Role.CASEWORKER)
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    user.set_password(PASSWORD)
    user.save()
    work = {}
    for name in (user.username, "nobody-here"):
        CountingHasher.hashed = 0
        for _ in range(settings.STAFF_OTP_MAX_FAILURES + 2):
            post_password(Client(), name, "wrong")
        work[name] = CountingHasher.hashed
    assert work[user.username] == work["nobody-here"] == settings.STAFF_OTP_MAX_FAILURES


def test_an_address_that_fails_too_often_is_refused_for_every_name(office, make_staff, settings):
    settings.STAFF_LOGIN_ADDRESS_MAX_FAILURES = 6
    user = make_staff(office, Role.CASEWORKER)
    for n in range(settings.STAFF_LOGIN_ADDRESS_MAX_FAILURES):
        # A different name each time: no single name reaches its own lock.
        assert post_password(Client(), f"guess-{n}", "wrong").status_code == 400
    refused = post_password(Client(), user.username, PASSWORD)
    assert refused.status_code == 429
    assert german("Too many attempts. Please wait a while and try again.") in (
        refused.content.decode()
    )
    assert comparable(post_password(Client(), "guess-x", "wrong"), "guess-x")[0] == 429
    # Another address is not held back, and the limit ends with its window.
    sign_in_from(user, B)
    with time_machine.travel(timezone.now() + timedelta(minutes=settings.STAFF_LOCKOUT_MINUTES)):
        sign_in_from(user, A)


def test_a_lock_at_one_address_does_not_block_the_name_elsewhere(office, make_staff, settings):
    user = make_staff(office, Role.CASEWORKER)
    for _ in range(settings.STAFF_OTP_MAX_FAILURES):
        response = post_password(Client(), user.username, "wrong", A)
    assert response.status_code == 429
    assert post_password(Client(), user.username, PASSWORD, A).status_code == 429
    # The real person, from her own desk, still signs in with both factors.
    staff = sign_in_from(user, B)
    assert staff.get("/staff/giessen/").status_code == 200


def test_wrong_codes_lock_only_their_address(office, make_staff, settings):
    user = make_staff(office, Role.CASEWORKER)
    client = Client()
    assert post_password(client, user.username, PASSWORD, A).status_code == 302
    for _ in range(settings.STAFF_OTP_MAX_FAILURES):
        response = client.post("/staff/login/code/", {"code": "000000"}, REMOTE_ADDR=A)
    assert response.status_code == 429
    sign_in_from(user, B)


def test_lock_keeps_no_name_as_typed(office, make_staff):
    """What is kept of a failed attempt: a hash of the name (people type passwords there)."""
    from schalter.accounts.models import SignInFailure

    post_password(Client(), "Geheim-Passwort-123", "wrong")
    failure = SignInFailure.objects.get()
    assert "Geheim" not in failure.name_key and failure.address == A


def admin_of(office, make_staff, email: str):
    admin = make_staff(office, Role.OFFICE_ADMIN)
    admin.email = email
    admin.save()
    return admin


def test_many_failures_for_a_name_alert_its_offices_admins_once_per_episode(
    office, make_staff, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.STAFF_LOGIN_ALERT_FAILURES = 8
    admin_of(office, make_staff, "leitung@giessen.example")
    user = make_staff(office, Role.CASEWORKER)
    addresses = [f"10.0.{n}.1" for n in range(3 * settings.STAFF_LOGIN_ALERT_FAILURES)]
    with django_capture_on_commit_callbacks(execute=True):
        # From many addresses, as a botnet would: no pair reaches its lock.
        for address in addresses[: settings.STAFF_LOGIN_ALERT_FAILURES - 1]:
            post_password(Client(), user.username, "wrong", address)
        assert mailoutbox == []
        for address in addresses[settings.STAFF_LOGIN_ALERT_FAILURES - 1 :]:
            post_password(Client(), user.username, "wrong", address)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["leitung@giessen.example"]
    assert user.username in mailoutbox[0].subject + mailoutbox[0].body
    alerts = AuditEvent.objects.filter(action="accounts.login.alerted")
    assert [(a.office, a.target_id) for a in alerts] == [(office, str(user.pk))]
    # Quiet for a while: the next run of failures is a new episode with a new alert.
    later = timezone.now() + timedelta(minutes=settings.STAFF_LOGIN_ALERT_QUIET_MINUTES + 1)
    with time_machine.travel(later), django_capture_on_commit_callbacks(execute=True):
        for address in addresses[: settings.STAFF_LOGIN_ALERT_FAILURES]:
            post_password(Client(), user.username, "wrong", address)
    assert len(mailoutbox) == 2
    assert AuditEvent.objects.filter(action="accounts.login.alerted").count() == 2


def test_an_unknown_name_alerts_nobody_and_answers_alike(
    office, make_staff, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.STAFF_LOGIN_ALERT_FAILURES = 3
    admin_of(office, make_staff, "leitung@giessen.example")
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(5):
            response = post_password(Client(), "nobody-here", "wrong", f"10.1.{n}.1")
            assert response.status_code == 400
    assert mailoutbox == []


def test_an_admin_lifts_a_lock(office, make_staff, settings):
    user = make_staff(office, Role.CASEWORKER)
    for _ in range(settings.STAFF_OTP_MAX_FAILURES):
        post_password(Client(), user.username, "wrong", A)
    assert post_password(Client(), user.username, PASSWORD, A).status_code == 429
    call_command("staff_unlock", user.username, stdout=open("/dev/null", "w"))  # noqa: SIM115
    sign_in_from(user, A)
    assert AuditEvent.objects.filter(action="accounts.login.unlocked", target_id=str(user.pk))


def test_a_success_starts_the_count_afresh(office, make_staff, settings):
    user = make_staff(office, Role.CASEWORKER)
    for _ in range(settings.STAFF_OTP_MAX_FAILURES - 1):
        post_password(Client(), user.username, "wrong", A)
    sign_in_from(user, A)
    for _ in range(settings.STAFF_OTP_MAX_FAILURES - 1):
        assert post_password(Client(), user.username, "wrong", A).status_code == 400


def test_sign_in_still_needs_both_factors(office, make_staff):
    user = make_staff(office, Role.CASEWORKER)
    client = Client()
    assert post_password(client, user.username, PASSWORD, B).status_code == 302
    assert client.get("/staff/giessen/").status_code == 302
    sign_in(client, user)
    assert client.get("/staff/giessen/").status_code == 200


def test_old_records_are_forgotten_without_changing_an_answer(office, make_staff, settings):
    from schalter.accounts.models import SignInFailure, SignInLock, SignInWatch
    from schalter.accounts.services import sign_in_records_prune

    user = make_staff(office, Role.CASEWORKER)
    for _ in range(settings.STAFF_OTP_MAX_FAILURES):
        post_password(Client(), user.username, "wrong", A)
    assert sign_in_records_prune(now=timezone.now()) == 0
    assert post_password(Client(), user.username, PASSWORD, A).status_code == 429
    later = timezone.now() + timedelta(
        minutes=settings.STAFF_LOCKOUT_MINUTES + settings.STAFF_LOGIN_ALERT_QUIET_MINUTES + 1
    )
    assert sign_in_records_prune(now=later) == settings.STAFF_OTP_MAX_FAILURES + 2
    assert not (SignInFailure.objects.exists() or SignInLock.objects.exists())
    assert not SignInWatch.objects.exists()
    with time_machine.travel(later):
        sign_in_from(user, A)
