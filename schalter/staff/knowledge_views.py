"""The knowledge base at the office: search and list, an article as valid on a day with its
history and discussion, writing and approving revisions, required reading, practice notes and
how the other offices handle a service (issue 16). Every page needs `knowledge.read`; writing
needs `knowledge.edit`, approving is checked by the service (editors and team leads)."""

import contextlib
from datetime import date

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_scopes import scopes_disabled

from schalter.accounts.roles import Capability
from schalter.catalog.models import Service
from schalter.content.selectors import Status
from schalter.errors import Refusal
from schalter.kern_forms import (
    KernFormMixin,
    language_field_name,
    language_initial,
    language_values,
)
from schalter.knowledge import search as knowledge_search
from schalter.knowledge import selectors, services
from schalter.knowledge.diff import word_diff
from schalter.knowledge.errors import EditConflict
from schalter.knowledge.legal import KNOWN_LAWS
from schalter.knowledge.models import OFFICE_ROLE_CHOICES, Article, RevisionState, Visibility
from schalter.knowledge.render import render
from schalter.languages import BY_CODE, LANGUAGES
from schalter.offices.localtime import local_date
from schalter.offices.models import Office
from schalter.staff.guards import office_view
from schalter.staff.navigation import office_render

# The content editor's words for a translation's state (the same messages).
STATUS_LABELS = {
    Status.MISSING: {"icon": "✗", "label": gettext_lazy("missing")},
    Status.OUTDATED: {"icon": "!", "label": gettext_lazy("outdated")},
    Status.CURRENT: {"icon": "✓", "label": gettext_lazy("current")},
}
READ = Capability.READ_KNOWLEDGE
EDIT = Capability.EDIT_KNOWLEDGE


def _today(office: Office) -> date:
    return local_date(office, timezone.now())


def _service_choices(office: Office) -> list[tuple[int, str]]:
    """The services an article or note of the office may name: those it offers."""
    return [
        (service.pk, service.name_in("de"))
        for service in selectors.services_offered_by(office).order_by("slug")
    ]


class SearchForm(KernFormMixin, forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=200)
    law = forms.ChoiceField(label=gettext_lazy("Law"), required=False)
    service = forms.TypedChoiceField(
        label=gettext_lazy("Service"), required=False, coerce=int, empty_value=None
    )
    office_id = forms.TypedChoiceField(
        label=gettext_lazy("Office"), required=False, coerce=int, empty_value=None
    )
    on = forms.DateField(
        label=gettext_lazy("In force on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    state = forms.ChoiceField(label=gettext_lazy("Status"), required=False)

    def __init__(self, *args, office: Office, offices: list[Office], **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["law"].choices = everything + [(law, law) for law in KNOWN_LAWS]
        self.fields["service"].choices = everything + _service_choices(office)
        self.fields["office_id"].choices = everything + [
            (each.pk, each.name_in("de")) for each in offices
        ]
        self.fields["state"].choices = everything + list(RevisionState.choices)


def _search_fields(form: SearchForm) -> list[tuple[str, object, list[tuple[str, str, bool]]]]:
    """The search form's fields for the index page: its selects with their options worked out
    here (the page is the one staff search from, and Django's per-option widget templates were
    a tenth of its time), text and date inputs through the shared field template."""
    fields: list[tuple[str, object, list[tuple[str, str, bool]]]] = []
    for bound in form:
        if isinstance(bound.field, forms.ChoiceField):
            chosen = "" if bound.value() is None else str(bound.value())
            options = [
                (str(value), str(label), str(value) == chosen)
                for value, label in bound.field.choices
            ]
            fields.append(("select", bound, options))
        else:
            fields.append(("input", bound, []))
    return fields


@require_GET
@office_view(READ)
def knowledge_index(request: HttpRequest, office: Office) -> HttpResponse:
    offices = list(Office.objects.order_by("slug"))
    form = SearchForm(request.GET or None, office=office, offices=offices)
    hits: list[knowledge_search.Hit] = []
    articles: list[dict[str, object]] = []
    searched = False
    if form.is_valid() and form.cleaned_data["q"]:
        data = form.cleaned_data
        searched = True
        hits = knowledge_search.search(
            office,
            data["q"],
            knowledge_search.Filters(
                law=data["law"] or "",
                service_id=data["service"],
                office_id=data["office_id"],
                on=data["on"],
                state=data["state"] or "",
            ),
        )
    else:
        today = _today(office)
        with scopes_disabled():
            recent = (
                selectors.visible_articles(office)
                .select_related("office", "adopted_from")
                .order_by("-id")[:30]
            )
            for article in recent:
                view = selectors.article_view(article, today)
                articles.append({"article": article, "title": view.title, "view": view})
    names = {each.pk: str(each) for each in offices if each.pk != office.pk}
    # One address worked out, the others from it: a page of hits asked reverse() for each.
    marker = 2_147_483_647
    address = reverse(
        "staff:knowledge_article", kwargs={"office": office.slug, "article": marker}
    ).replace(str(marker), "{}")
    return office_render(
        request,
        "staff/knowledge/index.html",
        {
            "form": form,
            "search_fields": _search_fields(form),
            "hits": [
                {
                    "hit": hit,
                    "url": address.format(hit.article_id),
                    "office": names.get(hit.office_id, ""),
                }
                for hit in hits
            ],
            "searched": searched,
            "articles": articles,
            "may_edit": request.access.may(EDIT),  # type: ignore[attr-defined]
            "may_approve": request.access.may(Capability.APPROVE_KNOWLEDGE),  # type: ignore[attr-defined]
            "due": selectors.reading_due(
                request.user,  # type: ignore[arg-type]
                office,
                request.access.roles,  # type: ignore[attr-defined]
            ),
        },
    )


def _resolver(office: Office):
    def resolve(kind: str, key: str) -> str | None:
        target = selectors.link_target(office, kind, key)
        if target is None:
            return None
        if target[0] == "article":
            return reverse(
                "staff:knowledge_article", kwargs={"office": office.slug, "article": target[1]}
            )
        return reverse(
            "staff:knowledge_others",
            kwargs={"office": office.slug, "service": target[1]},
        )

    return resolve


def _rendered(office: Office, revision) -> dict[str, object] | None:
    if revision is None:
        return None
    result = render(revision.body, _resolver(office))
    return {"revision": revision, "html": mark_safe(result.html), "warnings": result.warnings}  # noqa: S308 - sanitised by nh3


@require_GET
@office_view(READ)
def knowledge_article(request: HttpRequest, office: Office, article: int) -> HttpResponse:
    found = selectors.article_for(office, article)
    on = _today(office)
    if request.GET.get("on"):
        with contextlib.suppress(ValueError):
            on = date.fromisoformat(request.GET["on"])
    view = selectors.article_view(found, on)
    own = found.office_id == office.pk
    head = selectors.head_revision(found) if own else None
    review = selectors.in_review(found) if own else None
    return office_render(
        request,
        "staff/knowledge/article.html",
        {
            "article": found,
            "view": view,
            "on": on,
            "own": own,
            "current": _rendered(office, view.revision),
            "upcoming": _rendered(office, view.upcoming),
            "original": _rendered(office, view.original),
            "original_upcoming": _rendered(office, view.original_upcoming),
            "history": selectors.revisions_for(office, found),
            "head": head,
            "review": review,
            "comments": selectors.comments_of(found),
            "must_read": own
            and bool(set(found.required_roles) & request.access.roles)  # type: ignore[attr-defined]
            and not selectors.has_read(request.user, found),  # type: ignore[arg-type]
            "may_edit": own and request.access.may(EDIT),  # type: ignore[attr-defined]
            "may_approve": own and request.access.may(Capability.APPROVE_KNOWLEDGE),  # type: ignore[attr-defined]
            "may_adopt": not own
            and found.visibility == Visibility.SHARED
            and found.adopted_from_id is None
            and request.access.may(EDIT),  # type: ignore[attr-defined]
            "adoption": selectors.adoption_of(office, found) if not own else None,
            "summary_statuses": [
                (BY_CODE[code].name_local, STATUS_LABELS[status])
                for code, status in (
                    selectors.summary_statuses(found, head) if head else {}
                ).items()
            ],
        },
    )


class RevisionForm(KernFormMixin, forms.Form):
    base = forms.IntegerField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    body = forms.CharField(
        label=gettext_lazy("Text (Markdown)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "class": "kern-form-input__input"}),
        help_text=gettext_lazy(
            "Legal references like § 18g AufenthG are linked automatically; link other articles "
            "with [text](article:12) and services with [text](service:chancenkarte)."
        ),
    )
    effective_from = forms.DateField(
        label=gettext_lazy("Valid from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    effective_until = forms.DateField(
        label=gettext_lazy("Valid until (empty: until changed)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    material = forms.BooleanField(
        label=gettext_lazy("Material change: everyone must read it again"), required=False
    )
    visibility = forms.ChoiceField(label=gettext_lazy("Visible to"), choices=Visibility.choices)
    services = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Services affected"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tags = forms.CharField(
        label=gettext_lazy("Tags (comma-separated)"), required=False, max_length=300
    )
    next_review = forms.DateField(
        label=gettext_lazy("Next review"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    required_roles = forms.MultipleChoiceField(
        label=gettext_lazy("Must be read by"),
        choices=OFFICE_ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, office: Office, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"].choices = _service_choices(office)
        for language in LANGUAGES:
            self.fields[language_field_name("summary", language.code)] = forms.CharField(
                label=_("What changed for clients (%(language)s)")
                % {"language": language.name_local},
                required=False,
                max_length=1000,
                widget=forms.Textarea(
                    attrs={
                        "rows": 2,
                        "lang": language.html_lang,
                        "dir": language.dir,
                        "class": "kern-form-input__input",
                    }
                ),
            )


def _form_initial(office: Office, article: Article | None, revision) -> dict[str, object]:
    if revision is None:
        return {"effective_from": _today(office), "visibility": Visibility.PRIVATE}
    initial: dict[str, object] = {
        "base": revision.pk,
        "title": revision.title,
        "body": revision.body,
        "effective_from": revision.effective_from,
        "effective_until": revision.effective_until,
    }
    initial.update(language_initial("summary", revision.public_summary))
    if article is not None:
        initial.update(
            {
                "visibility": article.visibility,
                "services": [s.pk for s in article.services.all()],
                "tags": ", ".join(article.tags),
                "next_review": article.next_review,
                "required_roles": article.required_roles,
            }
        )
    return initial


def _revision_page(request: HttpRequest, office: Office, article: Article | None) -> HttpResponse:
    head = selectors.head_revision(article) if article is not None else None
    initial = _form_initial(office, article, head)
    if article is not None and head is None:  # an adoption's first local practice
        initial.update({"visibility": article.visibility, "effective_from": _today(office)})
    form = RevisionForm(
        request.POST if request.method == "POST" else None, initial=initial, office=office
    )
    conflict = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            chosen = list(Service.objects.filter(pk__in=data["services"]))
            tags = [tag.strip() for tag in data["tags"].split(",") if tag.strip()]
            values = {
                "title": data["title"],
                "body": data["body"],
                "effective_from": data["effective_from"],
                "effective_until": data["effective_until"],
                "public_summary": language_values(data, "summary"),
            }
            try:
                if article is None:
                    revision = services.article_create(
                        office=office,
                        services=chosen,
                        tags=tags,
                        visibility=data["visibility"],
                        next_review=data["next_review"],
                        required_roles=data["required_roles"],
                        acting_user=request.user,
                        **values,
                    )
                    article = revision.article
                else:
                    revision = services.article_revise(
                        article=article,
                        base_id=data["base"],
                        material=data["material"],
                        acting_user=request.user,
                        **values,
                    )
                    services.article_settings_set(
                        article=article,
                        visibility=data["visibility"],
                        services=chosen,
                        tags=tags,
                        next_review=data["next_review"],
                        required_roles=data["required_roles"],
                        acting_user=request.user,
                    )
            except EditConflict as error:
                newer = selectors.head_revision(article) if article else None
                if newer is not None:
                    conflict = {
                        "newer": newer,
                        "diff": word_diff(newer.body, data["body"]),
                    }
                form.add_error(None, str(error.message))
                status = 409
            except Refusal as error:
                form.add_error(
                    error.field if error.field in form.fields else None, str(error.message)
                )
                status = error.status
            else:
                messages.success(
                    request,
                    _("Saved as revision %(number)s (draft).") % {"number": revision.number},
                )
                return redirect(
                    "staff:knowledge_article", office=office.slug, article=revision.article_id
                )
        else:
            status = 400
    return office_render(
        request,
        "staff/knowledge/edit.html",
        {"article": article, "form": form, "conflict": conflict, "head": head},
        status=status,
    )


@office_view(EDIT)
def knowledge_new(request: HttpRequest, office: Office) -> HttpResponse:
    return _revision_page(request, office, None)


def _own_article(office: Office, pk: int) -> Article:
    found = selectors.article_for(office, pk)
    if found.office_id != office.pk:
        raise Http404
    return found


@office_view(EDIT)
def knowledge_edit(request: HttpRequest, office: Office, article: int) -> HttpResponse:
    return _revision_page(request, office, _own_article(office, article))


def _article_url(office: Office, article: int) -> str:
    return reverse("staff:knowledge_article", kwargs={"office": office.slug, "article": article})


def _refused(request: HttpRequest, office: Office, article_id: int, error: Refusal) -> HttpResponse:
    messages.error(request, str(error.message))
    return redirect("staff:knowledge_article", office=office.slug, article=article_id)


@require_POST
@office_view(EDIT)
def knowledge_submit(request: HttpRequest, office: Office, article: int) -> HttpResponse:
    found = _own_article(office, article)
    head = selectors.head_revision(found)
    if head is None:
        raise Http404
    try:
        revision = services.revision_submit(revision=head, acting_user=request.user)
    except Refusal as error:
        return _refused(request, office, article, error)
    if revision.state == RevisionState.PUBLISHED:
        messages.success(request, _("Published."))
    else:
        messages.success(request, _("Sent for approval to a second person."))
    return redirect("staff:knowledge_article", office=office.slug, article=article)


@require_POST
@office_view(Capability.APPROVE_KNOWLEDGE)
def knowledge_approve(
    request: HttpRequest, office: Office, article: int, revision: int
) -> HttpResponse:
    found = _own_article(office, article)
    to_approve = selectors.revision_for(office, found, revision)
    try:
        seen = int(request.POST.get("seen_head", "0"))
        services.revision_approve(revision=to_approve, seen_head_id=seen, acting_user=request.user)
    except ValueError:
        raise Http404 from None
    except Refusal as error:
        return _refused(request, office, article, error)
    messages.success(request, _("Approved and published."))
    return redirect("staff:knowledge_article", office=office.slug, article=article)


@require_GET
@office_view(READ)
def knowledge_revision(
    request: HttpRequest, office: Office, article: int, revision: int
) -> HttpResponse:
    found = selectors.article_for(office, article)
    shown = selectors.revision_for(office, found, revision)
    return office_render(
        request,
        "staff/knowledge/revision.html",
        {"article": found, "shown": _rendered(office, shown)},
    )


@require_GET
@office_view(READ)
def knowledge_compare(request: HttpRequest, office: Office, article: int) -> HttpResponse:
    found = selectors.article_for(office, article)
    history = selectors.revisions_for(office, found)
    by_id = {revision.pk: revision for revision in history}
    try:
        old = by_id[int(request.GET.get("a", ""))]
        new = by_id[int(request.GET.get("b", ""))]
    except (KeyError, ValueError):
        if not history:
            raise Http404 from None
        old, new = history[min(1, len(history) - 1)], history[0]
    if old.number > new.number:
        old, new = new, old
    return office_render(
        request,
        "staff/knowledge/compare.html",
        {
            "article": found,
            "old": old,
            "new": new,
            "diff": selectors.compare(old, new),
            "history": history,
        },
    )


@require_POST
@office_view(READ)
def knowledge_read(request: HttpRequest, office: Office, article: int) -> HttpResponse:
    found = _own_article(office, article)
    services.read_confirm(article=found, acting_user=request.user)
    messages.success(request, _("Thank you: confirmed as read."))
    back = request.POST.get("next", "")
    # Back to the page the banner was on (the desk, the calendar), never to another site.
    if not back.startswith(f"/staff/{office.slug}/") or "//" in back:
        back = reverse(
            "staff:knowledge_article", kwargs={"office": office.slug, "article": article}
        )
    return redirect(back)


@require_POST
@office_view(EDIT)
def knowledge_adopt(request: HttpRequest, office: Office, article: int) -> HttpResponse:
    found = selectors.article_for(office, article)
    try:
        adoption = services.article_adopt(original=found, office=office, acting_user=request.user)
    except Refusal as error:
        return _refused(request, office, article, error)
    messages.success(request, _("Adopted. Add your office's local practice below."))
    return redirect("staff:knowledge_article", office=office.slug, article=adoption.pk)


class CommentForm(KernFormMixin, forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your comment or question (mention colleagues with @name)"),
        widget=forms.Textarea(attrs={"rows": 3, "class": "kern-form-input__input"}),
        max_length=services.MAX_COMMENT_LENGTH,
    )
    question = forms.BooleanField(label=gettext_lazy("This is a question"), required=False)
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


@require_POST
@office_view(READ)
def knowledge_comment(request: HttpRequest, office: Office, article: int) -> HttpResponse:
    found = selectors.article_for(office, article)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write something first."))
        return redirect("staff:knowledge_article", office=office.slug, article=article)
    parent = None
    if form.cleaned_data["parent"]:
        parent = found.comments.filter(pk=form.cleaned_data["parent"]).first()
        if parent is None:
            raise Http404
    try:
        services.comment_post(
            article=found,
            office=office,
            body=form.cleaned_data["body"],
            parent=parent,
            question=form.cleaned_data["question"],
            acting_user=request.user,
        )
    except Refusal as error:
        return _refused(request, office, article, error)
    messages.success(request, _("Comment posted."))
    return redirect(
        reverse("staff:knowledge_article", kwargs={"office": office.slug, "article": article})
        + "#discussion"
    )


@require_GET
@office_view(Capability.APPROVE_KNOWLEDGE)
def knowledge_reading(request: HttpRequest, office: Office) -> HttpResponse:
    return office_render(
        request, "staff/knowledge/reading.html", {"rows": selectors.reading_status(office)}
    )


class NoteForm(KernFormMixin, forms.Form):
    service = forms.TypedChoiceField(label=gettext_lazy("Service"), coerce=int)
    since = forms.DateField(
        label=gettext_lazy("Since"), widget=forms.DateInput(attrs={"type": "date"})
    )
    text = forms.CharField(
        label=gettext_lazy("How we do it"),
        widget=forms.Textarea(attrs={"rows": 3, "class": "kern-form-input__input"}),
        max_length=services.MAX_COMMENT_LENGTH,
    )
    shared = forms.BooleanField(
        label=gettext_lazy("Share with all offices"), required=False, initial=True
    )

    def __init__(self, *args, office: Office, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = _service_choices(office)


@require_GET
@office_view(READ)
def knowledge_notes(request: HttpRequest, office: Office) -> HttpResponse:
    return _notes_page(request, office, NoteForm(office=office))


def _notes_page(request: HttpRequest, office: Office, form: "NoteForm", status: int = 200):
    return office_render(
        request,
        "staff/knowledge/notes.html",
        {
            "form": form,
            "may_edit": request.access.may(EDIT),  # type: ignore[attr-defined]
            "notes": selectors.notes_of(office),
        },
        status=status,
    )


@require_POST
@office_view(EDIT)
def knowledge_note_create(request: HttpRequest, office: Office) -> HttpResponse:
    form = NoteForm(request.POST, office=office)
    if not form.is_valid():
        return _notes_page(request, office, form, status=400)
    data = form.cleaned_data
    service = selectors.services_offered_by(office).get(pk=data["service"])
    try:
        services.note_post(
            office=office, service=service, since=data["since"], text=data["text"],
            shared=data["shared"], acting_user=request.user,
        )  # fmt: skip
    except Refusal as error:
        form.add_error(None, str(error.message))
        return _notes_page(request, office, form, status=error.status)
    messages.success(request, _("Note saved."))
    return redirect("staff:knowledge_notes", office=office.slug)


@require_GET
@office_view(READ)
def knowledge_others(request: HttpRequest, office: Office, service: int) -> HttpResponse:
    found = selectors.services_offered_by(office).filter(pk=service).first()
    if found is None:
        raise Http404
    return office_render(
        request,
        "staff/knowledge/others.html",
        {"service": found, "notes": selectors.others_notes(found)},
    )
