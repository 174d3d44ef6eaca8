"""Articles: effective dating, revisions and their diff, four-eyes, concurrent edits, bad input,
and what each office sees."""

from datetime import date

import pytest

from schalter.knowledge import selectors, services
from schalter.knowledge.errors import (
    BadPeriod,
    ChangedSinceOpened,
    EditConflict,
    NotApprover,
    OwnApproval,
    TooLarge,
    WrongState,
)
from schalter.knowledge.models import RevisionState, Visibility
from tests.knowledge.conftest import publish, write


def revise(article, author, base, **kw):
    values = {"title": base.title, "body": base.body, "effective_from": base.effective_from}
    values.update(kw)
    return services.article_revise(article=article, base_id=base.pk, acting_user=author, **values)


def test_the_version_valid_on_a_date(office, people):
    first = publish(write(office, people.editor, body="Alte Regel"), approver=people.second)
    article = first.article
    # Written and approved in May, in force from July: until then the old text applies.
    change = revise(
        article, people.editor, first, body="Neue Regel", effective_from=date(2024, 7, 1)
    )
    publish(change, approver=people.lead)
    assert selectors.valid_revision(article, date(2024, 5, 31)) is None
    assert selectors.valid_revision(article, date(2024, 6, 30)) == first
    assert selectors.valid_revision(article, date(2024, 7, 1)) == change
    assert selectors.upcoming_revision(article, date(2024, 6, 15)) == change
    # One that ends: a transitional rule until the end of 2024, nothing after.
    head = selectors.head_revision(article)
    ending = revise(
        article,
        people.second,
        head,
        body="Übergangsregel",
        effective_from=date(2024, 9, 1),
        effective_until=date(2025, 1, 1),
    )
    publish(ending, approver=people.editor)
    assert selectors.valid_revision(article, date(2024, 12, 31)) == ending
    assert selectors.valid_revision(article, date(2025, 1, 1)) == change
    # History stays readable: every revision, newest first.
    assert [r.number for r in selectors.revisions_for(office, article)] == [3, 2, 1]


def test_a_period_must_end_after_it_starts(office, people):
    with pytest.raises(BadPeriod):
        write(office, people.editor, start=date(2024, 6, 1), effective_until=date(2024, 6, 1))


def test_revisions_compared_word_by_word_and_escaped(office, people):
    first = write(office, people.editor, body="Die alte Regel <script>x</script> gilt.")
    second = revise(first.article, people.editor, first, body="Die neue Regel gilt ab Juni.")
    diff = selectors.compare(first, second)["body"]
    assert diff.changed
    assert "<del>alte</del>" in diff.left and "<ins>neue</ins>" in diff.right
    assert "&lt;script&gt;" in diff.left and "<script>" not in diff.left
    assert selectors.compare(first, second)["title"].changed is False


def test_the_author_cannot_approve_her_own_change(office, people):
    revision = services.revision_submit(
        revision=write(office, people.editor), acting_user=people.editor
    )
    with pytest.raises(OwnApproval):
        services.revision_approve(
            revision=revision, seen_head_id=revision.pk, acting_user=people.editor
        )
    with pytest.raises(NotApprover):
        services.revision_approve(
            revision=revision, seen_head_id=revision.pk, acting_user=people.caseworker
        )
    with pytest.raises(NotApprover):  # an editor of another office
        services.revision_approve(
            revision=revision, seen_head_id=revision.pk, acting_user=people.other_editor
        )
    approved = services.revision_approve(
        revision=revision, seen_head_id=revision.pk, acting_user=people.lead
    )
    assert approved.state == RevisionState.PUBLISHED and approved.approved_by == people.lead


def test_a_draft_is_not_approved_before_review(office, people):
    draft = write(office, people.editor)
    with pytest.raises(WrongState):
        services.revision_approve(revision=draft, seen_head_id=draft.pk, acting_user=people.second)


def test_without_four_eyes_submitting_publishes(office, people):
    services.policy_set(office=office, four_eyes=False, banner_days=14, acting_user=people.lead)
    revision = services.revision_submit(
        revision=write(office, people.editor), acting_user=people.editor
    )
    assert revision.state == RevisionState.PUBLISHED


def test_approving_a_revision_changed_since_it_was_opened_is_refused(office, people):
    revision = services.revision_submit(
        revision=write(office, people.editor), acting_user=people.editor
    )
    opened = selectors.head_revision(revision.article)
    newer = revise(revision.article, people.editor, revision, body="Noch geändert")
    services.revision_submit(revision=newer, acting_user=people.editor)
    with pytest.raises(ChangedSinceOpened):
        services.revision_approve(revision=newer, seen_head_id=opened.pk, acting_user=people.second)
    with pytest.raises(ChangedSinceOpened):
        services.revision_approve(
            revision=revision, seen_head_id=newer.pk, acting_user=people.second
        )
    assert services.revision_approve(
        revision=newer, seen_head_id=newer.pk, acting_user=people.second
    )


def test_two_editors_at_once_the_second_is_told_and_nothing_is_overwritten(office, people):
    first = write(office, people.editor, body="Anfang")
    mine = revise(first.article, people.editor, first, body="Meine Fassung")
    with pytest.raises(EditConflict) as refused:
        revise(first.article, people.second, first, body="Ihre Fassung")
    assert refused.value.head_id == mine.pk
    assert [r.body for r in first.article.revisions.order_by("number")] == [
        "Anfang",
        "Meine Fassung",
    ]


def test_huge_pastes_are_refused(office, people):
    with pytest.raises(TooLarge):
        write(office, people.editor, body="x" * 1_000_001)


def test_references_are_parsed_and_linked(office, people):
    revision = write(office, people.editor, body="Nach § 20a AufenthG und 9 JVEG, nicht § 5 FooG.")
    found = {(ref["law"], ref["section"]): ref for ref in revision.legal_references}
    assert (
        found[("AufenthG", "20a")]["url"]
        == "https://www.gesetze-im-internet.de/aufenthg_2004/__20a.html"
    )
    assert found[("JVEG", "9")]["known"] is True
    assert found[("FooG", "5")]["known"] is False and found[("FooG", "5")]["url"] == ""


def test_an_office_sees_its_own_and_shared_articles_only(office, other_office, people):
    own_private = write(office, people.editor, title="Eigenes")
    # The other office shares one published article, keeps one private, drafts a shared one.
    shared = publish(
        write(other_office, people.other_editor, title="Geteilt", visibility=Visibility.SHARED),
        approver=people.other_lead,
    )
    private = publish(
        write(other_office, people.other_editor, title="Privat"), approver=people.other_lead
    )
    draft = write(other_office, people.other_editor, title="Entwurf", visibility=Visibility.SHARED)
    visible = set(selectors.visible_articles(office).values_list("pk", flat=True))
    assert own_private.article_id in visible and shared.article_id in visible
    assert private.article_id not in visible and draft.article_id not in visible
    # A shared article's later draft stays with its office.
    later = revise(shared.article, people.other_editor, shared, body="Entwurf der Änderung")
    assert [r.pk for r in selectors.revisions_for(office, shared.article)] == [shared.pk]
    assert later.pk in [r.pk for r in selectors.revisions_for(other_office, shared.article)]
