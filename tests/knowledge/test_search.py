"""Search on either database (run on PostgreSQL with DATABASE_URL): German inflections and
compounds, legal references in several spellings, filters and access rules."""

from datetime import date

import pytest

from schalter.knowledge import search, services
from schalter.knowledge.models import Visibility
from schalter.knowledge.search import Filters
from tests.knowledge.conftest import publish, write


@pytest.fixture
def articles(office, other_office, people, chancenkarte):
    found = {}
    found["karte"] = write(
        office,
        people.editor,
        title="Chancenkarte ab Juni",
        body="Die Chancenkarte nach § 20a AufenthG erlaubt die Arbeitsuche. <b>neu</b>",
        services=[chancenkarte],
    )
    found["erlaubnis"] = write(
        office,
        people.editor,
        title="Verlängerung",
        body="Eine Aufenthaltserlaubnis wird verlängert, wenn die Voraussetzungen vorliegen.",
    )
    found["aenderung"] = write(
        office,
        people.editor,
        title="Hinweise",
        body="Änderungen der Einstellungen im Terminsystem ab Montag.",
    )
    found["blaue"] = publish(
        write(
            other_office,
            people.other_editor,
            title="Blaue Karte EU Gehaltsgrenzen",
            body="Nach 18g AufenthG gilt 2026 die Gehaltsgrenze von 50.700 Euro.",
            visibility=Visibility.SHARED,
        ),
        approver=people.other_lead,
    )
    found["privat"] = write(
        other_office, people.other_editor, title="Chancenkarte intern", body="Chancenkarte privat"
    )
    return found


def ids(hits):
    return {hit.article_id for hit in hits}


def test_german_inflections_and_compounds(office, articles):
    karte, erlaubnis = articles["karte"].article_id, articles["erlaubnis"].article_id
    assert karte in ids(search.search(office, "Chancenkarten"))
    assert erlaubnis in ids(search.search(office, "Aufenthaltserlaubnisse"))
    assert erlaubnis in ids(search.search(office, "Erlaubnis"))
    assert articles["aenderung"].article_id in ids(search.search(office, "Änderungen"))
    assert articles["aenderung"].article_id in ids(search.search(office, "Einstellungen"))
    assert not search.search(office, "Fiktionsbescheinigung")


@pytest.mark.parametrize("query", ["§ 18g AufenthG", "§18g", "18g AufenthG", "Paragraph 18 g"])
def test_legal_references_in_any_spelling(office, articles, query):
    assert ids(search.search(office, query)) == {articles["blaue"].article_id}


def test_only_what_the_office_may_see(office, other_office, articles, people):
    hits = ids(search.search(office, "Chancenkarte"))
    assert articles["karte"].article_id in hits
    assert articles["privat"].article_id not in hits
    # The other office sees its private one, but not the first office's draft.
    theirs = ids(search.search(other_office, "Chancenkarte"))
    assert articles["privat"].article_id in theirs and articles["karte"].article_id not in theirs
    # A shared article's newer draft is found by its own office only.
    blaue = articles["blaue"]
    services.article_revise(
        article=blaue.article,
        base_id=blaue.pk,
        title=blaue.title,
        body="Entwurf: Zauberwort Gehaltsgrenze",
        effective_from=date(2026, 1, 1),
        acting_user=people.other_editor,
    )
    assert not search.search(office, "Zauberwort")
    assert ids(search.search(other_office, "Zauberwort")) == {blaue.article_id}


def test_filters(office, other_office, articles, chancenkarte):
    karte = articles["karte"].article_id
    assert ids(search.search(office, "Chancenkarte", Filters(service_id=chancenkarte.pk))) == {
        karte
    }
    assert ids(search.search(office, "Chancenkarte", Filters(law="AufenthG"))) == {karte}
    assert not search.search(office, "Chancenkarte", Filters(law="BeschV"))
    assert not search.search(office, "Chancenkarte", Filters(office_id=other_office.pk))
    assert not search.search(office, "Chancenkarte", Filters(state="published"))
    assert ids(search.search(office, "Chancenkarte", Filters(state="draft"))) == {karte}
    assert not search.search(office, "Chancenkarte", Filters(on=date(2024, 5, 1)))
    assert ids(search.search(office, "Chancenkarte", Filters(on=date(2024, 6, 1)))) == {karte}


def test_snippets_mark_matches_in_the_original_text_and_escape_it(office, articles):
    hit = search.search(office, "Chancenkarten")[0]
    assert "<mark>" in hit.snippet and "Chancenkarte" in hit.snippet
    assert "<b>" not in hit.snippet


def test_who_may_find_follows_review_publication_sharing_and_archive(
    office, other_office, articles, people
):
    """The access kept beside the search terms follows every change of state and visibility."""
    written = write(
        other_office,
        people.other_editor,
        title="Fiktionsbescheinigung",
        body="Fiktionsbescheinigung bei verspätetem Antrag",
        visibility=Visibility.SHARED,
    )
    article = written.article
    assert not search.search(office, "Fiktionsbescheinigung")  # a shared draft
    submitted = services.revision_submit(revision=written, acting_user=people.other_editor)
    assert not search.search(office, "Fiktionsbescheinigung")  # in review
    publish_only = services.revision_approve(
        revision=submitted, seen_head_id=submitted.pk, acting_user=people.other_lead
    )
    assert ids(search.search(office, "Fiktionsbescheinigung")) == {article.pk}
    settings = {"services": [], "tags": [], "next_review": None, "required_roles": []}
    services.article_settings_set(
        article=article, visibility=Visibility.PRIVATE, acting_user=people.other_editor, **settings
    )
    assert not search.search(office, "Fiktionsbescheinigung")
    services.article_settings_set(
        article=article, visibility=Visibility.SHARED, acting_user=people.other_editor, **settings
    )
    services.article_archive(article=article, acting_user=people.other_editor)
    assert ids(search.search(office, "Fiktionsbescheinigung")) == {article.pk}  # history stays
    assert ids(search.search(other_office, "Fiktionsbescheinigung")) == {publish_only.article_id}
