"""Texts and translations: an office's public texts with a status per language, the editor for
one text in every language, and PO files for translators (export and import)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schalter.accounts.roles import Capability
from schalter.accounts.services import audit_record
from schalter.content import po
from schalter.content import selectors as content_selectors
from schalter.content.selectors import Status
from schalter.content.services import ContentImportError, content_text_update, translations_import
from schalter.content.texts import (
    KIND_OFFICE,
    MAX_TEXT_LENGTH,
    SOURCE_LANGUAGE,
    TRANSLATION_LANGUAGES,
    TextRef,
    is_clean,
    sanitise,
)
from schalter.kern_forms import KernFormMixin
from schalter.languages import BY_CODE
from schalter.offices.models import Office
from schalter.staff.guards import office_view
from schalter.staff.navigation import office_render

STATUS_LABELS = {
    Status.MISSING: gettext_lazy("missing"),
    Status.OUTDATED: gettext_lazy("outdated"),
    Status.CURRENT: gettext_lazy("current"),
}
# A sign next to the word, so the status never rests on colour alone.
STATUS_ICONS = {Status.MISSING: "✗", Status.OUTDATED: "!", Status.CURRENT: "✓"}


def _status(status: Status) -> dict[str, object]:
    return {"key": status.value, "label": STATUS_LABELS[status], "icon": STATUS_ICONS[status]}


def _languages(codes) -> list[dict[str, object]]:
    return [
        {
            "code": code,
            "html_lang": BY_CODE[code].html_lang,
            "name": BY_CODE[code].name_local,
            "dir": BY_CODE[code].dir,
        }
        for code in codes
    ]


def _edit_url(office: Office, ref: TextRef) -> str:
    return reverse(
        "staff:content_text",
        kwargs={"office": office.slug, "kind": ref.kind, "pk": ref.obj.pk, "field": ref.field},
    )


def _preview_url(office: Office, ref: TextRef, language: str) -> str:
    with translation.override(language):
        if ref.kind == KIND_OFFICE:
            return reverse("public:office", kwargs={"office": office.slug})
        return reverse("public:service", kwargs={"office": office.slug, "service": ref.obj.slug})


def _list_context(office: Office) -> dict[str, object]:
    language = get_language()
    groups: list[dict[str, object]] = []
    for row in content_selectors.content_status_table(office):
        ref = row.ref
        if not groups or groups[-1]["key"] != (ref.kind, ref.obj.pk):
            groups.append(
                {
                    "key": (ref.kind, ref.obj.pk),
                    "name": ref.obj.name_in(language),
                    "shared": ref.shared,
                    "rows": [],
                }
            )
        groups[-1]["rows"].append(  # type: ignore[attr-defined]
            {
                "label": ref.label,
                "german": ref.german,
                "url": _edit_url(office, ref),
                "statuses": [
                    {"code": code, **_status(status)} for code, status in row.statuses.items()
                ],
            }
        )
    return {
        "groups": groups,
        "languages": _languages(TRANSLATION_LANGUAGES),
        "max_upload_mb": po.MAX_UPLOAD_BYTES // (1024 * 1024),
        "legend": {status.value: _status(status) for status in Status},
    }


@office_view(Capability.EDIT_CONTENT)
def content_list(request: HttpRequest, office: Office) -> HttpResponse:
    return office_render(request, "staff/content/list.html", _list_context(office))


def _field_name(language: str) -> str:
    return "text_" + language.replace("-", "_")


def _confirm_name(language: str) -> str:
    return "confirm_" + language.replace("-", "_")


class TextForm(KernFormMixin, forms.Form):
    """One text in every language; outdated translations may be confirmed as still right."""

    def __init__(self, *args, ref: TextRef, statuses: dict[str, Status], **kwargs):
        super().__init__(*args, **kwargs)
        texts = ref.texts
        for code in (SOURCE_LANGUAGE, *TRANSLATION_LANGUAGES):
            language = BY_CODE[code]
            attrs = {
                "lang": language.html_lang,
                "dir": language.dir,
                "class": "kern-form-input__input",
            }
            widget = (
                forms.Textarea(attrs={**attrs, "rows": 4})
                if ref.multiline
                else forms.TextInput(attrs=attrs)
            )
            self.fields[_field_name(code)] = forms.CharField(
                label=language.name_local,
                required=code == SOURCE_LANGUAGE and ref.field == "name",
                max_length=MAX_TEXT_LENGTH,
                initial=texts.get(code, ""),
                widget=widget,
            )
            if statuses[code] == Status.OUTDATED:
                self.fields[_confirm_name(code)] = forms.BooleanField(
                    label=_("Still correct for the new German text (%(language)s)")
                    % {"language": language.name_local},
                    required=False,
                )


@office_view(Capability.EDIT_CONTENT)
def content_text(
    request: HttpRequest, office: Office, kind: str, pk: int, field: str
) -> HttpResponse:
    ref = content_selectors.content_text_get(office, kind, pk, field)
    statuses = content_selectors.text_statuses(ref)
    form = TextForm(request.POST if request.method == "POST" else None, ref=ref, statuses=statuses)
    status_code = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                stripped = _save_text(request, office, ref, form)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Texts saved."))
                if stripped:
                    messages.warning(
                        request,
                        _("Markup and control characters were removed: texts are plain text."),
                    )
                return redirect(_edit_url(office, ref))
        status_code = 400
    texts = ref.texts
    languages = []
    for item in _languages((SOURCE_LANGUAGE, *TRANSLATION_LANGUAGES)):
        code = str(item["code"])
        languages.append(
            {
                **item,
                "field": form[_field_name(code)],
                "confirm": form[_confirm_name(code)]
                if _confirm_name(code) in form.fields
                else None,
                "status": _status(statuses[code]),
                "preview_url": _preview_url(office, ref, code),
                "has_text": bool(texts.get(code)),
            }
        )
    return office_render(
        request,
        "staff/content/edit.html",
        {
            "ref": ref,
            "object_name": ref.obj.name_in(get_language()),
            "languages": languages,
            "form": form,
        },
        status=status_code,
    )


def _save_text(request: HttpRequest, office: Office, ref: TextRef, form: TextForm) -> bool:
    """Save what changed, German first, all or nothing; True when markup was removed."""
    stripped = False
    with transaction.atomic():
        for code in (SOURCE_LANGUAGE, *TRANSLATION_LANGUAGES):
            entered = form.cleaned_data[_field_name(code)]
            clean = sanitise(entered, multiline=ref.multiline)
            confirmed = form.cleaned_data.get(_confirm_name(code), False)
            if clean == ref.texts.get(code, "") and not (confirmed and clean):
                continue
            content_text_update(
                obj=ref.obj,
                field=ref.field,
                language=code,
                text=entered,
                acting_user=request.user,
                office=office,
            )
            stripped = stripped or not is_clean(entered, multiline=ref.multiline)
    return stripped


@office_view(Capability.EDIT_CONTENT)
def content_export(request: HttpRequest, office: Office) -> HttpResponse:
    language = request.GET.get("lang", "")
    if language not in TRANSLATION_LANGUAGES:
        return HttpResponseBadRequest(
            _("Choose one of the languages texts are translated into."),
            content_type="text/plain; charset=utf-8",
        )
    data = po.po_export(office, language, now=timezone.now())
    audit_record(
        office=office,
        acting_user=request.user,
        action="content.translations.exported",
        data={"language": language},
    )
    response = HttpResponse(data, content_type="text/x-gettext-translation; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{office.slug}-{language}.po"'
    return response


@require_POST
@office_view(Capability.EDIT_CONTENT)
def content_import(request: HttpRequest, office: Office) -> HttpResponse:
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise ContentImportError(_("Choose a PO file to import."))
        if upload.size is not None and upload.size > po.MAX_UPLOAD_BYTES:
            raise ContentImportError(
                _("The file is too large (at most %(limit)s MB).")
                % {"limit": po.MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        report = translations_import(
            office=office, data=upload.read(po.MAX_UPLOAD_BYTES + 1), acting_user=request.user
        )
    except ContentImportError as error:
        context = _list_context(office)
        context["import_error"] = str(error)
        return office_render(request, "staff/content/list.html", context, status=400)
    messages.success(
        request,
        _(
            "Translations (%(language)s) imported: %(updated)s updated, %(unchanged)s unchanged, "
            "%(untranslated)s without translation, %(skipped)s skipped."
        )
        % {
            "language": BY_CODE[report.language].name_local,
            "updated": len(report.updated),
            "unchanged": report.unchanged,
            "untranslated": report.untranslated,
            "skipped": len(report.skipped),
        },
    )
    for skipped in report.skipped[:20]:
        messages.warning(
            request,
            _("Skipped %(context)s (%(text)s): %(reason)s.")
            % {"context": skipped.key, "text": skipped.label, "reason": skipped.reason},
        )
    return redirect("staff:content", office=office.slug)
