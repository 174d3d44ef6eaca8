"""A client asks for a callback in Arabic on a phone (right to left, the real proof-of-work
widget), sees the confirmation with its deadline, later opens her status link, and withdraws
after confirming; axe-core checks every step."""

import pytest
from django_scopes import scopes_disabled

from schalter.accounts.actors import COMMAND
from schalter.callbacks.models import Callback, Outcome, State
from schalter.callbacks.parts import CALLBACKS
from schalter.offices.services import office_part_switch
from tests.browser.conftest import assert_accessible
from tests.conftest import build_office, make_bookable


@pytest.fixture
def taking(transactional_db):
    office = build_office("giessen")
    make_bookable(office)
    office_part_switch(office=office, name=CALLBACKS, on=True, acting_user=COMMAND)
    return office


def test_a_callback_in_arabic_on_a_phone_then_its_state_and_withdrawal(
    open_page, taking, live_server
):
    page = open_page("/ar/giessen/callback/", "phone")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert_accessible(page)
    page.locator("#id_number").fill("0151 23456789")
    page.locator("#id_language").select_option("ar")
    page.locator("#id_topic").select_option(index=1)
    page.locator("input[name=windows][value=afternoon]").check()
    page.locator("altcha-widget input[type=checkbox]").focus()
    page.keyboard.press("Space")
    page.wait_for_function(
        "document.querySelector('input[name=altcha]') && "
        "document.querySelector('input[name=altcha]').value.length > 20",
        timeout=30000,
    )
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/ar/giessen/callback/*/")
    status_url = page.url
    assert_accessible(page)
    with scopes_disabled():
        callback = Callback.objects.get()
    assert callback.language == "ar" and callback.caller_number == "+4915123456789"
    assert callback.state == State.OPEN and callback.deadline is not None
    assert "+4915123456789" in page.locator("main").inner_text()

    # Later, from the link in her text message: the state, and withdrawing (asked first).
    later = open_page(status_url.removeprefix(live_server.url), "phone")
    assert_accessible(later)
    later.locator("a[href$='/withdraw/']").click()
    later.wait_for_url("**/withdraw/")
    assert_accessible(later)
    with scopes_disabled():
        assert Callback.objects.get().state == State.OPEN  # not before she confirms
    later.locator("form button[type=submit]").click()
    later.wait_for_url(status_url)
    assert_accessible(later)
    with scopes_disabled():
        closed = Callback.objects.get()
    assert (closed.state, closed.outcome) == (State.CLOSED, Outcome.WITHDRAWN)
    assert later.locator("a[href$='/withdraw/']").count() == 0
