"""Steps a member of staff takes in the browser: signing in with her code, reading the code her
phone would show, and the newest link mailed to her (tests/browser/test_office_story.py)."""

import datetime
import re
from base64 import b32decode

from django.core import mail
from django.utils import timezone
from django_otp.oath import TOTP

from tests.conftest import PASSWORD

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
