"""Issue 13's whole story in one go, every page axe-clean: an office admin invites a new
caseworker, who sets her password and enrols her authenticator from the e-mail link and signs
in; the admin changes the office's Saturday hours, and the public office page and a freshly made
flyer show them; the caseworker's lost authenticator is reset and enrolled anew; the staff menu
switches to English and back; the audit log shows these steps in words and exports them."""

import csv
import io

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth.models import User
from django.core import mail
from django.utils import translation
from playwright.sync_api import expect

from schalter.accounts import actions, audit_words
from schalter.accounts.models import AuditEvent
from schalter.accounts.roles import Role
from tests.browser.conftest import assert_accessible
from tests.browser.staff_steps import code_shown, newest_link, next_window, sign_in
from tests.conftest import PASSWORD, build_office, totp_code
from tests.printing.conftest import pdf_text

# The steps of the story, as the audit log records them for the office.
STORY = (
    actions.INVITATION_SENT,
    actions.INVITATION_ACCEPTED,
    "offices.hours.set",
    actions.SECOND_FACTOR_RESET,
    actions.SECOND_FACTOR_REENROLLED,
)


def in_words(event: AuditEvent) -> str:
    """The sentence the audit log shows, with the record it names."""
    model = apps.get_model(event.target_type) if event.target_type else None
    target = model._base_manager.filter(pk=event.target_id).first() if model else None
    return audit_words.in_words(event, target)


def test_an_office_runs_itself_from_invitation_to_audit_export(
    open_page, make_staff, transactional_db
):
    pytest.importorskip("weasyprint")
    office = build_office("giessen")
    admin = make_staff(office, Role.OFFICE_ADMIN)
    mail.outbox = []

    # 1. The admin invites a new caseworker.
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
    expect(page.locator("form.invitation-withdraw")).to_have_count(1)
    assert_accessible(page)

    # 2. She sets her password and enrols her authenticator from the e-mail link.
    assert mail.outbox[-1].to == ["nora.neu@example.org"]
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
    with time_machine.travel(next_window(), tick=True):
        # 3. She signs in with the next code (the one she enrolled with is spent).
        sign_in(hers, nora.username, totp_code(nora))
        hers.wait_for_url("**/staff/giessen/")
        assert_accessible(hers)

        # 4. The admin changes Saturday's hours ...
        page.goto(page.url.replace("/members/", "/hours/"))
        assert_accessible(page)
        weekly = page.locator("form:has(input[name=action][value=weekly])")
        page.locator("#id_day_5").fill("09:00-13:00")
        weekly.locator("button[type=submit]").click()
        page.wait_for_url("**/staff/giessen/hours/")
        expect(page.locator("#id_day_5")).to_have_value("09:00-13:00")
        assert_accessible(page)
        # ... the public office page shows them ...
        site = page.url.split("/staff/")[0]
        public = page.context.new_page()
        public.goto(site + "/de/giessen/")
        saturday = public.locator("table.opening-hours tr", has_text="Samstag")
        expect(saturday).to_contain_text("09:00")
        expect(saturday).to_contain_text("13:00")
        assert_accessible(public)
        # ... and so does a freshly made flyer.
        flyer = page.context.request.get(site + "/de/giessen/flyer.pdf")
        assert flyer.ok and flyer.headers["content-type"] == "application/pdf"
        text = pdf_text(flyer.body())
        assert "Samstag" in text and "09:00–13:00" in text

        # 5. She loses her phone: the admin resets her authenticator ...
        page.goto(site + "/staff/giessen/members/")
        page.get_by_role("link", name="Nora Neu").click()
        page.wait_for_url("**/staff/giessen/members/*/")
        assert_accessible(page)
        page.locator("input[name=action][value=reset] + button").click()
        page.wait_for_url("**/staff/giessen/members/*/")
        assert_accessible(page)
        assert mail.outbox[-1].to == ["nora.neu@example.org"]
        # ... sign-in is refused until she enrols a new one from the mailed link.
        refused = open_page("/staff/login/", "phone", locale="de-DE")
        refused.locator("#id_username").fill(nora.username)
        refused.locator("#id_password").fill(PASSWORD)
        refused.locator("#id_password").press("Enter")
        expect(refused.get_by_role("alert")).to_contain_text("E-Mail")
        assert refused.url.endswith("/staff/login/")
        assert_accessible(refused)
        again = open_page(newest_link(), "phone", locale="de-DE")
        assert_accessible(again)
        again.locator("#id_code").fill(code_shown(again))
        again.locator("#id_code").press("Enter")
        again.wait_for_url("**/staff/login/")
        with time_machine.travel(next_window(), tick=True):
            sign_in(again, nora.username, totp_code(nora))
            again.wait_for_url("**/staff/giessen/")
            assert_accessible(again)

    # 6. The staff menu switches to English and back.
    page.locator("#staff-language").select_option("en")
    page.locator(".staff-language button").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_text("Roles in this office").count() >= 1
    assert_accessible(page)
    page.locator("#staff-language").select_option("de")
    page.locator(".staff-language button").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "de"

    # 7. The audit log shows the steps in words, and exports them.
    page.goto(site + "/staff/giessen/audit/")
    assert_accessible(page)
    with translation.override("de"):
        words = {
            action: in_words(AuditEvent.objects.filter(office=office, action=action).latest("at"))
            for action in STORY
        }
    log = page.locator("table.audit-log")
    for sentence in words.values():
        expect(log).to_contain_text(sentence)
    assert any("Nora Neu" in sentence for sentence in words.values())
    assert any("Test Person" in sentence for sentence in words.values())
    export = page.locator("form.audit-filter a[href*='export.csv']").get_attribute("href")
    answer = page.context.request.get(site + export)
    assert answer.ok and answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.body().decode("utf-8-sig"))))
    exported = {(row[3], row[2]) for row in rows[1:]}
    for action, sentence in words.items():
        assert (action, sentence) in exported, (action, sentence)
