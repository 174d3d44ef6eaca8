"""The knowledge base of an office: articles tied to its services, every edit a revision with its
own effective dates, shared with the other offices or kept to the office (issue 16).

An article's text lives in its revisions. A published revision is valid from `effective_from`
until `effective_until` (open: until a later one takes over); a change is written and approved
before it takes effect, and the history stays readable. Nothing is edited in place: a new text is
a new revision, whose `base` is the revision its author started from."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from schalter.accounts.roles import Role


class Visibility(models.TextChoices):
    PRIVATE = "private", _("Only this office")
    SHARED = "shared", _("Shared with all offices")


class RevisionState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


# Other offices read only these of a shared article; drafts and reviews stay with the owner.
PUBLIC_STATES = (RevisionState.PUBLISHED, RevisionState.ARCHIVED)
OFFICE_ROLE_CHOICES = [
    (role.value, role.label) for role in Role if role not in (Role.MINISTRY, Role.OPERATOR)
]


class KnowledgePolicy(models.Model):
    """How an office runs its knowledge base; an office without a row has the defaults."""

    office = models.OneToOneField(
        "offices.Office", on_delete=models.CASCADE, related_name="knowledge_policy"
    )
    # A second person (another editor or a team lead) approves before anything is published.
    four_eyes = models.BooleanField(default=True)
    # Staff see a banner on the affected services from this many days before a change applies.
    banner_days = models.PositiveSmallIntegerField(default=14)

    objects = ScopedManager(office="office")

    def __str__(self) -> str:
        return f"knowledge policy {self.office}"


class Article(models.Model):
    office = models.ForeignKey(
        "offices.Office", on_delete=models.CASCADE, related_name="knowledge_articles"
    )
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="knowledge_articles",
    )
    tags = models.JSONField(default=list, blank=True)
    services = models.ManyToManyField("catalog.Service", blank=True, related_name="+")
    next_review = models.DateField(null=True, blank=True)
    # Adopted from another office's shared article: shows the original's valid text and this
    # office's local practice (its own revisions) beneath.
    adopted_from = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="adoptions"
    )
    # Roles of the office that must read each published version (required reading).
    required_roles = models.JSONField(default=list, blank=True)
    archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(office="office")

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "adopted_from"],
                condition=models.Q(adopted_from__isnull=False),
                name="knowledge_adopted_once",
            ),
        ]

    def __str__(self) -> str:
        return f"article {self.pk} ({self.office_id})"


class Revision(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    # The revision its author started from (optimistic concurrency: see services.article_revise).
    base = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)  # Markdown, as written
    # [{"law": "AufenthG", "section": "18g", "text": "§ 18g Abs. 1 AufenthG", "url": "..."}]
    legal_references = models.JSONField(default=list, blank=True)
    effective_from = models.DateField()
    effective_until = models.DateField(null=True, blank=True)
    # "What changed for you": `{language: text}`, German the source of the translations.
    public_summary = models.JSONField(default=dict, blank=True)
    # A material change asks everyone who must read the article to read it again.
    material = models.BooleanField(default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    state = models.CharField(
        max_length=12, choices=RevisionState.choices, default=RevisionState.DRAFT
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["article_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="knowledge_revision_number"),
            models.CheckConstraint(
                condition=models.Q(effective_until__isnull=True)
                | models.Q(effective_until__gt=models.F("effective_from")),
                name="knowledge_revision_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (#{self.number})"


class SearchEntry(models.Model):
    """The analysed terms of one revision (knowledge/analysis.py). PostgreSQL keeps a tsvector of
    them (a generated column with a GIN index), SQLite an FTS5 table fed by triggers: both made in
    migration 0002, each only on its own database."""

    revision = models.OneToOneField(
        Revision, on_delete=models.CASCADE, primary_key=True, related_name="search_entry"
    )
    terms = models.TextField()
    # Who may find it, kept beside the terms so the search filters the index's matches without a
    # join (services keep them in step): the article, its office, and whether every office may
    # read this revision (a shared article's published or archived one).
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    shared = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"search entry {self.revision_id}"


class ReadConfirmation(models.Model):
    """A person confirmed she read an article as of one revision."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="confirmations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="+")
    confirmed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "user", "revision"], name="knowledge_read_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.revision_id}"


class Comment(models.Model):
    """A question or comment on an article, from any office that may see it; replies name the
    comment they answer."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    question = models.BooleanField(default=False)
    body = models.TextField()
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"comment {self.pk} on {self.article_id}"


class Notification(models.Model):
    class Kind(models.TextChoices):
        COMMENT = "comment", _("New comment")
        REPLY = "reply", _("New reply")
        MENTION = "mention", _("You were mentioned")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id}"


class PracticeNote(models.Model):
    """How an office handles a service since a date ("since March: walk-ins only before 10:00")."""

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey("catalog.Service", on_delete=models.CASCADE, related_name="+")
    since = models.DateField()
    text = models.TextField()
    shared = models.BooleanField(default=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(office="office")

    class Meta:
        ordering = ["-since", "-id"]

    def __str__(self) -> str:
        return f"note {self.pk} ({self.office_id})"


class Reader(models.Model):
    """A person's wishes as a reader: the language of her digest, and whether she wants it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="knowledge_reader"
    )
    language = models.CharField(max_length=10, default="de")
    weekly_digest = models.BooleanField(default=True)
    digest_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"reader {self.user_id}"


class Dispatch(models.Model):
    """A scheduled sending claimed for its period, so that the minute's tick sends it once however
    often it runs: an office's required-reading reminders for a day, everyone's weekly digest for
    a week (`office` empty). Inserting the row is the claim (knowledge/tasks.py)."""

    class Kind(models.TextChoices):
        REMINDERS = "reminders", "reminders"
        DIGEST = "digest", "digest"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    office = models.ForeignKey(
        "offices.Office", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    period = models.DateField()  # the day, or the Monday of the week
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "office", "period"],
                condition=models.Q(office__isnull=False),
                name="knowledge_dispatch_office_once",
            ),
            models.UniqueConstraint(
                fields=["kind", "period"],
                condition=models.Q(office__isnull=True),
                name="knowledge_dispatch_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.period} ({self.office_id})"
