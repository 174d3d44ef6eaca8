"""Staff edit a text in all languages side by side, see the status change, and preview the
public page right-to-left; the list and the editor pass axe-core."""

from schalter.accounts.roles import Role
from schalter.catalog.models import Service
from tests.browser.conftest import assert_accessible
from tests.conftest import PASSWORD, build_office, make_bookable, totp_code


def test_editing_a_translation_in_the_browser(open_page, make_staff, transactional_db):
    office = build_office("giessen")
    make_bookable(office)
    Service.objects.filter(slug="residence-permit").update(
        summary={"de": "Eine Aufenthaltserlaubnis.", "en": "A residence permit."}
    )
    user = make_staff(office, Role.KNOWLEDGE_EDITOR)
    page = open_page("/staff/giessen/content/", "desktop", locale="de-DE")
    page.get_by_label("Benutzername").fill(user.username)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button").filter(has_text="Weiter").click()
    page.wait_for_url("**/staff/login/code/")
    page.locator("#id_code").fill(totp_code(user))
    page.locator("#id_code").press("Enter")
    page.wait_for_url("**/staff/giessen/content/")
    assert page.locator(".content-status--missing").count() > 0
    assert_accessible(page)

    service = Service.objects.get(slug="residence-permit")
    page.locator(f'a[href="/staff/giessen/content/service/{service.pk}/summary/"]').click()
    page.wait_for_url("**/content/service/*/summary/")
    assert_accessible(page)
    arabic = page.locator("#id_text_ar")
    assert arabic.get_attribute("dir") == "rtl"
    arabic.fill("تصريح إقامة.")
    page.locator("#id_text_de").fill("Eine Aufenthaltserlaubnis für Sie.")
    page.get_by_role("button").filter(has_text="Speichern").click()
    page.wait_for_url("**/content/service/*/summary/")
    section = page.locator("section", has=page.locator("#id_text_ar"))
    assert section.locator(".content-status--current").count() == 1
    english = page.locator("section", has=page.locator("#id_text_en"))
    assert english.locator(".content-status--outdated").count() == 1
    assert_accessible(page)

    with page.context.expect_page() as preview_info:
        section.locator("a[hreflang=ar]").click()
    preview = preview_info.value
    preview.wait_for_load_state()
    assert "/ar/giessen/services/residence-permit/" in preview.url
    assert preview.locator("html").get_attribute("dir") == "rtl"
    assert "تصريح إقامة." in preview.content()
