"""Issue 16 in the browser: an editor writes a change effective next month, a second person
approves it, a caseworker sees the banner on the affected service at her desk, reads and
confirms; the public service page shows the summary in Ukrainian; another office adopts the
article and asks a question that the first office answers. Every knowledge page passes axe."""

from datetime import timedelta

from django.utils import timezone
from django_scopes import scopes_disabled

from schalter.accounts.actors import COMMAND
from schalter.accounts.roles import Role
from schalter.catalog.models import Service
from schalter.knowledge import analysis
from schalter.knowledge import services as knowledge
from schalter.knowledge.models import Article, ReadConfirmation
from schalter.offices.models import Desk
from schalter.visits import services as visits
from tests.browser.conftest import assert_accessible
from tests.conftest import PASSWORD, build_office, make_bookable, totp_code


def signed_in(open_page, user, path):
    page = open_page(path, "desktop", locale="de-DE")
    page.get_by_label("Benutzername").fill(user.username)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button").filter(has_text="Weiter").click()
    page.wait_for_url("**/staff/login/code/")
    page.locator("#id_code").fill(totp_code(user))
    page.locator("#id_code").press("Enter")
    page.wait_for_url(f"**{path}")
    page.set_default_navigation_timeout(60000)  # a busy machine; the first save loads the model
    return page


def test_a_change_from_writing_to_the_desk_and_across_offices(
    open_page, make_staff, transactional_db
):
    giessen, darmstadt = build_office("giessen"), build_office("darmstadt")
    make_bookable(giessen)
    make_bookable(darmstadt)
    service = Service.objects.get(slug="card-pick-up")
    editor = make_staff(giessen, Role.KNOWLEDGE_EDITOR)
    lead = make_staff(giessen, Role.TEAM_LEAD)
    caseworker = make_staff(giessen, Role.CASEWORKER)
    other = make_staff(darmstadt, Role.KNOWLEDGE_EDITOR)
    # Staff see changes six weeks ahead here; the caseworker sits at a desk serving the service.
    knowledge.policy_set(office=giessen, four_eyes=True, banner_days=45, acting_user=COMMAND)
    with scopes_disabled():
        desk = Desk.objects.filter(office=giessen, services=service).first()
        visits.desk_session_open(
            office=giessen, desk=desk, user=caseworker, now=timezone.now(), acting_user=COMMAND
        )
    next_month = (timezone.localdate() + timedelta(days=30)).isoformat()
    analysis.terms("Aufenthaltserlaubnis")  # the compound model, loaded before the clock runs

    # The editor writes the change and sends it for approval.
    page = signed_in(open_page, editor, "/staff/giessen/knowledge/")
    assert_accessible(page)
    page.goto(page.url + "new/")
    page.locator("#id_title").fill("eAT-Abholung nur mit Termin")
    page.locator("#id_body").fill("Ab nächstem Monat holen Kunden den eAT nach § 78 AufenthG ab.")
    page.locator("#id_effective_from").fill(next_month)
    page.locator("#id_visibility").select_option("shared")
    page.get_by_label("eAT-Abholung").check()
    page.locator("input[name=required_roles][value=caseworker]").check()
    page.locator("#id_summary_de").fill("Die Abholung des eAT geht bald nur noch mit Termin.")
    page.locator("#id_summary_uk").fill("Незабаром eAT можна буде отримати лише за записом.")
    assert_accessible(page)
    page.get_by_role("button").filter(has_text="Speichern").click()
    page.wait_for_url("**/knowledge/*/")
    assert_accessible(page)
    page.get_by_role("button").filter(has_text="Zur Freigabe senden").click()
    page.wait_for_url("**/knowledge/*/")
    with scopes_disabled():
        article = Article.objects.get(office=giessen)
    assert page.get_by_role("button").filter(has_text="Freigeben und veröffentlichen").count() == 0

    # A second person approves.
    approver = signed_in(open_page, lead, f"/staff/giessen/knowledge/{article.pk}/")
    approver.get_by_role("button").filter(has_text="Freigeben und veröffentlichen").click()
    approver.wait_for_url(f"**/knowledge/{article.pk}/")
    assert "Kommende Änderung" in approver.content()
    # Replace only the path's last segment: the port can contain the article's id too.
    approver.goto(approver.url.removesuffix(f"/knowledge/{article.pk}/") + "/knowledge/reading/")
    assert_accessible(approver)

    # The caseworker sees the banner at her desk, reads and confirms.
    desk_page = signed_in(open_page, caseworker, "/staff/giessen/desk/")
    banner = desk_page.locator(".knowledge-banners")
    assert "eAT-Abholung nur mit Termin" in banner.inner_text()
    banner.get_by_role("link").first.click()
    desk_page.wait_for_url(f"**/knowledge/{article.pk}/")
    assert_accessible(desk_page)
    desk_page.get_by_role("button").filter(has_text="Ich habe ihn gelesen").click()
    desk_page.wait_for_url(f"**/knowledge/{article.pk}/")
    assert ReadConfirmation.objects.filter(user=caseworker, article=article).exists()

    # The public page shows what changes, in Ukrainian.
    public = open_page("/uk/giessen/services/card-pick-up/")
    assert "Незабаром eAT можна буде отримати лише за записом." in public.content()

    # Darmstadt adopts the article and asks; Gießen answers.
    theirs = signed_in(open_page, other, f"/staff/darmstadt/knowledge/{article.pk}/")
    assert_accessible(theirs)
    theirs.get_by_role("button").filter(has_text="Für unsere Behörde übernehmen").click()
    theirs.wait_for_url("**/staff/darmstadt/knowledge/*/")
    assert "eAT-Abholung nur mit Termin" in theirs.content()
    assert_accessible(theirs)
    theirs.goto(theirs.url.rsplit("/knowledge/", 1)[0] + f"/knowledge/{article.pk}/")
    theirs.locator("#new-comment").fill("Gilt das auch für Ersatzausweise?")
    theirs.locator("#new-question").check()
    theirs.get_by_role("button").filter(has_text="Veröffentlichen").last.click()
    theirs.wait_for_url(f"**/knowledge/{article.pk}/#discussion")
    page.goto(page.url.split("#")[0])
    question = page.locator(".knowledge-comment").first
    question.locator("textarea").fill("Ja, für alle Abholungen.")
    question.get_by_role("button").filter(has_text="Antworten").click()
    page.wait_for_url("**/#discussion")
    assert "Ja, für alle Abholungen." in page.content()
    assert_accessible(page)
    for path in (
        "knowledge/?q=Abholungen",
        "knowledge/notes/",
        f"knowledge/services/{service.pk}/",
    ):
        page.goto(page.url.split("/knowledge/")[0] + "/" + path)
        assert_accessible(page)
    page.goto(page.url.split("/knowledge/")[0] + f"/knowledge/{article.pk}/compare/")
    assert_accessible(page)
