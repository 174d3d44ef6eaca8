"""A client books in Dari on a phone and asks for an interpreter; the interpreter is proposed,
signs in with the link from her mail, accepts and reports in her own view; the reported times give
the issue's fee. axe-core checks every page of her view, in German and in Arabic."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django_scopes import scopes_disabled

from schalter.accounts.actors import COMMAND
from schalter.interpreters.models import Assignment, AssignmentState
from schalter.interpreters.selectors import assignment_fee
from schalter.offices.localtime import local_time
from schalter.offices.services import office_part_switch
from tests.browser.conftest import assert_accessible
from tests.conftest import build_office, make_bookable
from tests.interpreters.conftest import make_interpreter


@pytest.fixture
def office_with_pool(transactional_db):
    office = build_office("giessen")
    make_bookable(office)
    office_part_switch(office=office, name="interpreters", on=True, acting_user=COMMAND)
    make_interpreter({office: Decimal(20)}, name="Amina", languages=("prs",))
    return office


@pytest.mark.parametrize("language", ["de", "ar"])
def test_a_booking_in_dari_gets_an_interpreter_who_accepts_and_reports(
    open_page, office_with_pool, language, live_server
):
    page = open_page(f"/{language}/giessen/book/card-pick-up/", "phone")
    page.locator("a.time-choice").first.click()
    page.wait_for_url("**/book/card-pick-up/*/")
    page.locator("#id_name").fill("Farid Ahmadi")
    page.locator("#id_email").fill("farid@example.org")
    page.locator("#id_interpreter_language").select_option("fa-af")  # "interpreter: Dari"
    page.locator("#id_consent").check()
    page.locator("altcha-widget input[type=checkbox]").focus()
    page.keyboard.press("Space")
    page.wait_for_function(
        "document.querySelector('input[name=altcha]') && "
        "document.querySelector('input[name=altcha]').value.length > 20",
        timeout=30000,
    )
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/book/sent/*/")
    with scopes_disabled():
        assignment = Assignment.objects.select_related("interpreter", "office").get()
    assert assignment.language == "prs" and assignment.state == AssignmentState.PROPOSED
    assert assignment.interpreter.name == "Amina"
    request = next(m for m in mail.outbox if m.to == ["amina@example.org"])
    link = re.search(r"/de/interpreter/sign-in/\S+/", request.body).group(0)
    link = link.replace("/de/", f"/{language}/", 1)

    her = open_page(link, "phone")
    assert_accessible(her)
    her.locator("form button[type=submit]").click()
    her.wait_for_url(f"**/{language}/interpreter/")
    assert_accessible(her)
    assert "Farid" in her.content() and "Ahmadi" not in her.content()
    her.locator("button[value=accept]").click()
    her.wait_for_url(f"**/{language}/interpreter/")
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.CONFIRMED
    her.locator(f"a[href$='/interpreter/{assignment.pk}/report/']").click()
    assert_accessible(her)
    start = local_time(assignment.office, assignment.start)
    her.locator("#id_start").fill(start.strftime("%Y-%m-%dT%H:%M"))
    her.locator("#id_end").fill((start + timedelta(minutes=70)).strftime("%Y-%m-%dT%H:%M"))
    her.locator("#id_travel_before_minutes").fill("30")
    her.locator("#id_travel_after_minutes").fill("30")
    her.locator("#id_waiting_minutes").fill("15")
    her.locator("#id_km").fill("40")
    her.locator("form button[type=submit]").click()
    her.wait_for_url(f"**/{language}/interpreter/")
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.REPORTED
    fee = assignment_fee(assignment)
    # Booked and engaged today: 93 €/h; 145 min → 2.5 h × 93 + 40 km × 0.42 (unless a night,
    # Sunday or holiday, which the office did not state as necessary).
    assert f"{fee.total:.2f}" == "249.30"


def test_the_sign_in_page_is_accessible(open_page, transactional_db):
    for language in ("de", "ar"):
        assert_accessible(open_page(f"/{language}/interpreter/", "phone"))
