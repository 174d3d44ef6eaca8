"""An office admin invites a new caseworker, who sets her password and enrols her authenticator
from the e-mail link and signs in; her lost authenticator is reset and enrolled anew; the staff
menu switches to English and back. Every page axe-clean (issue 13)."""

import datetime
import re
from base64 import b32decode

import time_machine
from django.contrib.auth.models import User
from django.core import mail
from django.utils import timezone
from django_otp.oath import TOTP

from schalter.accounts.roles import Role
from tests.browser.conftest import assert_accessible
from tests.conftest import PASSWORD, build_office, totp_code

LINK = re.compile(r"https?://[^\s/]+(/staff/link/\?token=[\w-]+)")


def sign_in(page, username: str, code: str) -> None:
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url("**/staff/login/code/")
    page.locator("#id_code").fill(code)
    page.locator("#id_code").press("Enter")


def code_shown(page) -> str:
    """What her phone shows for the key on the page."""
    secret = page.locator(".totp-secret").inner_text().strip()
    return f"{TOTP(b32decode(secret)).token():06d}"


def next_window() -> datetime.datetime:
    """Half a minute on from now (travelled or not): the next authenticator code."""
    return timezone.now() + datetime.timedelta(seconds=31)


def newest_link() -> str:
    found = LINK.search(mail.outbox[-1].body)
    assert found, mail.outbox[-1].body
    return found.group(1)


def test_invite_enrol_sign_in_reset_and_switch_language(open_page, make_staff, transactional_db):
    office = build_office("giessen")
    admin = make_staff(office, Role.OFFICE_ADMIN)
    mail.outbox = []

    # The admin invites a new caseworker.
    page = open_page("/staff/giessen/members/", "desktop", locale="de-DE")
    sign_in(page, admin.username, totp_code(admin))
    page.wait_for_url("**/staff/giessen/members/")
    assert_accessible(page)
    page.locator("a[href$='/members/invite/']").click()
    page.wait_for_url("**/members/invite/")
    assert_accessible(page)
    page.locator("#id_email").fill("nora.neu@example.org")
    page.locator("input[name=roles][value=caseworker]").check()
    page.locator("#id_language").select_option("de")
    page.locator("form[method=post] button[type=submit]").last.click()
    page.wait_for_url("**/staff/giessen/members/")
    assert page.get_by_text("nora.neu@example.org").count() >= 1
    assert_accessible(page)

    # She opens the link from the e-mail, sets her password and enrols her authenticator.
    assert mail.outbox and mail.outbox[-1].to == ["nora.neu@example.org"]
    hers = open_page(newest_link(), "phone", locale="de-DE")
    assert_accessible(hers)
    hers.locator("#id_full_name").fill("Nora Neu")
    hers.locator("#id_password").fill(PASSWORD)
    hers.locator("#id_password_again").fill(PASSWORD)
    hers.locator("#id_code").fill(code_shown(hers))
    hers.locator("#id_code").press("Enter")
    hers.wait_for_url("**/staff/login/")
    assert_accessible(hers)
    nora = User.objects.get(username="nora.neu@example.org")
    # The code she enrolled with is spent: she signs in with the next one.
    with time_machine.travel(next_window(), tick=True):
        sign_in(hers, nora.username, totp_code(nora))
        hers.wait_for_url("**/staff/giessen/")
        assert_accessible(hers)

        # She loses her phone: the admin resets her second factor.
        page.goto(page.url)
        page.get_by_role("link", name="Nora Neu").click()
        page.wait_for_url("**/staff/giessen/members/*/")
        assert_accessible(page)
        page.locator("input[name=action][value=reset] + button").click()
        page.wait_for_url("**/staff/giessen/members/*/")
        assert_accessible(page)
        assert mail.outbox[-1].to == ["nora.neu@example.org"]
        again = open_page(newest_link(), "phone", locale="de-DE")
        assert_accessible(again)
        again.locator("#id_code").fill(code_shown(again))
        again.locator("#id_code").press("Enter")
        again.wait_for_url("**/staff/login/")
        with time_machine.travel(next_window(), tick=True):
            sign_in(again, nora.username, totp_code(nora))
            again.wait_for_url("**/staff/giessen/")

    # The staff menu switches to English and back.
    page.locator("#staff-language").select_option("en")
    page.locator(".staff-language button").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Nora Neu").count() == 1
    assert page.get_by_text("Roles in this office").count() >= 1
    assert_accessible(page)
    page.locator("#staff-language").select_option("de")
    page.locator(".staff-language button").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "de"
