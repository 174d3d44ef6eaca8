"""Writes of the knowledge base: articles and their revisions, the four-eyes approval, adoption,
required reading, comments with notifications, practice notes and the office's policy.

Every edit is a new revision (nothing is changed in place); every write checks its rules here,
writes its audit row in the same transaction and queues mail after the commit."""

import re
from datetime import date

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from schalter.accounts.actors import Actor
from schalter.accounts.roles import Capability
from schalter.accounts.services import audit_record
from schalter.catalog.models import Service
from schalter.content.models import TranslationState
from schalter.content.texts import SOURCE_LANGUAGE, sanitise, source_hash
from schalter.knowledge import actions, selectors, tasks
from schalter.knowledge.analysis import document
from schalter.knowledge.errors import (
    BadPeriod,
    ChangedSinceOpened,
    EditConflict,
    EmptyTitle,
    KnowledgeError,
    MentionUnknown,
    NotApprover,
    NotShared,
    NotVisible,
    OwnApproval,
    TooLarge,
    WrongState,
)
from schalter.knowledge.legal import references_in
from schalter.knowledge.models import (
    OFFICE_ROLE_CHOICES,
    PUBLIC_STATES,
    Article,
    Comment,
    KnowledgePolicy,
    Notification,
    PracticeNote,
    ReadConfirmation,
    Reader,
    Revision,
    RevisionState,
    SearchEntry,
    Visibility,
)
from schalter.knowledge.render import body_too_large
from schalter.languages import LANGUAGE_CODES
from schalter.offices.models import Office

MAX_COMMENT_LENGTH = 10_000
MENTION = re.compile(r"(?<![\w@])@([\w.+-]{2,150})")
OFFICE_ROLES = {value for value, _label in OFFICE_ROLE_CHOICES}


def _user(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) and actor.is_authenticated else None


def index_terms(revision: Revision) -> str:
    """The analysed terms a revision is found by (bulk loaders store them as `_index` does)."""
    texts = [
        revision.title,
        revision.title,  # the title counts twice in the ranking
        revision.body,
        " ".join(str(ref.get("text", "")) for ref in revision.legal_references),
        " ".join(revision.article.tags),
        revision.public_summary.get(SOURCE_LANGUAGE, ""),
    ]
    return document(texts)


def index_shared(revision: Revision) -> bool:
    """Whether every office may find the revision (as selectors.sees decides for articles)."""
    return revision.article.visibility == Visibility.SHARED and revision.state in PUBLIC_STATES


def _index(revision: Revision) -> None:
    """Store the revision's analysed terms (the search reads nothing else)."""
    SearchEntry.objects.update_or_create(
        revision=revision,
        defaults={
            "terms": index_terms(revision),
            "article_id": revision.article_id,
            "office_id": revision.article.office_id,
            "shared": index_shared(revision),
        },
    )


def _index_access(article: Article) -> None:
    """After a change of state or visibility: who may find each revision."""
    entries = SearchEntry.objects.filter(article=article)
    entries.update(shared=False)
    if article.visibility == Visibility.SHARED:
        entries.filter(revision__state__in=PUBLIC_STATES).update(shared=True)


def _clean_summary(summary: dict[str, str] | None) -> dict[str, str]:
    return {
        language: clean
        for language, text in (summary or {}).items()
        if language in LANGUAGE_CODES and (clean := sanitise(text, multiline=True))
    }


def _record_translations(
    article: Article, before: dict[str, str], after: dict[str, str], *, acting_user: Actor
) -> None:
    """The content app's translation states for the public summary: a translation saved (new or
    changed) is made from the German text as it is now; one left alone while the German text
    changed keeps the German it was made from, so it shows as outdated."""
    states = TranslationState.objects.filter(
        object_type=selectors.SUMMARY_STATE_KIND,
        object_id=article.pk,
        field=selectors.SUMMARY_FIELD,
    )
    german_before, german_after = before.get(SOURCE_LANGUAGE, ""), after.get(SOURCE_LANGUAGE, "")
    recorded = set(states.values_list("language", flat=True))
    for language, text in after.items():
        if language == SOURCE_LANGUAGE:
            continue
        if text != before.get(language) or (
            language not in recorded and german_before == german_after
        ):
            TranslationState.objects.update_or_create(
                object_type=selectors.SUMMARY_STATE_KIND,
                object_id=article.pk,
                field=selectors.SUMMARY_FIELD,
                language=language,
                defaults={
                    "source_hash": source_hash(german_after),
                    "updated_by": _user(acting_user),
                },
            )
        elif language not in recorded:
            TranslationState.objects.create(
                object_type=selectors.SUMMARY_STATE_KIND,
                object_id=article.pk,
                field=selectors.SUMMARY_FIELD,
                language=language,
                source_hash=source_hash(german_before),
            )
    states.exclude(language__in=list(after)).delete()


def _check_text(title: str, body: str, effective_from: date, effective_until: date | None) -> str:
    title = sanitise(title, multiline=False)
    if not title:
        raise EmptyTitle(field="title")
    if body_too_large(body):
        raise TooLarge(field="body")
    if effective_until is not None and effective_until <= effective_from:
        raise BadPeriod(field="effective_until")
    return title


def _new_revision(
    *,
    article: Article,
    base: Revision | None,
    title: str,
    body: str,
    effective_from: date,
    effective_until: date | None,
    public_summary: dict[str, str] | None,
    material: bool,
    acting_user: Actor,
) -> Revision:
    title = _check_text(title, body, effective_from, effective_until)
    summary = _clean_summary(public_summary)
    last = article.revisions.order_by("-number").first()
    revision = Revision.objects.create(
        article=article,
        number=(last.number + 1) if last else 1,
        base=base,
        title=title,
        body=body.replace("\r\n", "\n"),
        legal_references=[reference.as_dict() for reference in references_in(body + "\n" + title)],
        effective_from=effective_from,
        effective_until=effective_until,
        public_summary=summary,
        material=material,
        author=_user(acting_user),
    )
    _record_translations(
        article, last.public_summary if last else {}, summary, acting_user=acting_user
    )
    _index(revision)
    return revision


def _services(services: list[Service] | None) -> list[Service]:
    return list(services or [])


def _roles(roles: list[str] | None) -> list[str]:
    return sorted(set(roles or []) & OFFICE_ROLES)


@transaction.atomic
def article_create(
    *,
    office: Office,
    title: str,
    body: str,
    effective_from: date,
    effective_until: date | None = None,
    services: list[Service] | None = None,
    tags: list[str] | None = None,
    visibility: str = Visibility.PRIVATE,
    next_review: date | None = None,
    public_summary: dict[str, str] | None = None,
    required_roles: list[str] | None = None,
    acting_user: Actor,
) -> Revision:
    """A new article with its first revision, a draft."""
    article = Article.objects.create(
        office=office,
        visibility=Visibility(visibility),
        owner=_user(acting_user),
        tags=[sanitise(tag, multiline=False) for tag in tags or [] if tag.strip()],
        next_review=next_review,
        required_roles=_roles(required_roles),
    )
    article.services.set(_services(services))
    revision = _new_revision(
        article=article,
        base=None,
        title=title,
        body=body,
        effective_from=effective_from,
        effective_until=effective_until,
        public_summary=public_summary,
        material=False,
        acting_user=acting_user,
    )
    audit_record(
        office=office,
        acting_user=acting_user,
        action=actions.ARTICLE_CREATED,
        target=article,
        data={"revision": revision.number, "visibility": article.visibility},
    )
    return revision


@transaction.atomic
def article_revise(
    *,
    article: Article,
    base_id: int | None,
    title: str,
    body: str,
    effective_from: date,
    effective_until: date | None = None,
    public_summary: dict[str, str] | None = None,
    material: bool = False,
    acting_user: Actor,
) -> Revision:
    """A new draft revision of `article`, written from revision `base_id` (what the editor
    opened). If someone saved a newer revision since, nothing is written: EditConflict names
    the newer one so the editor sees the difference."""
    with scopes_disabled():  # an article is written by its own office; the lock is by id
        locked = Article.objects.select_for_update().get(pk=article.pk)
    head = selectors.head_revision(locked)
    if (head.pk if head else None) != base_id:
        raise EditConflict(head_id=head.pk if head else 0)
    revision = _new_revision(
        article=locked,
        base=head,
        title=title,
        body=body,
        effective_from=effective_from,
        effective_until=effective_until,
        public_summary=public_summary,
        material=material,
        acting_user=acting_user,
    )
    audit_record(
        office=locked.office,
        acting_user=acting_user,
        action=actions.ARTICLE_REVISED,
        target=locked,
        data={"revision": revision.number, "material": material},
    )
    return revision


@transaction.atomic
def article_settings_set(
    *,
    article: Article,
    visibility: str,
    services: list[Service],
    tags: list[str],
    next_review: date | None,
    required_roles: list[str],
    acting_user: Actor,
) -> Article:
    article.visibility = Visibility(visibility)
    article.tags = [sanitise(tag, multiline=False) for tag in tags if tag.strip()]
    article.next_review = next_review
    article.required_roles = _roles(required_roles)
    article.save(update_fields=["visibility", "tags", "next_review", "required_roles"])
    article.services.set(services)
    _index_access(article)
    audit_record(
        office=article.office,
        acting_user=acting_user,
        action=actions.ARTICLE_SETTINGS,
        target=article,
        data={"visibility": article.visibility, "required_roles": article.required_roles},
    )
    return article


@transaction.atomic
def revision_submit(*, revision: Revision, acting_user: Actor) -> Revision:
    """Ask a second person to approve (four-eyes); without four-eyes it is published at once."""
    locked = (
        Revision.objects.select_for_update().select_related("article__office").get(pk=revision.pk)
    )
    if locked.state != RevisionState.DRAFT:
        raise WrongState
    locked.state = RevisionState.IN_REVIEW
    locked.save(update_fields=["state"])
    _index_access(locked.article)
    audit_record(
        office=locked.article.office,
        acting_user=acting_user,
        action=actions.ARTICLE_SUBMITTED,
        target=locked.article,
        data={"revision": locked.number},
    )
    if not selectors.policy_of(locked.article.office).four_eyes:
        return _publish(locked, acting_user=acting_user)
    return locked


def _publish(revision: Revision, *, acting_user: Actor) -> Revision:
    revision.state = RevisionState.PUBLISHED
    revision.approved_by = _user(acting_user)
    revision.approved_at = timezone.now()
    revision.save(update_fields=["state", "approved_by", "approved_at"])
    _index_access(revision.article)
    audit_record(
        office=revision.article.office,
        acting_user=acting_user,
        action=actions.ARTICLE_APPROVED,
        target=revision.article,
        data={"revision": revision.number, "material": revision.material},
    )
    return revision


@transaction.atomic
def revision_approve(*, revision: Revision, seen_head_id: int, acting_user: Actor) -> Revision:
    """Publish a revision in review. The approver is a second person (another knowledge editor
    or a team lead of the article's office); the article must not have changed since she
    opened it (`seen_head_id`: its newest revision then)."""
    locked = (
        Revision.objects.select_for_update().select_related("article__office").get(pk=revision.pk)
    )
    article = locked.article
    user = _user(acting_user)
    if user is None or not selectors.may(user, article.office, Capability.APPROVE_KNOWLEDGE):
        raise NotApprover
    four_eyes = selectors.policy_of(article.office).four_eyes
    if four_eyes and locked.author_id == user.pk:
        raise OwnApproval
    if locked.state != RevisionState.IN_REVIEW:
        raise WrongState
    head = selectors.head_revision(article)
    if head is None or head.pk != seen_head_id or head.pk != locked.pk:
        raise ChangedSinceOpened
    published = _publish(locked, acting_user=acting_user)
    if article.required_roles:
        transaction.on_commit(lambda: tasks.reading_required_mail_task.enqueue(article.pk))
    return published


@transaction.atomic
def article_archive(*, article: Article, acting_user: Actor) -> Article:
    article.archived = True
    article.save(update_fields=["archived"])
    article.revisions.filter(state=RevisionState.PUBLISHED).update(state=RevisionState.ARCHIVED)
    _index_access(article)
    audit_record(
        office=article.office,
        acting_user=acting_user,
        action=actions.ARTICLE_ARCHIVED,
        target=article,
    )
    return article


@transaction.atomic
def article_adopt(*, original: Article, office: Office, acting_user: Actor) -> Article:
    """Adopt another office's shared article: the adoption shows the original's valid text
    (following its changes) and this office's local practice, written as its own revisions."""
    if original.office_id == office.pk or original.adopted_from_id is not None:
        raise NotShared
    if original.visibility != Visibility.SHARED or not selectors.sees(office, original):
        raise NotShared
    existing = selectors.adoption_of(office, original)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            adoption = Article.objects.create(
                office=office,
                visibility=Visibility.PRIVATE,
                owner=_user(acting_user),
                tags=list(original.tags),
                adopted_from=original,
            )
    except IntegrityError:  # adopted at the same moment by a colleague
        found = selectors.adoption_of(office, original)
        assert found is not None
        return found
    adoption.services.set(original.services.all())
    audit_record(
        office=office,
        acting_user=acting_user,
        action=actions.ARTICLE_ADOPTED,
        target=adoption,
        data={"original": original.pk, "from_office": original.office_id},
    )
    return adoption


@transaction.atomic
def read_confirm(*, article: Article, acting_user: Actor) -> ReadConfirmation | None:
    """One click: the person read the article as it is published now."""
    user = _user(acting_user)
    revision = selectors.reading_revision(article)
    if user is None or revision is None:
        return None
    confirmation, created = ReadConfirmation.objects.get_or_create(
        article=article, user=user, revision=revision
    )
    if created:
        audit_record(
            office=article.office,
            acting_user=acting_user,
            action=actions.ARTICLE_READ,
            target=article,
            data={"revision": revision.number},
        )
    return confirmation


@transaction.atomic
def comment_post(
    *,
    article: Article,
    office: Office,
    body: str,
    parent: Comment | None = None,
    question: bool = False,
    acting_user: Actor,
) -> Comment:
    """A comment or question on an article (from any office that may see it), or a reply.
    `@name` mentions someone; only people who may see the article can be mentioned. The
    article's owner, the author of the comment answered and everyone mentioned are notified."""
    author = _user(acting_user)
    if not selectors.sees(office, article):
        raise NotVisible
    text = sanitise(body, multiline=True)
    if not text:
        raise KnowledgeError(_("Write something first."), field="body")
    if len(text) > MAX_COMMENT_LENGTH:
        raise TooLarge(field="body")
    if parent is not None and parent.article_id != article.pk:
        raise NotVisible
    names = sorted(set(MENTION.findall(text)))
    readers = {
        user.username: user for user in selectors.readers_of(article).filter(username__in=names)
    }
    if unknown := [name for name in names if name not in readers]:
        raise MentionUnknown(
            _("%(names)s cannot see this article and cannot be mentioned.")
            % {"names": ", ".join("@" + name for name in unknown)},
            field="body",
        )
    comment = Comment.objects.create(
        article=article,
        office=office,
        author=author,
        parent=parent,
        question=question and parent is None,
        body=text,
    )
    comment.mentions.set(readers.values())
    told: dict[int, str] = {user.pk: Notification.Kind.MENTION for user in readers.values()}
    if parent is not None and parent.author_id:
        told.setdefault(parent.author_id, Notification.Kind.REPLY)
    if article.owner_id:
        told.setdefault(article.owner_id, Notification.Kind.COMMENT)
    if author is not None:
        told.pop(author.pk, None)
    Notification.objects.bulk_create(
        Notification(user_id=user_id, comment=comment, kind=kind) for user_id, kind in told.items()
    )
    audit_record(
        office=office,
        acting_user=acting_user,
        action=actions.COMMENT_POSTED,
        target=comment,
        data={"article": article.pk, "reply": parent is not None, "mentions": len(readers)},
    )
    if told:
        transaction.on_commit(lambda: tasks.comment_mail_task.enqueue(comment.pk))
    return comment


@transaction.atomic
def notifications_read(*, user: User, acting_user: Actor) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def note_post(
    *,
    office: Office,
    service: Service,
    since: date,
    text: str,
    shared: bool = True,
    acting_user: Actor,
) -> PracticeNote:
    clean = sanitise(text, multiline=True)
    if not clean:
        raise KnowledgeError(_("Write something first."), field="text")
    if len(clean) > MAX_COMMENT_LENGTH:
        raise TooLarge(field="text")
    note = PracticeNote.objects.create(
        office=office,
        service=service,
        since=since,
        text=clean,
        shared=shared,
        author=_user(acting_user),
    )
    audit_record(
        office=office,
        acting_user=acting_user,
        action=actions.NOTE_POSTED,
        target=note,
        data={"service": service.pk, "shared": shared},
    )
    return note


@transaction.atomic
def policy_set(
    *, office: Office, four_eyes: bool, banner_days: int, acting_user: Actor
) -> KnowledgePolicy:
    with scopes_disabled():
        policy, _created = KnowledgePolicy.objects.update_or_create(
            office=office,
            defaults={
                "four_eyes": four_eyes,
                "banner_days": max(0, min(banner_days, selectors.MAX_BANNER_DAYS)),
            },
        )
    audit_record(
        office=office,
        acting_user=acting_user,
        action=actions.POLICY_CHANGED,
        target=policy,
        data={"four_eyes": four_eyes, "banner_days": policy.banner_days},
    )
    return policy


@transaction.atomic
def reader_set(*, user: User, language: str, weekly_digest: bool, acting_user: Actor) -> Reader:
    reader, _created = Reader.objects.update_or_create(
        user=user,
        defaults={
            "language": language if language in LANGUAGE_CODES else "de",
            "weekly_digest": weekly_digest,
        },
    )
    return reader
