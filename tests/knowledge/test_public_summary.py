"""What changed for you: the approved public summary on the service pages of the owning and the
adopting office while it is relevant, in the reader's language; translation status per
language (missing; outdated once the German text changes)."""

from datetime import timedelta

import time_machine
from django.utils import timezone

from schalter.accounts.actors import COMMAND
from schalter.appointments import services as booking
from schalter.content.selectors import Status
from schalter.knowledge import selectors, services
from schalter.knowledge.models import Visibility
from tests.knowledge.conftest import publish, write


def offer(office, service):
    booking.office_service_set(
        office=office, service=service, duration_minutes=15, acting_user=COMMAND
    )


def test_summary_shown_after_approval_on_owning_and_adopting_offices(
    client, office, other_office, people, chancenkarte
):
    offer(office, chancenkarte)
    offer(other_office, chancenkarte)
    start = timezone.localdate() + timedelta(days=10)
    revision = write(
        office,
        people.editor,
        start=start,
        services=[chancenkarte],
        visibility=Visibility.SHARED,
        public_summary={"de": "Ab Juni gilt Neues.", "uk": "З червня діють нові правила."},
    )
    page = f"/uk/{office.slug}/services/{chancenkarte.slug}/"
    assert "З червня" not in client.get(page).content.decode()  # not approved yet
    publish(revision, approver=people.second)
    assert "З червня" in client.get(page).content.decode()
    assert (
        "Ab Juni gilt Neues."
        in client.get(f"/de/{office.slug}/services/{chancenkarte.slug}/").content.decode()
    )
    services.article_adopt(
        original=revision.article, office=other_office, acting_user=people.other_editor
    )
    assert (
        "З червня"
        in client.get(f"/uk/{other_office.slug}/services/{chancenkarte.slug}/").content.decode()
    )
    # No longer relevant a few months after the change took effect.
    with time_machine.travel(start + timedelta(days=selectors.SUMMARY_RELEVANT_DAYS + 1)):
        assert "З червня" not in client.get(page).content.decode()


def test_translation_status_missing_then_outdated(office, people):
    first = write(office, people.editor, public_summary={"de": "Neu.", "uk": "Нове."})
    statuses = selectors.summary_statuses(first.article, first)
    assert statuses["uk"] == Status.CURRENT and statuses["ar"] == Status.MISSING
    second = services.article_revise(
        article=first.article, base_id=first.pk, title=first.title, body=first.body,
        effective_from=first.effective_from, public_summary={"de": "Ganz neu.", "uk": "Нове."},
        acting_user=people.editor,
    )  # fmt: skip
    assert selectors.summary_statuses(second.article, second)["uk"] == Status.OUTDATED
    third = services.article_revise(
        article=first.article, base_id=second.pk, title=first.title, body=first.body,
        effective_from=first.effective_from,
        public_summary={"de": "Ganz neu.", "uk": "Зовсім нове."},
        acting_user=people.editor,
    )  # fmt: skip
    assert selectors.summary_statuses(third.article, third)["uk"] == Status.CURRENT
