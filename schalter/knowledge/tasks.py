"""Mail of the knowledge base, outside the request: comment notifications, required reading and
its reminders, and the weekly digest. Each mail is written in its reader's language.

The minute's tick (offices/ticks.py, registered in knowledge/apps.py) schedules the reminders
(each office's working days from 08:00 on its wall clock) and the digest (weekly from Monday
07:00): each is claimed for its period with a Dispatch row first, so a tick that runs twice, or
two machines running it, send it once."""

import logging
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from schalter.knowledge import selectors
from schalter.knowledge.models import Article, Comment, Dispatch, Notification, Reader
from schalter.links import public_url
from schalter.offices import parts
from schalter.offices.localtime import local_time
from schalter.offices.models import Office

log = logging.getLogger(__name__)
DIGEST_DAYS = 7
REMINDER_HOUR = 8  # the office's wall clock, Monday to Friday
DIGEST_HOUR = 7  # Monday, the site's time zone (settings.TIME_ZONE)


def _language(user: User) -> str:
    return selectors.reader_of(user).language or settings.LANGUAGE_CODE


def _send(user: User, subject: str, body: str) -> bool:
    if not user.email:
        return False
    try:
        send_mail(subject, body, None, [user.email])
    except OSError:
        log.exception("knowledge mail to user %s not sent", user.pk)
        return False
    return True


def _article_url(article: Article) -> str:
    """Absolute: a bare path in an e-mail is no link."""
    return public_url(
        reverse(
            "staff:knowledge_article",
            kwargs={"office": article.office.slug, "article": article.pk},
        )
    )


@task
def comment_mail_task(comment_id: int) -> None:
    """Tell everyone notified of a comment (mentioned, answered, the article's owner)."""
    comment = (
        Comment.objects.filter(pk=comment_id).select_related("article__office", "author").first()
    )
    if comment is None:
        return
    notifications = Notification.objects.filter(comment=comment).select_related("user")
    source = comment.article.adopted_from or comment.article
    head = selectors.latest_published(source) or selectors.head_revision(source)
    title = head.title if head else ""
    for notification in notifications:
        user = notification.user
        values = {
            "author": comment.author.get_full_name() or comment.author.username
            if comment.author
            else "—",
            "title": title,
            "url": _article_url(comment.article),
        }
        with translation.override(_language(user)):
            if notification.kind == Notification.Kind.MENTION:
                subject = _("%(author)s mentioned you: %(title)s") % values
            elif notification.kind == Notification.Kind.REPLY:
                subject = _("%(author)s answered you: %(title)s") % values
            else:
                subject = _("New comment by %(author)s: %(title)s") % values
            body = f"{comment.body}\n\n{values['url']}\n"
        _send(user, subject, body)


def _reading_mail(user: User, article: Article, *, reminder: bool) -> bool:
    revision = selectors.reading_revision(article)
    values = {"title": revision.title if revision else "", "url": _article_url(article)}
    with translation.override(_language(user)):
        if reminder:
            subject = _("Reminder: please read “%(title)s”") % values
        else:
            subject = _("Please read “%(title)s”") % values
        body = (
            _("Your office asks you to read this article and confirm it with one click: %(url)s")
            % values
        )
    return _send(user, subject, body)


@task
def reading_required_mail_task(article_id: int) -> None:
    """After a publication: ask everyone who must read it and has not (since the last material
    change)."""
    with scopes_disabled():
        article = Article.objects.select_related("office").filter(pk=article_id).first()
    if article is None:
        return
    for user in selectors.required_readers(article):
        if not selectors.has_read(user, article):
            _reading_mail(user, article, reminder=False)


@task
def reading_reminders_task(office_id: int | None = None) -> int:
    """Daily: remind everyone of every article (of one office, or of all) they must still read.
    Returns the mails sent."""
    sent = 0
    with scopes_disabled():
        asked = Article.objects.filter(archived=False).exclude(required_roles=[])
        if office_id is not None:
            asked = asked.filter(office_id=office_id)
        articles = list(asked.select_related("office"))
    for article in articles:
        if selectors.latest_published(article) is None:
            continue
        for user in selectors.required_readers(article):
            if not selectors.has_read(user, article):
                sent += _reading_mail(user, article, reminder=True)
    return sent


def digest_text(user: User, digest: selectors.Digest, language: str) -> tuple[str, str]:
    with translation.override(language):
        subject = _("Knowledge base: what is new this week")
        lines = []
        if digest.new_or_changed:
            lines.append(_("New and changed articles:"))
            lines += [
                "- "
                + _("%(title)s (valid from %(date)s)")
                % {"title": revision.title, "date": revision.effective_from.strftime("%d.%m.%Y")}
                for _article, revision in digest.new_or_changed
            ]
        if digest.open_questions:
            lines.append("")
            lines.append(_("Open questions:"))
            lines += [f"- {comment.body[:200]}" for comment in digest.open_questions]
    return subject, "\n".join(lines) + "\n"


@task
def weekly_digest_task() -> int:
    """Weekly: each person who wants it gets what she may see that is new, in her language."""
    now = timezone.now()
    since = now - timedelta(days=DIGEST_DAYS)
    sent = 0
    for user in User.objects.filter(is_active=True, memberships__office__isnull=False).distinct():
        reader = selectors.reader_of(user)
        if not reader.weekly_digest:
            continue
        digest = selectors.digest_for(user, reader.digest_sent_at or since)
        if not digest:
            continue
        subject, body = digest_text(user, digest, reader.language)
        if _send(user, subject, body):
            sent += 1
            Reader.objects.update_or_create(user=user, defaults={"digest_sent_at": now})
    return sent


def _claim(kind: str, office: Office | None, period: date) -> bool:
    """Whether this call is the first for `kind` in `period` (and so sends it)."""
    try:
        with transaction.atomic():
            Dispatch.objects.create(kind=kind, office=office, period=period)
    except IntegrityError:
        return False
    return True


def knowledge_minute(*, now: datetime) -> str:
    """The knowledge base's share of the minute's tick (offices/ticks.py): each office's reminders
    once a working day, the weekly digest once a week, handed to the task backend."""
    reminded = 0
    for office in Office.objects.all():
        if not parts.uses(office, selectors.KNOWLEDGE):
            continue
        wall = local_time(office, now)
        if wall.weekday() >= 5 or wall.hour < REMINDER_HOUR:
            continue
        if _claim(Dispatch.Kind.REMINDERS, office, wall.date()):
            reading_reminders_task.enqueue(office.pk)
            reminded += 1
    site = timezone.localtime(now)
    monday = site.date() - timedelta(days=site.weekday())
    digest = (site.weekday() > 0 or site.hour >= DIGEST_HOUR) and _claim(
        Dispatch.Kind.DIGEST, None, monday
    )
    if digest:
        weekly_digest_task.enqueue()
    return f"reminders for {reminded} offices, weekly digest {'queued' if digest else 'not due'}"
