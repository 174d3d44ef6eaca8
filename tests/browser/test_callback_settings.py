"""In the browser: an office admin adds an IMAP voicemail mailbox on the callback settings page
with the keyboard only (desktop, German). A port out of range is refused at its field, the
password is not sent back, and the corrected form saves; every page axe-clean."""

from django_scopes import scope
from playwright.sync_api import expect

from schalter.accounts.actors import COMMAND
from schalter.accounts.roles import Role
from schalter.callbacks.models import CallbackMailbox
from schalter.callbacks.parts import CALLBACKS
from schalter.offices.services import office_part_switch
from schalter.secrets import secret_open
from tests.browser.conftest import assert_accessible
from tests.browser.test_staff_calendar import sign_in
from tests.conftest import build_office, german


def tab_to(page, selector: str, most: int = 120) -> None:
    """Press Tab until the element is focused, as a keyboard user moves through the page."""
    for _ in range(most):
        if page.evaluate("s => document.activeElement?.matches(s) ?? false", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_an_admin_adds_a_mailbox_with_the_keyboard(open_page, make_staff, transactional_db):
    office = build_office("giessen")
    office_part_switch(office=office, name=CALLBACKS, on=True, acting_user=COMMAND)
    admin = make_staff(office, Role.OFFICE_ADMIN)
    page = open_page("/staff/giessen/callbacks/settings/", "desktop", locale="de-DE")
    sign_in(page, admin)
    page.wait_for_url("**/staff/giessen/callbacks/settings/")
    expect(page.locator("h1")).to_have_text(german("Callback settings"))
    assert_accessible(page)

    tab_to(page, "a[href$='/callbacks/settings/mailboxes/new/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/callbacks/settings/mailboxes/new/")
    assert_accessible(page)

    tab_to(page, "#id_address")
    page.keyboard.type("Voicemail-AR@giessen.example")
    page.keyboard.press("Tab")  # the callers' language: Arabic is the fourth after "not known"
    for _ in range(4):
        page.keyboard.press("ArrowDown")
    expect(page.locator("#id_language")).to_have_value("ar")
    tab_to(page, "#id_imap_host")
    page.keyboard.type("mail.giessen.example")
    page.keyboard.press("Tab")
    page.keyboard.type("99999")
    tab_to(page, "#id_imap_password")
    page.keyboard.type("Geheim-123")
    page.keyboard.press("Enter")

    port = page.locator("#id_imap_port")
    expect(port).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_imap_port-error")).to_be_visible()
    expect(page.locator("#id_imap_password")).to_have_value("")  # never sent back
    assert "Geheim-123" not in page.content()
    assert_accessible(page)
    with scope(office=office):
        assert not CallbackMailbox.objects.exists()

    tab_to(page, "#id_imap_port")
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type("993")
    tab_to(page, "#id_imap_password")
    page.keyboard.type("Geheim-123")
    page.keyboard.press("Enter")
    page.wait_for_url("**/callbacks/settings/mailboxes/*/")
    expect(page.locator("h1")).to_have_text("voicemail-ar@giessen.example")
    expect(page.get_by_text(german("A password is kept."))).to_be_visible()
    expect(page.locator("#id_imap_password")).to_have_value("")
    assert "Geheim-123" not in page.content()
    assert_accessible(page)
    with scope(office=office):
        box = CallbackMailbox.objects.get()
    assert (box.language, box.imap_port, box.imap_tls) == ("ar", 993, True)
    assert box.imap_password != "Geheim-123"  # sealed at rest (schalter/secrets.py)
    assert secret_open(box.imap_password) == "Geheim-123"
