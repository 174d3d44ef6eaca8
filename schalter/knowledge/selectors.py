"""Reads of the knowledge base. What an office sees: its own articles (every revision, drafts
too) and the articles other offices share (their published and archived revisions only), never
another office's private articles or drafts. Cross-office reads say so (`scopes_disabled`)."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django_scopes import scopes_disabled

from schalter.accounts.models import Membership
from schalter.accounts.roles import Capability, capabilities_of
from schalter.catalog.models import Service
from schalter.content.models import TranslationState
from schalter.content.selectors import Status
from schalter.content.texts import SOURCE_LANGUAGE, TRANSLATION_LANGUAGES, source_hash
from schalter.knowledge.diff import SideBySide, word_diff
from schalter.knowledge.models import (
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
    Visibility,
)
from schalter.languages import translated_key
from schalter.offices import parts
from schalter.offices.models import Office

SUMMARY_STATE_KIND = "knowledge_article"  # TranslationState.object_type of public summaries
SUMMARY_FIELD = "public_summary"
# A summary stays on the public pages this long after its change took effect (unless it ends).
SUMMARY_RELEVANT_DAYS = 90
MAX_BANNER_DAYS = 365  # the policy's banner_days are capped at this (services.policy_set)
KNOWLEDGE = "knowledge"  # the part's name (knowledge/parts.py)


def policy_of(office: Office) -> KnowledgePolicy:
    with scopes_disabled():
        found = KnowledgePolicy.objects.filter(office=office).first()
    return found or KnowledgePolicy(office=office)


def roles_in(user: User, office: Office) -> frozenset[str]:
    return frozenset(
        Membership.objects.filter(user=user, office=office).values_list("role", flat=True)
    )


def may(user: User, office: Office, capability: str) -> bool:
    return any(capability in capabilities_of(role) for role in roles_in(user, office))


def _published() -> Exists:
    return Exists(Revision.objects.filter(article=OuterRef("pk"), state__in=PUBLIC_STATES))


def visible_articles(office: Office) -> QuerySet[Article]:
    """Every article `office` may read: its own and the published ones other offices share."""
    with scopes_disabled():
        return Article.objects.filter(
            Q(office=office) | (Q(visibility=Visibility.SHARED) & _published())
        )


def article_for(office: Office, pk: int) -> Article:
    """404 alike for an article that does not exist and one this office may not see."""
    with scopes_disabled():
        found = (
            visible_articles(office)
            .filter(pk=pk)
            .select_related("office", "adopted_from", "adopted_from__office", "owner")
            .first()
        )
    if found is None:
        raise Http404
    return found


def sees(office: Office, article: Article) -> bool:
    return visible_articles(office).filter(pk=article.pk).exists()


def revisions_for(office: Office, article: Article) -> list[Revision]:
    """The history as `office` may read it, newest first."""
    revisions = article.revisions.select_related("author", "approved_by").order_by("-number")
    if article.office_id != office.pk:
        revisions = revisions.filter(state__in=PUBLIC_STATES)
    return list(revisions)


def revision_for(office: Office, article: Article, pk: int) -> Revision:
    for revision in revisions_for(office, article):
        if revision.pk == pk:
            return revision
    raise Http404


def head_revision(article: Article) -> Revision | None:
    """The newest revision, whatever its state: what the next edit starts from."""
    return article.revisions.order_by("-number").first()


def valid_revision(article: Article, on: date) -> Revision | None:
    """The published revision in force on `on`: the one that took effect last on or before it
    and has not ended. A change written and approved ahead shows only from its date."""
    return (
        article.revisions.filter(state=RevisionState.PUBLISHED, effective_from__lte=on)
        .filter(Q(effective_until__isnull=True) | Q(effective_until__gt=on))
        .order_by("-effective_from", "-number")
        .first()
    )


def upcoming_revision(article: Article, on: date) -> Revision | None:
    """An approved change that takes effect after `on`, the nearest first."""
    return (
        article.revisions.filter(state=RevisionState.PUBLISHED, effective_from__gt=on)
        .order_by("effective_from", "number")
        .first()
    )


def latest_published(article: Article) -> Revision | None:
    return article.revisions.filter(state=RevisionState.PUBLISHED).order_by("-number").first()


def in_review(article: Article) -> Revision | None:
    return article.revisions.filter(state=RevisionState.IN_REVIEW).order_by("-number").first()


@dataclass(frozen=True)
class ArticleView:
    """An article as one office reads it on one day."""

    article: Article
    revision: Revision | None  # valid on the day (for an adoption: its local practice)
    upcoming: Revision | None
    original: Revision | None = None  # an adoption: the original's text valid on the day
    original_upcoming: Revision | None = None

    @property
    def title(self) -> str:
        for revision in (self.original, self.revision, self.upcoming, self.original_upcoming):
            if revision is not None:
                return revision.title
        head = head_revision(self.article)
        return head.title if head else ""


def article_view(article: Article, on: date) -> ArticleView:
    own = valid_revision(article, on)
    upcoming = upcoming_revision(article, on)
    if article.adopted_from_id is None:
        return ArticleView(article, own, upcoming)
    original = article.adopted_from
    assert original is not None
    return ArticleView(
        article,
        own,
        upcoming,
        original=valid_revision(original, on),
        original_upcoming=upcoming_revision(original, on),
    )


def adoption_of(office: Office, article: Article) -> Article | None:
    with scopes_disabled():
        return Article.objects.filter(office=office, adopted_from=article).first()


def compare(old: Revision, new: Revision) -> dict[str, SideBySide]:
    """Side by side, word by word: title, text, references, dates and summary."""

    def period(revision: Revision) -> str:
        until = revision.effective_until.isoformat() if revision.effective_until else "…"
        return f"{revision.effective_from.isoformat()} – {until}"

    def references(revision: Revision) -> str:
        return "; ".join(str(ref.get("text", "")) for ref in revision.legal_references)

    return {
        "title": word_diff(old.title, new.title),
        "body": word_diff(old.body, new.body),
        "references": word_diff(references(old), references(new)),
        "period": word_diff(period(old), period(new)),
        "summary": word_diff(
            old.public_summary.get(SOURCE_LANGUAGE, ""), new.public_summary.get(SOURCE_LANGUAGE, "")
        ),
    }


# --- links in Markdown --------------------------------------------------------------------------


def link_target(office: Office, kind: str, key: str) -> tuple[str, int] | None:
    """What an `article:<id>` or `service:<slug>` link in an article names (its id), if it
    exists and the office may see (or offers) it."""
    if kind == "article" and key.isdigit():
        if visible_articles(office).filter(pk=int(key)).exists():
            return ("article", int(key))
        return None
    if kind == "service":
        found = services_offered_by(office).filter(slug=key).values_list("pk", flat=True).first()
        return ("service", found) if found is not None else None
    return None


# --- who may be mentioned, who reads ------------------------------------------------------------


def readers_of(article: Article) -> QuerySet[User]:
    """Everyone who may read the article: members of its office, and for a shared article the
    members of every office."""
    memberships = Membership.objects.filter(office__isnull=False)
    if article.visibility != Visibility.SHARED:
        memberships = memberships.filter(office_id=article.office_id)
    return User.objects.filter(is_active=True, pk__in=memberships.values("user_id")).distinct()


def required_readers(article: Article) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True,
        memberships__office_id=article.office_id,
        memberships__role__in=article.required_roles or ["-"],
    ).distinct()


def reading_revision(article: Article) -> Revision | None:
    """What a required reader must have confirmed: the newest published revision."""
    return latest_published(article)


def material_threshold(article: Article) -> Revision | None:
    """Confirmations older than the last material change (or the first publication) count no
    more."""
    published = article.revisions.filter(state=RevisionState.PUBLISHED)
    return (
        published.filter(material=True).order_by("-number").first()
        or published.order_by("number").first()
    )


def has_read(user: User, article: Article) -> bool:
    threshold = material_threshold(article)
    if threshold is None:
        return True
    return ReadConfirmation.objects.filter(
        article=article, user=user, revision__number__gte=threshold.number
    ).exists()


def reading_due(user: User, office: Office, roles: frozenset[str] | None = None) -> list[Article]:
    """The office's articles this person must read and has not (since their last material
    change), each with its latest published title as `published_title` (in the same query).
    `roles`: hers in the office, when the caller knows them already."""
    roles = roles_in(user, office) if roles is None else roles
    if not roles:
        return []
    with scopes_disabled():
        # Only the few articles with required reading are read in full (every page view asks).
        asked = (
            Article.objects.filter(office=office, archived=False)
            .exclude(required_roles=[])
            .values_list("pk", "required_roles")
        )
        mine = [pk for pk, required in asked if set(required) & roles]
        if not mine:
            return []
        titles = Revision.objects.filter(article=OuterRef("pk"), state=RevisionState.PUBLISHED)
        articles = (
            Article.objects.filter(pk__in=mine)
            .filter(_published())
            .annotate(published_title=Subquery(titles.order_by("-number").values("title")[:1]))
        )
        return [article for article in articles if not has_read(user, article)]


@dataclass(frozen=True)
class ReadingStatus:
    article: Article
    title: str
    missing: list[User] = field(default_factory=list)
    confirmed: int = 0


def reading_status(office: Office) -> list[ReadingStatus]:
    """For leads: per article with required reading, who has not read it yet."""
    with scopes_disabled():
        articles = list(
            Article.objects.filter(office=office, archived=False)
            .exclude(required_roles=[])
            .filter(_published())
        )
    result = []
    for article in articles:
        readers = list(required_readers(article).order_by("last_name", "username"))
        missing = [user for user in readers if not has_read(user, article)]
        head = latest_published(article)
        result.append(
            ReadingStatus(article, head.title if head else "", missing, len(readers) - len(missing))
        )
    return result


# --- banners ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Banner:
    article: Article  # the office's own article (or its adoption)
    title: str
    effective_from: date
    service_names: tuple[str, ...]


def services_offered_by(office: Office) -> QuerySet[Service]:
    """The catalogue services `office` offers, unevaluated (banners_for reads it as a subquery)."""
    return Service.objects.filter(office_services__office=office, office_services__enabled=True)


def banners_for(
    office: Office, services: "Iterable[Service] | QuerySet[Service]", *, on: date
) -> list[Banner]:
    """Changes that take effect on one of `services` within the office's banner period (from
    `banner_days` before their date until the day itself), for the office's own articles and
    its adoptions: one include on the desk, the calendar and booking for a caller. `services`
    may be a queryset (then read as a subquery). One query while nothing is coming."""
    if not parts.uses(office, KNOWLEDGE):
        return []
    wanted = services if isinstance(services, QuerySet) else [s.pk for s in services]
    if isinstance(wanted, list) and not wanted:
        return []
    mine = Q(article__office=office, article__services__in=wanted, article__archived=False)
    adopted = Q(
        article__adoptions__office=office,
        article__adoptions__services__in=wanted,
        article__adoptions__archived=False,
    )
    candidates = list(
        Revision.objects.filter(
            mine | adopted,
            state=RevisionState.PUBLISHED,
            effective_from__gte=on,
            effective_from__lte=on + timedelta(days=MAX_BANNER_DAYS),
        )
        .select_related("article")
        .order_by("effective_from", "number")
        .distinct()
    )
    if not candidates:
        return []
    horizon = on + timedelta(days=policy_of(office).banner_days)
    wanted_ids = set(
        wanted.values_list("pk", flat=True) if isinstance(wanted, QuerySet) else wanted
    )
    banners: dict[int, Banner] = {}
    with scopes_disabled():
        for revision in candidates:
            if revision.effective_from > horizon:
                continue
            source = revision.article
            article = (
                source
                if source.office_id == office.pk
                else Article.objects.filter(office=office, adopted_from=source).first()
            )
            if article is None or article.pk in banners:
                continue
            names = tuple(
                service.name_in("de")
                for service in article.services.all()
                if service.pk in wanted_ids
            )
            banners[article.pk] = Banner(article, revision.title, revision.effective_from, names)
    return list(banners.values())


# --- public summaries ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicSummary:
    article_id: int
    text: str
    language: str
    effective_from: date


def summary_revision(article: Article, on: date) -> Revision | None:
    """The approved revision whose summary is relevant on `on`: from the office's banner period
    before it takes effect until SUMMARY_RELEVANT_DAYS after (or its end)."""
    source = article.adopted_from or article
    horizon = on + timedelta(days=policy_of(article.office).banner_days)
    candidates = source.revisions.filter(
        state=RevisionState.PUBLISHED,
        effective_from__lte=horizon,
        effective_from__gte=on - timedelta(days=SUMMARY_RELEVANT_DAYS),
    ).filter(Q(effective_until__isnull=True) | Q(effective_until__gt=on))
    return candidates.exclude(public_summary={}).order_by("-effective_from", "-number").first()


def public_summaries(
    office: Office, service: Service, *, on: date, language: str
) -> list[PublicSummary]:
    """What changed for clients of `service` at `office` (its own articles and adoptions)."""
    if not parts.uses(office, KNOWLEDGE):
        return []
    result = []
    with scopes_disabled():
        articles = Article.objects.filter(
            office=office, archived=False, services=service
        ).select_related("adopted_from", "office")
        for article in articles:
            revision = summary_revision(article, on)
            if revision is None:
                continue
            key = translated_key(revision.public_summary, language)
            if key is None:
                continue
            result.append(
                PublicSummary(
                    article.pk, revision.public_summary[key], key, revision.effective_from
                )
            )
    return result


def summary_statuses(article: Article, revision: Revision) -> dict[str, Status]:
    """Per translation language: missing, outdated (made from an older German text) or current,
    as the content app keeps it (TranslationState rows)."""
    german = revision.public_summary.get(SOURCE_LANGUAGE, "")
    recorded = dict(
        TranslationState.objects.filter(
            object_type=SUMMARY_STATE_KIND, object_id=article.pk, field=SUMMARY_FIELD
        ).values_list("language", "source_hash")
    )
    statuses = {}
    for language in TRANSLATION_LANGUAGES:
        if not revision.public_summary.get(language):
            statuses[language] = Status.MISSING
        elif recorded.get(language, source_hash(german)) == source_hash(german):
            statuses[language] = Status.CURRENT
        else:
            statuses[language] = Status.OUTDATED
    return statuses


# --- comments, notifications, notes -------------------------------------------------------------


def comments_of(article: Article) -> list[Comment]:
    """Top-level comments with their replies (prefetched), oldest first."""
    return list(
        Comment.objects.filter(article=article, parent__isnull=True)
        .select_related("author", "office")
        .prefetch_related("replies__author", "replies__office")
    )


def notifications_of(user: User, *, unread_only: bool = True) -> list[Notification]:
    found = Notification.objects.filter(user=user).select_related("comment__article")
    if unread_only:
        found = found.filter(read_at__isnull=True)
    return list(found[:50])


def notes_of(office: Office, service: Service | None = None) -> list[PracticeNote]:
    with scopes_disabled():
        notes = PracticeNote.objects.filter(office=office).select_related("service", "author")
        if service is not None:
            notes = notes.filter(service=service)
        return list(notes)


def others_notes(service: Service) -> list[PracticeNote]:
    """How do the others do it? Every office's shared notes on one service, newest first."""
    with scopes_disabled():
        return list(
            PracticeNote.objects.filter(service=service, shared=True)
            .select_related("office", "author")
            .order_by("office__slug", "-since", "-id")
        )


def reader_of(user: User) -> Reader:
    return Reader.objects.filter(user=user).first() or Reader(user=user)


# --- the weekly digest --------------------------------------------------------------------------


@dataclass(frozen=True)
class Digest:
    new_or_changed: list[tuple[Article, Revision]]
    open_questions: list[Comment]

    def __bool__(self) -> bool:
        return bool(self.new_or_changed or self.open_questions)


def digest_for(user: User, since: datetime) -> Digest:
    """What a person may see that was published, and the questions still unanswered, since
    `since` (a datetime), across her offices."""
    offices = list(Office.objects.filter(memberships__user=user).distinct())
    changed: dict[int, tuple[Article, Revision]] = {}
    questions: dict[int, Comment] = {}
    for office in offices:
        if not may(user, office, Capability.READ_KNOWLEDGE):
            continue
        visible = visible_articles(office)
        for revision in (
            Revision.objects.filter(
                article__in=visible, state=RevisionState.PUBLISHED, approved_at__gte=since
            )
            .select_related("article")
            .order_by("-approved_at")
        ):
            changed.setdefault(revision.article_id, (revision.article, revision))
        for comment in Comment.objects.filter(
            article__in=visible, question=True, parent__isnull=True, replies__isnull=True
        ).select_related("article", "office"):
            questions[comment.pk] = comment
    return Digest(list(changed.values()), list(questions.values()))
