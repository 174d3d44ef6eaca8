"""Hostile input into the knowledge pages (issue 16, "Bad input"): an article, its edit form,
its comments and adoption, the practice notes, the search and the comparison, each fetched as a
signed-in knowledge editor, its forms read from its HTML. Besides the shared nasty strings: scripts
and event handlers in Markdown, pastes over 1 MB, unknown laws, links to articles and services that
do not exist, unknown service ids. No answer may be a 5xx, a refused request changes nothing, and
no page ever carries a script or event handler that came in as input."""

from datetime import date

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schalter.accounts.roles import Role
from schalter.knowledge import selectors, services
from schalter.knowledge.models import Comment, PracticeNote, Revision, Visibility
from tests.conftest import sign_in
from tests.fuzz.conftest import tally
from tests.fuzz.test_forms import forms_on
from tests.nasty import examples, nasty_value

pytestmark = pytest.mark.django_db

MEGABYTE = 1024 * 1024
HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[klick](javascript:alert(1))",
    '<a href="javascript:alert(1)">Link</a>',
    '<p onclick="alert(1)" style="x:expression(alert(1))">Absatz</p>',
    "<iframe src=//example.org></iframe><object data=x></object>",
    "§ 99z FantasieG, Art. 7 UnbekanntG und § 18g AufenthG",
    "[Artikel](/staff/giessen/knowledge/999999/) [Dienst](/de/giessen/services/gibt-es-nicht/)",
    "@niemand @" + "x" * 300,
    "999999",
    "-1",
    "# Titel\n\n" + "Ein Absatz mit **Markdown**. " * (MEGABYTE // 28 + 1),  # over 1 MB
]
PAGES = ["article", "edit", "new", "shared", "notes", "search", "compare", "others"]


@pytest.fixture
def knowledge(office, bookable, other_office, make_staff, settings):
    settings.SCHALTER_RATE_LIMITS = False
    editor = make_staff(office, Role.KNOWLEDGE_EDITOR)
    lead = make_staff(office, Role.TEAM_LEAD)
    other_editor = make_staff(other_office, Role.KNOWLEDGE_EDITOR)
    other_lead = make_staff(other_office, Role.TEAM_LEAD)
    service = selectors.services_offered_by(office).first()
    assert service is not None
    with scopes_disabled():
        own = services.article_create(
            office=office, title="Chancenkarte", body="Nach § 20a AufenthG.",
            effective_from=date(2024, 1, 1), acting_user=editor,
        )  # fmt: skip
        submitted = services.revision_submit(revision=own, acting_user=editor)
        services.revision_approve(revision=submitted, seen_head_id=own.pk, acting_user=lead)
        theirs = services.article_create(
            office=other_office, title="Blaue Karte", body="Nach § 18g AufenthG.",
            effective_from=date(2024, 1, 1), visibility=Visibility.SHARED,
            acting_user=other_editor,
        )  # fmt: skip
        submitted = services.revision_submit(revision=theirs, acting_user=other_editor)
        services.revision_approve(
            revision=submitted, seen_head_id=theirs.pk, acting_user=other_lead
        )
    at = {"office": office.slug}
    urls = {
        "article": reverse("staff:knowledge_article", kwargs={**at, "article": own.article_id}),
        "edit": reverse("staff:knowledge_edit", kwargs={**at, "article": own.article_id}),
        "new": reverse("staff:knowledge_new", kwargs=at),
        "shared": reverse("staff:knowledge_article", kwargs={**at, "article": theirs.article_id}),
        "notes": reverse("staff:knowledge_notes", kwargs=at),
        "search": reverse("staff:knowledge", kwargs=at),
        "compare": reverse("staff:knowledge_compare", kwargs={**at, "article": own.article_id}),
        "others": reverse("staff:knowledge_others", kwargs={**at, "service": service.pk}),
    }
    return sign_in(Client(), editor), urls


def snapshot() -> dict:
    with scopes_disabled():
        return {
            "revisions": sorted(Revision.objects.values_list("pk", "state", "title")),
            "comments": sorted(Comment.objects.values_list("pk", "body")),
            "notes": sorted(PracticeNote.objects.values_list("pk", "text")),
        }


def assert_inert(client: Client, urls: dict[str, str]) -> None:
    """What came in as input shows as text: no script, handler or javascript: link runs."""
    for page in ("article", "shared", "notes"):
        html = client.get(urls[page]).content.decode()
        soup = BeautifulSoup(html, "html.parser")
        for tag in soup.find_all(True):
            assert not any(name.lower().startswith("on") for name in tag.attrs), (page, tag)
            for name in ("href", "src", "action", "data"):
                value = str(tag.get(name, "")).strip().lower()
                assert not value.startswith("javascript:"), (page, tag)
            assert tag.name not in ("iframe", "object", "embed"), (page, tag)
            if tag.name == "script":
                assert "alert(1)" not in tag.text, (page, tag)


def send(client: Client, url: str, value: str, *, every_field: bool, pick: int = 0) -> None:
    """Post `value` into one form of the page (into every field of it, or into one), or send it
    as each of the page's query parameters."""
    page = client.get(url)
    assert tally(page.status_code) < 500, url
    forms, query = forms_on(page.content.decode(), url)
    forms = [form for form in forms if not form.action.endswith("/logout/")]
    chosen = forms[pick % len(forms) : pick % len(forms) + 1] if forms else []
    for form in forms if every_field else chosen:
        fields = dict(form.fields)
        if form.buttons:
            name, pressed = form.buttons[0]
            fields[name] = pressed
        targets = [name for name in fields if name not in ("base_id", "seen_head_id")]
        for target in targets if every_field else targets[pick % max(len(targets), 1) :][:1]:
            fields[target] = value
        before = snapshot()
        response = client.post(form.action, fields)
        assert tally(response.status_code) < 500, (form.action, value[:200])
        if response.status_code >= 400:
            assert snapshot() == before, form.action
    for name in sorted(query) if every_field else sorted(query)[:1]:
        # A query string is cut at 10,000 characters (no server takes a megabyte of URL).
        response = client.get(url, {name: value[:10_000]})
        assert tally(response.status_code) < 500, (url, name, value[:200])


@pytest.mark.parametrize("page", PAGES)
def test_knowledge_pages_take_hostile_input(knowledge, page):
    client, urls = knowledge
    for value in HOSTILE:
        send(client, urls[page], value, every_field=True)
    assert_inert(client, urls)


@pytest.mark.parametrize("page", PAGES)
@settings(max_examples=examples(5), suppress_health_check=list(HealthCheck), deadline=None)
@given(data=st.data())
def test_knowledge_pages_take_nasty_input_without_a_5xx(knowledge, page, data):
    client, urls = knowledge
    value = data.draw(st.one_of(st.sampled_from(HOSTILE), nasty_value()), label="value")
    send(client, urls[page], value, every_field=False, pick=data.draw(st.integers(0, 99)))
    assert_inert(client, urls)
