"""The staff pages of the knowledge base: write, approve, read, search, compare, discuss, adopt;
a conflicting edit shows the difference; other offices' private articles answer 404."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from schalter.accounts.actors import COMMAND
from schalter.accounts.roles import Role
from schalter.appointments import services as booking
from schalter.callbacks.incoming import Incoming
from schalter.callbacks.services import callback_receive
from schalter.knowledge import selectors
from schalter.knowledge.models import Article, Revision, RevisionState
from schalter.offices.localtime import local_date
from schalter.offices.services import office_part_switch
from tests.conftest import sign_in
from tests.knowledge.conftest import publish, write


def url(name, office, **kw):
    return reverse(f"staff:{name}", kwargs={"office": office.slug, **kw})


def form(title="Chancenkarte", body="Nach § 20a AufenthG.", **extra):
    data = {
        "title": title,
        "body": body,
        "effective_from": "2024-06-01",
        "visibility": "shared",
        "summary_de": "Neu ab Juni",
        "summary_uk": "Нове з червня",
    }
    data.update(extra)
    return data


@pytest.fixture
def clients(people):
    return {
        name: sign_in(Client(), getattr(people, name))
        for name in ("editor", "second", "caseworker", "other_editor")
    }


def test_write_approve_read_and_compare(office, people, clients, chancenkarte):
    booking.office_service_set(
        office=office, service=chancenkarte, duration_minutes=15, acting_user=COMMAND
    )
    editor, second = clients["editor"], clients["second"]
    response = editor.post(
        url("knowledge_new", office),
        form(services=[chancenkarte.pk], required_roles=[Role.CASEWORKER]),
    )
    assert response.status_code == 302
    article = Article.objects.get()
    editor.post(url("knowledge_submit", office, article=article.pk))
    head = selectors.head_revision(article)
    assert head.state == RevisionState.IN_REVIEW
    # The author sees no approve button and is refused when she tries anyway.
    page = editor.get(url("knowledge_article", office, article=article.pk)).content.decode()
    assert "knowledge_approve" not in page and f"/revisions/{head.pk}/approve/" not in page
    editor.post(
        url("knowledge_approve", office, article=article.pk, revision=head.pk),
        {"seen_head": head.pk},
    )
    assert Revision.objects.get(pk=head.pk).state == RevisionState.IN_REVIEW
    second.post(
        url("knowledge_approve", office, article=article.pk, revision=head.pk),
        {"seen_head": head.pk},
    )
    assert Revision.objects.get(pk=head.pk).state == RevisionState.PUBLISHED
    # The caseworker must read it; one click.
    page = (
        clients["caseworker"]
        .get(url("knowledge_article", office, article=article.pk))
        .content.decode()
    )
    assert "aufenthg_2004/__20a.html" in page
    clients["caseworker"].post(url("knowledge_read", office, article=article.pk))
    assert selectors.has_read(people.caseworker, article)
    # A second revision, compared word by word.
    editor.post(
        url("knowledge_edit", office, article=article.pk),
        form(body="Nach § 20b AufenthG.", base=head.pk),
    )
    page = editor.get(url("knowledge_compare", office, article=article.pk)).content.decode()
    assert "<del>20a</del>" in page and "<ins>20b</ins>" in page


def test_a_second_editor_is_told_and_shown_the_difference(office, people, clients):
    clients["editor"].post(url("knowledge_new", office), form(body="Anfang"))
    article = Article.objects.get()
    base = selectors.head_revision(article).pk
    assert (
        clients["editor"]
        .post(
            url("knowledge_edit", office, article=article.pk), form(body="Erste Fassung", base=base)
        )
        .status_code
        == 302
    )
    response = clients["second"].post(
        url("knowledge_edit", office, article=article.pk), form(body="Zweite Fassung", base=base)
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Erste" in page and "Zweite Fassung" in page  # both shown, her text kept in the form
    assert [r.body for r in article.revisions.order_by("number")] == ["Anfang", "Erste Fassung"]


def test_search_page_and_access(office, other_office, people, clients):
    clients["editor"].post(
        url("knowledge_new", office), form(title="Chancenkarte privat", visibility="private")
    )
    article = Article.objects.get()
    page = clients["caseworker"].get(url("knowledge", office) + "?q=Chancenkarten").content.decode()
    assert "Chancenkarte privat" in page and "<mark>" in page
    # The filters keep what was chosen; an unknown law is said at its field, nothing is found.
    page = clients["caseworker"].get(
        url("knowledge", office), {"q": "Chancenkarte", "law": "AufenthG", "state": "Quatsch"}
    )
    html = page.content.decode()
    assert '<option value="AufenthG" selected>' in html
    assert 'id="id_state" aria-invalid="true"' in html and 'id="id_state-error"' in html
    other = clients["other_editor"]
    assert (
        "Chancenkarte privat"
        not in other.get(url("knowledge", other_office) + "?q=Chancenkarte").content.decode()
    )
    assert other.get(url("knowledge_article", other_office, article=article.pk)).status_code == 404
    assert (
        other.post(
            url("knowledge_comment", other_office, article=article.pk), {"body": "x"}
        ).status_code
        == 404
    )
    assert other.post(url("knowledge_adopt", other_office, article=article.pk)).status_code == 404


def test_adopt_and_discuss_across_offices(
    office, other_office, people, clients, django_capture_on_commit_callbacks
):
    people.editor.email = "editor@example.org"
    people.editor.save()
    clients["editor"].post(url("knowledge_new", office), form())
    article = Article.objects.get()
    clients["editor"].post(url("knowledge_submit", office, article=article.pk))
    head = selectors.head_revision(article)
    clients["second"].post(
        url("knowledge_approve", office, article=article.pk, revision=head.pk),
        {"seen_head": head.pk},
    )
    other = clients["other_editor"]
    response = other.post(url("knowledge_adopt", other_office, article=article.pk))
    adoption = Article.objects.get(adopted_from=article)
    assert response.url == url("knowledge_article", other_office, article=adoption.pk)
    assert "Nach" in other.get(response.url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        other.post(
            url("knowledge_comment", other_office, article=article.pk),
            {"body": "Wie zählt ihr?", "question": "on"},
        )
    assert [m.to for m in mail.outbox] == [["editor@example.org"]]
    question = article.comments.get()
    clients["editor"].post(
        url("knowledge_comment", office, article=article.pk), {"body": "So.", "parent": question.pk}
    )
    assert question.replies.get().office == office


def test_the_callback_of_an_affected_service_shows_the_coming_change(
    office, people, chancenkarte, make_staff
):
    """Required-reading banners wherever staff work with a service: also on a callback about it."""
    office_part_switch(office=office, name="callbacks", on=True, acting_user=COMMAND)
    coming = local_date(office, timezone.now()) + timedelta(days=7)
    publish(
        write(
            office, people.editor, title="Chancenkarte neu", start=coming, services=[chancenkarte]
        ),
        approver=people.second,
    )
    about = {"office": office, "now": timezone.now(), "acting_user": COMMAND}
    callback = callback_receive(
        incoming=Incoming(source="voicemail", dedup_key="msgid:<k1@pbx>",
                          caller_number="+4915123456700", service_id=chancenkarte.pk),
        **about,
    ).callback  # fmt: skip
    other = callback_receive(
        incoming=Incoming(source="voicemail", dedup_key="msgid:<k2@pbx>",
                          caller_number="+4915123456701"),
        **about,
    ).callback  # fmt: skip
    agent = sign_in(Client(), make_staff(office, Role.CALLBACK_AGENT))
    page = agent.get(url("callback", office, pk=callback.pk)).content.decode()
    assert "knowledge-banners" in page and "Chancenkarte neu" in page
    assert (
        "knowledge-banners" not in agent.get(url("callback", office, pk=other.pk)).content.decode()
    )


def test_the_please_read_box_names_the_articles_by_their_titles(office, people, clients):
    first = publish(
        write(office, people.editor, title="Chancenkarte prüfen", required_roles=[Role.CASEWORKER]),
        approver=people.second,
    )
    page = clients["caseworker"].get(url("knowledge", office)).content.decode()
    box = page[page.find("kern-alert--warning") :][:800]
    assert "Chancenkarte prüfen" in box and f"Artikel {first.article.pk}<" not in box, box
