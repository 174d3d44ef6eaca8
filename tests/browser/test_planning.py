"""A team lead tries one desk more on the planning page and reads the charts (German, Arabic)."""

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from schalter.accounts.actors import COMMAND
from schalter.accounts.models import AuditEvent
from schalter.accounts.roles import Role
from schalter.offices.services import office_part_switch
from schalter.planning.actions import PLAN_APPLIED
from tests.browser.conftest import assert_accessible
from tests.conftest import PASSWORD, build_office, make_bookable, totp_code


@pytest.mark.parametrize(("viewport", "locale"), [("desktop", "de-DE"), ("phone", "ar")])
def test_what_if_one_desk_more(open_page, make_staff, transactional_db, viewport, locale):
    office = build_office("giessen")
    make_bookable(office, days=0)
    office_part_switch(office=office, name="planning", on=True, acting_user=COMMAND)
    lead = make_staff(office, Role.TEAM_LEAD)
    page = open_page("/staff/giessen/planning/", viewport, locale=locale)
    sign_in_any(page, lead)
    page.wait_for_url("**/staff/giessen/planning/")
    assert_accessible(page)
    page.locator("#id_desks").fill("5")
    page.locator(".planning-form button[type=submit]").click()
    page.wait_for_load_state()
    charts = page.locator("svg[role=img]")
    expect(charts).to_have_count(2)
    expect(charts.first.locator("title")).not_to_be_empty()
    expect(page.locator("section table caption").last).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize(("viewport", "locale"), [("desktop", "de-DE"), ("phone", "ar")])
def test_best_plans_review_and_apply(open_page, make_staff, transactional_db, viewport, locale):
    office = build_office("giessen")
    make_bookable(office, days=0)
    office_part_switch(office=office, name="planning", on=True, acting_user=COMMAND)
    lead = make_staff(office, Role.TEAM_LEAD)
    page = open_page("/staff/giessen/planning/plans/?weekday=0", viewport, locale=locale)
    sign_in_any(page, lead)
    page.wait_for_url("**/staff/giessen/planning/plans/**")
    expect(page.locator("svg[role=img]")).to_have_count(1)
    expect(page.locator("table.kern-table caption")).to_be_visible()
    assert_accessible(page)
    page.locator("td form button[type=submit]").first.click()
    page.wait_for_url("**/staff/giessen/planning/apply/")
    expect(page.locator("#id_valid_from")).to_be_visible()
    assert_accessible(page)
    page.locator(".planning-form button[type=submit]").click()
    page.wait_for_url("**/staff/giessen/planning/?weekday=0")
    assert_accessible(page)
    with scopes_disabled():
        assert AuditEvent.objects.filter(action=PLAN_APPLIED).count() == 1


def sign_in_any(page, user) -> None:
    """Sign in without relying on the labels' language."""
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url("**/staff/login/code/")
    page.locator("#id_code").fill(totp_code(user))
    page.locator("#id_code").press("Enter")
