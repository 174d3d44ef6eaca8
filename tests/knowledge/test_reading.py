"""Required reading, reminders, material changes, banners and the weekly digest."""

from datetime import date, timedelta

from django.conf import settings
from django.core import mail
from django.utils import timezone

from schalter.accounts.roles import Role
from schalter.knowledge import selectors, services, tasks
from schalter.knowledge.models import Visibility
from tests.knowledge.conftest import publish, write


def test_required_reading_confirmed_and_reset_by_a_material_change(
    office, people, django_capture_on_commit_callbacks
):
    people.caseworker.email = "cw@example.org"
    people.caseworker.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first = publish(
            write(office, people.editor, required_roles=[Role.CASEWORKER]), approver=people.second
        )
    article = first.article
    assert [m.to for m in mail.outbox] == [["cw@example.org"]]  # asked to read on publication
    link = f"{settings.SCHALTER_PUBLIC_URL}/staff/{office.slug}/knowledge/{first.article.pk}/"
    assert link in mail.outbox[0].body  # a link her mail program opens, not a bare path
    assert selectors.reading_due(people.caseworker, office) == [article]
    assert selectors.reading_due(people.front, office) == []  # not her role
    status = selectors.reading_status(office)[0]
    assert status.missing == [people.caseworker]
    services.read_confirm(article=article, acting_user=people.caseworker)
    assert selectors.reading_due(people.caseworker, office) == []
    assert selectors.reading_status(office)[0].missing == []
    # A correction of a typo keeps the confirmation; a material change asks again.
    typo = services.article_revise(
        article=article, base_id=first.pk, title=first.title, body="Text.",
        effective_from=first.effective_from, acting_user=people.editor,
    )  # fmt: skip
    publish(typo, approver=people.second)
    assert selectors.reading_due(people.caseworker, office) == []
    material = services.article_revise(
        article=article, base_id=typo.pk, title=first.title, body="Ganz neu.",
        effective_from=first.effective_from, material=True, acting_user=people.editor,
    )  # fmt: skip
    publish(material, approver=people.second)
    assert selectors.reading_due(people.caseworker, office) == [article]
    mail.outbox.clear()
    assert tasks.reading_reminders_task.call() == 1
    assert [m.to for m in mail.outbox] == [["cw@example.org"]]
    services.read_confirm(article=article, acting_user=people.caseworker)
    assert tasks.reading_reminders_task.call() == 0


def test_banner_from_the_set_number_of_days_before_a_change(office, people, chancenkarte):
    services.policy_set(office=office, four_eyes=True, banner_days=14, acting_user=people.lead)
    start = date(2024, 7, 1)
    publish(
        write(office, people.editor, start=start, services=[chancenkarte]), approver=people.lead
    )
    assert selectors.banners_for(office, [chancenkarte], on=start - timedelta(days=15)) == []
    banners = selectors.banners_for(office, [chancenkarte], on=start - timedelta(days=14))
    assert [(b.title, b.effective_from) for b in banners] == [("Chancenkarte", start)]
    assert selectors.banners_for(office, [chancenkarte], on=start)
    assert selectors.banners_for(office, [chancenkarte], on=start + timedelta(days=1)) == []
    assert selectors.banners_for(office, [], on=start) == []


def test_weekly_digest_in_her_language_with_only_what_she_may_see(office, other_office, people):
    people.caseworker.email = "cw@example.org"
    people.caseworker.save()
    services.reader_set(
        user=people.caseworker, language="uk", weekly_digest=True, acting_user=people.caseworker
    )
    own = publish(write(office, people.editor, title="Eigene Regel"), approver=people.second)
    shared = publish(
        write(
            other_office, people.other_editor, title="Geteilte Regel", visibility=Visibility.SHARED
        ),
        approver=people.other_lead,
    )
    hidden = publish(
        write(other_office, people.other_editor, title="Fremde Regel"), approver=people.other_lead
    )
    write(office, people.editor, title="Entwurfsregel")
    services.comment_post(
        article=own.article, office=office, body="Gilt das auch für Kinder?", question=True,
        acting_user=people.front,
    )  # fmt: skip
    mail.outbox.clear()
    assert tasks.weekly_digest_task.call() >= 1
    sent = [m for m in mail.outbox if m.to == ["cw@example.org"]]
    assert len(sent) == 1
    body = sent[0].body
    assert own.title in body and shared.title in body and "Kinder" in body
    assert hidden.title not in body and "Entwurfsregel" not in body
    assert "Нові" in body or "нові" in body.lower()  # Ukrainian headings
    # Next week: nothing new, nothing sent.
    mail.outbox.clear()
    selectors.digest_for(people.caseworker, timezone.now())
    tasks.weekly_digest_task.call()
    assert not [m for m in mail.outbox if m.to == ["cw@example.org"] and own.title in m.body]
