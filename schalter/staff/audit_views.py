"""The audit log in words: filters by person, kind and date, pages of 50, a link to each record
that still exists, and the same selection as a streamed CSV file."""

import csv
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from schalter.accounts import audit_words
from schalter.accounts.models import AuditEvent
from schalter.accounts.roles import Capability
from schalter.accounts.services import audit_record
from schalter.kern_forms import KernFormMixin
from schalter.offices import audit_actions as office_actions
from schalter.offices.localtime import local_midnight, local_time
from schalter.offices.models import Office
from schalter.staff.guards import office_view
from schalter.staff.navigation import office_render
from schalter.text import spreadsheet_cell

PAGE_SIZE = 50
EXPORT_CHUNK = 500
# What the export's own audit row keeps of the query: the filter's fields only, each shortened
# (an action name is the longest valid value), so a crafted address cannot bloat the log.
EXPORT_FILTER_VALUE_MAX = 80


class AuditFilterForm(KernFormMixin, forms.Form):
    person = forms.TypedChoiceField(
        label=gettext_lazy("Person"), required=False, coerce=int, empty_value=None
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)
    since = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=gettext_lazy("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, office: Office, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everyone = [("", _("Everyone"))]
        self.fields["person"].choices = everyone + audit_words.audit_log_people(office=office)
        self.fields["kind"].choices = [("", _("Everything")), *audit_words.action_kinds()]


def _selection(request: HttpRequest, office: Office) -> tuple[AuditFilterForm, Any]:
    form = AuditFilterForm(request.GET or None, office=office)
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "actor_id": data["person"],
            "kind": data["kind"],
            "since": local_midnight(office, data["since"]) if data["since"] else None,
            "until": (
                local_midnight(office, data["until"] + timedelta(days=1)) if data["until"] else None
            ),
        }
    return form, audit_words.audit_log_query(office=office, **filters)


def _link(office: Office, event: AuditEvent, targets: dict) -> str:
    sentence = audit_words.sentence_of(event.action)
    target = targets.get((event.target_type, event.target_id))
    if sentence is None or not sentence.url_name or target is None:
        return ""
    if getattr(target, "office_id", None) != office.pk:
        return ""
    try:
        return reverse(sentence.url_name, kwargs={"office": office.slug, "pk": target.pk})
    except NoReverseMatch:
        return ""


@require_GET
@office_view(Capability.VIEW_AUDIT)
def audit_log(request: HttpRequest, office: Office) -> HttpResponse:
    form, events = _selection(request, office)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    targets = audit_words.targets_of(page.object_list)
    rows = [
        {
            "at": local_time(office, event.at),
            "actor": audit_words.actor_name(event),
            "words": audit_words.in_words(event, targets.get((event.target_type, event.target_id))),
            "action": event.action,
            "link": _link(office, event, targets),
        }
        for event in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return office_render(
        request,
        "staff/audit.html",
        {
            "form": form,
            "rows": rows,
            "page": page,
            "query": query.urlencode(),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def _cell(value: str) -> str:
    return str(spreadsheet_cell(value))


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(office: Office, events: Any, language: str) -> Iterator[str]:
    writer = csv.writer(_Echo())
    with translation.override(language):
        yield "\ufeff" + writer.writerow([_("When"), _("Who"), _("What"), _("Action"), _("Record")])
        chunk: list[AuditEvent] = []
        for event in events.iterator(chunk_size=EXPORT_CHUNK):
            chunk.append(event)
            if len(chunk) == EXPORT_CHUNK:
                yield from _csv_rows(writer, office, chunk)
                chunk = []
        yield from _csv_rows(writer, office, chunk)


def _csv_rows(writer: Any, office: Office, events: list[AuditEvent]) -> Iterator[str]:
    targets = audit_words.targets_of(events)
    for event in events:
        target = targets.get((event.target_type, event.target_id))
        yield writer.writerow(
            [
                local_time(office, event.at).isoformat(timespec="seconds"),
                _cell(audit_words.actor_name(event)),
                _cell(audit_words.in_words(event, target)),
                event.action,
                f"{event.target_type}:{event.target_id}" if event.target_type else "",
            ]
        )


def export_filters(request: HttpRequest) -> dict[str, str]:
    """The known filter fields of the export's query, each value cut to a bounded length."""
    return {
        key: request.GET[key][:EXPORT_FILTER_VALUE_MAX]
        for key in AuditFilterForm.base_fields
        if request.GET.get(key)
    }


@require_GET
@office_view(Capability.VIEW_AUDIT)
def audit_export(request: HttpRequest, office: Office) -> HttpResponse:
    form, events = _selection(request, office)
    if form.is_bound and not form.is_valid():
        return HttpResponse(_("Please check your entry."), status=400)
    audit_record(
        office=office,
        acting_user=request.user,
        action=office_actions.AUDIT_EXPORTED,
        data=export_filters(request),
    )
    response = StreamingHttpResponse(
        _csv_lines(office, events, translation.get_language()),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="audit-{office.slug}.csv"'
    response["Cache-Control"] = "no-store"
    return response
