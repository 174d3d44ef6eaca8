from datetime import date
from types import SimpleNamespace

import pytest
from django_scopes import scopes_disabled

from schalter.accounts.roles import Role
from schalter.catalog.models import Service
from schalter.knowledge import services


@pytest.fixture(autouse=True)
def _no_scope():
    # Services are called as views call them, across offices where the rules allow it.
    with scopes_disabled():
        yield


@pytest.fixture
def chancenkarte(db) -> Service:
    return Service.objects.get_or_create(
        slug="chancenkarte", defaults={"name": {"de": "Chancenkarte", "en": "Opportunity card"}}
    )[0]


@pytest.fixture
def people(office, other_office, make_staff):
    return SimpleNamespace(
        editor=make_staff(office, Role.KNOWLEDGE_EDITOR),
        second=make_staff(office, Role.KNOWLEDGE_EDITOR),
        lead=make_staff(office, Role.TEAM_LEAD),
        caseworker=make_staff(office, Role.CASEWORKER),
        front=make_staff(office, Role.FRONT_DESK),
        other_editor=make_staff(other_office, Role.KNOWLEDGE_EDITOR),
        other_caseworker=make_staff(other_office, Role.CASEWORKER),
        other_lead=make_staff(other_office, Role.TEAM_LEAD),
    )


def publish(revision, *, approver):
    """Submit and approve through the services, as two people would."""
    from schalter.knowledge import selectors

    revision = services.revision_submit(revision=revision, acting_user=revision.author)
    head = selectors.head_revision(revision.article)
    return services.revision_approve(revision=revision, seen_head_id=head.pk, acting_user=approver)


def write(office, author, *, title="Chancenkarte", body="Text", start=date(2024, 6, 1), **kw):
    return services.article_create(
        office=office, title=title, body=body, effective_from=start, acting_user=author, **kw
    )
