"""Open exchange: adoption following the original, comments with replies, mentions and their
notifications (by e-mail through the task backend), practice notes and the others' notes."""

from datetime import date

import pytest
from django.core import mail

from schalter.knowledge import selectors, services
from schalter.knowledge.errors import MentionUnknown, NotShared
from schalter.knowledge.models import Notification, Visibility
from tests.knowledge.conftest import publish, write


@pytest.fixture
def shared(office, people, chancenkarte):
    return publish(
        write(
            office,
            people.editor,
            body="Chancenkarte: Punkte nach § 20a AufenthG",
            visibility=Visibility.SHARED,
            services=[chancenkarte],
        ),
        approver=people.second,
    )


def test_adoption_follows_the_original_and_adds_local_practice(
    office, other_office, people, shared
):
    adoption = services.article_adopt(
        original=shared.article, office=other_office, acting_user=people.other_editor
    )
    assert list(adoption.services.all()) == list(shared.article.services.all())
    local = services.article_revise(
        article=adoption,
        base_id=None,
        title="Bei uns",
        body="Termine nur vormittags.",
        effective_from=date(2024, 6, 1),
        acting_user=people.other_editor,
    )
    publish(local, approver=people.other_lead)
    view = selectors.article_view(adoption, date(2024, 8, 1))
    assert view.original == shared and view.revision == local
    # The original changes: the adoption shows the change from its date on.
    change = services.article_revise(
        article=shared.article,
        base_id=shared.pk,
        title=shared.title,
        body="Chancenkarte: neue Punkte",
        effective_from=date(2024, 9, 1),
        acting_user=people.editor,
    )
    publish(change, approver=people.lead)
    assert selectors.article_view(adoption, date(2024, 8, 31)).original == shared
    assert selectors.article_view(adoption, date(2024, 9, 1)).original == change
    assert selectors.article_view(adoption, date(2024, 9, 1)).revision == local
    # Adopting twice gives the same adoption.
    again = services.article_adopt(
        original=shared.article, office=other_office, acting_user=people.other_caseworker
    )
    assert again == adoption


def test_private_articles_cannot_be_adopted(office, other_office, people):
    private = publish(write(office, people.editor), approver=people.second)
    with pytest.raises(NotShared):
        services.article_adopt(
            original=private.article, office=other_office, acting_user=people.other_editor
        )


def test_a_question_answered_with_notifications_by_mail(
    office, other_office, people, shared, django_capture_on_commit_callbacks
):
    people.editor.email = "editor@example.org"
    people.editor.save()
    people.other_editor.email = "other@example.org"
    people.other_editor.save()
    services.reader_set(
        user=people.other_editor, language="uk", weekly_digest=True, acting_user=people.other_editor
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        question = services.comment_post(
            article=shared.article,
            office=other_office,
            body="Wie zählt ihr die Punkte?",
            question=True,
            acting_user=people.other_editor,
        )
    assert [(n.user, n.kind) for n in Notification.objects.filter(comment=question)] == [
        (people.editor, Notification.Kind.COMMENT)
    ]
    assert [m.to for m in mail.outbox] == [["editor@example.org"]]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.comment_post(
            article=shared.article,
            office=office,
            body="Mit der Tabelle, @" + people.second.username + " weiß mehr.",
            parent=question,
            acting_user=people.editor,
        )
    kinds = {n.user: n.kind for n in Notification.objects.filter(comment=reply)}
    assert kinds == {
        people.other_editor: Notification.Kind.REPLY,
        people.second: Notification.Kind.MENTION,
    }
    # The reply reaches the asker in her language (Ukrainian).
    assert [m.to for m in mail.outbox] == [["other@example.org"]]
    assert "відповів" in mail.outbox[0].subject or "відповіла" in mail.outbox[0].subject
    assert [c.pk for c in selectors.comments_of(shared.article)] == [question.pk]
    assert [r.pk for r in selectors.comments_of(shared.article)[0].replies.all()] == [reply.pk]


def test_only_people_who_can_see_the_article_can_be_mentioned(office, other_office, people):
    private = publish(write(office, people.editor), approver=people.second)
    with pytest.raises(MentionUnknown):
        services.comment_post(
            article=private.article,
            office=office,
            body=f"@{people.other_editor.username} bitte ansehen",
            acting_user=people.editor,
        )
    with pytest.raises(MentionUnknown):
        services.comment_post(
            article=private.article,
            office=office,
            body="@niemand-da hallo",
            acting_user=people.editor,
        )
    assert not private.article.comments.exists()


def test_how_do_the_others_do_it(office, other_office, people, chancenkarte):
    services.note_post(
        office=office,
        service=chancenkarte,
        since=date(2024, 3, 1),
        text="Seit März: Vorsprache nur bis 10:00",
        acting_user=people.editor,
    )
    services.note_post(
        office=other_office,
        service=chancenkarte,
        since=date(2024, 4, 1),
        text="Nur mit Termin",
        acting_user=people.other_editor,
    )
    services.note_post(
        office=other_office,
        service=chancenkarte,
        since=date(2024, 5, 1),
        text="Intern",
        shared=False,
        acting_user=people.other_editor,
    )
    notes = selectors.others_notes(chancenkarte)
    assert [(n.office, n.text) for n in notes] == [
        (other_office, "Nur mit Termin"),
        (office, "Seit März: Vorsprache nur bis 10:00"),
    ] or [(n.office, n.text) for n in notes] == [
        (office, "Seit März: Vorsprache nur bis 10:00"),
        (other_office, "Nur mit Termin"),
    ]
