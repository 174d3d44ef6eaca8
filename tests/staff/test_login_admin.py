"""Django's /admin/ (issue 11, item 7): not mounted with the production settings unless switched
on; wherever it is mounted (then, and in `make run` and the tests), only through the staff
sign-in with both factors and its lockout."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from schalter.accounts.roles import Role
from tests.conftest import PASSWORD, sign_in

ROOT = Path(__file__).resolve().parents[2]
STRONG = "k" + "".join(f"{n:02x}" for n in range(40))
OTHER_STRONG = "a" + "".join(f"{n:02x}" for n in range(40, 80))

PROBE = """
import django
django.setup()
from django.contrib import admin
from django.urls import Resolver404, resolve
try:
    resolve("/admin/")
except Resolver404:
    print("admin: not mounted")
else:
    print("admin: mounted as", admin.site.__class__.__name__)  # the class behind the lazy site
print("staff sign-in:", resolve("/staff/login/").url_name)
"""


def probe(settings_module: str, **variables: str) -> str:
    """Load the URLconf as a server with these settings would, in a process of its own."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SCHALTER_") and key != "DJANGO_SETTINGS_MODULE"
    }
    environment.update(DJANGO_SETTINGS_MODULE=settings_module, **variables)
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


KEYS = {
    "SCHALTER_SECRET_KEY": STRONG,
    "SCHALTER_ALTCHA_KEY": OTHER_STRONG,
    "SCHALTER_SECRETS_KEYS": "c2NoYWx0ZXItdGVzdC1zZWNyZXRzLWtleS0zMi1ieXQ=",
}


def test_production_does_not_mount_the_admin():
    out = probe("schalter.config.settings.production", **KEYS)
    assert "admin: not mounted" in out and "staff sign-in: login" in out


def test_production_mounts_the_admin_only_when_asked_and_then_behind_two_factors():
    out = probe("schalter.config.settings.production", SCHALTER_DJANGO_ADMIN="on", **KEYS)
    assert "admin: mounted as StaffAdminSite" in out


def test_local_settings_keep_the_admin_behind_two_factors():
    """`make run` (settings/local.py) still has the admin, and the staff sign-in as the README
    describes it."""
    out = probe("schalter.config.settings.local")
    assert "admin: mounted as StaffAdminSite" in out and "staff sign-in: login" in out


@pytest.fixture
def superuser(office, make_staff):
    user = make_staff(office, Role.OFFICE_ADMIN)
    user.is_staff = user.is_superuser = True
    user.save()
    return user


@pytest.mark.django_db
def test_the_admin_sends_people_to_the_staff_sign_in(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/staff/login/?next=/admin/"


@pytest.mark.django_db
def test_the_admins_own_form_signs_nobody_in(client, superuser):
    """Its form would check password and code without the lockout: it is not offered."""
    response = client.post("/admin/login/", {"username": superuser.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith("/staff/login/")
    assert client.get("/admin/").status_code == 302


@pytest.mark.django_db
def test_a_password_alone_does_not_open_the_admin(client, superuser):
    client.post("/staff/login/", {"username": superuser.username, "password": PASSWORD})
    assert client.get("/admin/").status_code == 302


@pytest.mark.django_db
def test_two_factors_open_the_admin_to_staff_users_only(office, make_staff, superuser):
    staff = sign_in(Client(), superuser)
    assert staff.get("/admin/").status_code == 200
    assert staff.get("/admin/login/?next=/admin/auth/user/")["Location"] == "/admin/auth/user/"
    caseworker = sign_in(Client(), make_staff(office, Role.CASEWORKER))
    assert caseworker.get("/admin/", follow=True).status_code == 403
