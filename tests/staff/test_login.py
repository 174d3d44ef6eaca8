from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from schalter.accounts.models import AuditEvent
from schalter.accounts.roles import Role
from tests.conftest import PASSWORD, german, sign_in, totp_code

pytestmark = pytest.mark.django_db


def password_step(client: Client, user) -> None:
    response = client.post("/staff/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/staff/login/code/"


def test_staff_pages_need_a_signed_in_user(client, office):
    response = client.get("/staff/giessen/desks/")
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/?next=")


def test_password_alone_does_not_sign_in(client, office, make_staff):
    user = make_staff(office, Role.CASEWORKER)
    password_step(client, user)
    assert client.get("/staff/giessen/").status_code == 302


def test_two_factors_sign_in_and_go_to_the_only_office(client, office, make_staff):
    user = make_staff(office, Role.CASEWORKER)
    sign_in(client, user)
    response = client.get("/staff/")
    assert response.status_code == 302 and response["Location"] == "/staff/giessen/"
    assert client.get("/staff/giessen/").status_code == 200
    assert AuditEvent.objects.filter(action="accounts.login.succeeded", actor=user).exists()


def test_wrong_password_is_refused_without_telling_which_part(client, office, make_staff):
    user = make_staff(office, Role.CASEWORKER)
    wrong = client.post("/staff/login/", {"username": user.username, "password": "nope"})
    unknown = client.post("/staff/login/", {"username": "nobody", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 400
    message = german("Wrong user name or password.")
    assert message != "Wrong user name or password."
    assert message in wrong.content.decode() and message in unknown.content.decode()


def test_wrong_codes_lock_the_account_for_a_while(client, office, make_staff, settings):
    user = make_staff(office, Role.CASEWORKER)
    password_step(client, user)
    for _ in range(settings.STAFF_OTP_MAX_FAILURES - 1):
        response = client.post("/staff/login/code/", {"code": "000000"})
        assert response.status_code == 400
    response = client.post("/staff/login/code/", {"code": "000000"})
    assert response.status_code == 429
    locked = german("Too many failed attempts. Your account is locked until %(time)s.")
    assert locked.split("%(time)s")[0] in response.content.decode()
    # While locked, even the right code and the right password are refused.
    assert client.post("/staff/login/code/", {"code": totp_code(user)}).status_code == 429
    fresh = Client()
    response = fresh.post("/staff/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 429
    assert AuditEvent.objects.filter(action="accounts.login.code_failed").count() == (
        settings.STAFF_OTP_MAX_FAILURES
    )
    with time_machine.travel(
        timezone.now() + timedelta(minutes=settings.STAFF_LOCKOUT_MINUTES, seconds=31)
    ):
        sign_in(Client(), user)


def test_wrong_passwords_count_towards_the_lock(client, office, make_staff, settings):
    user = make_staff(office, Role.CASEWORKER)
    for _ in range(settings.STAFF_OTP_MAX_FAILURES):
        response = client.post("/staff/login/", {"username": user.username, "password": "x"})
    assert response.status_code == 429


def test_first_sign_in_enrols_an_authenticator(client, office, make_staff):
    user = make_staff(office, Role.CASEWORKER, enrolled=False)
    response = client.post("/staff/login/", {"username": user.username, "password": PASSWORD})
    assert response["Location"] == "/staff/login/setup/"
    page = client.get("/staff/login/setup/")
    assert b"<svg" in page.content
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.post("/staff/login/setup/", {"code": "123"}).status_code == 400
    from django_otp.oath import TOTP

    code = f"{TOTP(device.bin_key).token():06d}"
    response = client.post("/staff/login/setup/", {"code": code})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/staff/giessen/").status_code == 200


def test_setup_page_is_closed_once_enrolled(client, office, make_staff):
    user = make_staff(office, Role.CASEWORKER)
    password_step(client, user)
    assert client.get("/staff/login/setup/")["Location"] == "/staff/login/"


def test_code_step_without_password_step_goes_back(client):
    assert client.post("/staff/login/code/", {"code": "123456"})["Location"] == "/staff/login/"


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"username": "x" * 10_000, "password": "y"},
        {"username": "\u202e\u0000", "password": ""},
        {"username": ["a", "b"], "password": "c"},
        {"username": "' OR 1=1 --", "password": "x"},
    ],
)
def test_hostile_login_input_is_a_4xx(client, data):
    assert 400 <= client.post("/staff/login/", data).status_code < 500


@pytest.mark.parametrize(
    "code", ["", "abcdef", "1234567", "１２３４５６", "12345\u0000", "9" * 5000]
)
def test_hostile_codes_are_a_4xx(client, office, make_staff, code):
    user = make_staff(office, Role.CASEWORKER)
    password_step(client, user)
    assert client.post("/staff/login/code/", {"code": code}).status_code == 400


def test_next_parameter_cannot_leave_the_site(client, office, make_staff):
    user = make_staff(office, Role.CASEWORKER)
    client.post(
        "/staff/login/?next=https://evil.example/",
        {"username": user.username, "password": PASSWORD},
    )
    response = client.post("/staff/login/code/", {"code": totp_code(user)})
    assert response["Location"] == "/staff/"


def test_sign_out_needs_post_and_ends_the_session(client, office, make_staff):
    sign_in(client, make_staff(office, Role.CASEWORKER))
    assert client.get("/staff/logout/").status_code == 405
    client.post("/staff/logout/")
    assert client.get("/staff/giessen/").status_code == 302


def test_passwords_are_hashed_with_argon2_in_production(settings):
    from schalter.config.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
