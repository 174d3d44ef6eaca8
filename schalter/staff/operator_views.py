"""The operator's pages (/staff/installation/…, Capability.RUN_INSTALLATION): the offices of the
installation, a new office from a template, its first admin, suspending and resuming an office.
The operator sees each office's name, address and state, never its clients: these pages read no
appointment, ticket or person of an office, and the office's own pages stay closed to her
(office_view answers 404 without a membership)."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schalter.accounts.selectors import is_operator
from schalter.appointments.services.suspension import office_suspend_and_tell
from schalter.catalog.models import Service
from schalter.content.selectors import Status, text_statuses
from schalter.content.services import content_text_update
from schalter.content.texts import (
    KIND_SERVICE,
    MAX_TEXT_LENGTH,
    SOURCE_LANGUAGE,
    TRANSLATION_LANGUAGES,
    TextRef,
    fields_of,
    is_field_of,
)
from schalter.errors import Refusal
from schalter.kern_forms import KernFormMixin
from schalter.languages import BY_CODE
from schalter.offices import selectors, services
from schalter.offices.models import Office, slug_validator, validate_not_reserved
from schalter.staff.guards import verified_staff
from schalter.staff.office_templates import BUILT_IN, NewOffice, office_from_template

View = Callable[..., HttpResponse]


def operator_view(view: View) -> View:
    """Signed in with two factors and holding the operator role (else 404, as for a page that
    does not exist)."""

    @verified_staff
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_operator(user=request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


class NewOfficeForm(KernFormMixin, forms.Form):
    slug = forms.CharField(
        label=gettext_lazy("Short name in web addresses"),
        max_length=40,
        validators=[slug_validator, validate_not_reserved],
        help_text=gettext_lazy("Lower-case letters, digits and hyphens, e.g. wiesbaden"),
    )
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    street = forms.CharField(label=gettext_lazy("Street"), max_length=200)
    postcode = forms.RegexField(label=gettext_lazy("Postcode"), regex=r"^\d{5}$", max_length=5)
    city = forms.CharField(label=gettext_lazy("City"), max_length=100)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=30)
    email = forms.EmailField(label=gettext_lazy("E-mail"))
    template = forms.ChoiceField(label=gettext_lazy("Copy services, queues and booking rules from"))
    admin_email = forms.EmailField(label=gettext_lazy("E-mail of its first admin"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = get_language()
        self.fields["template"].choices = [
            (BUILT_IN, _("The built-in template (every catalogue service, one queue)")),
            *((o.slug, o.name_in(language)) for o in selectors.office_list()),
        ]

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"].strip().lower()
        if Office.objects.filter(slug=slug).exists():
            raise ValidationError(_("Another office already has this name."))
        return slug


class AdminForm(KernFormMixin, forms.Form):
    admin_email = forms.EmailField(label=gettext_lazy("E-mail of the admin"))


def _office_rows() -> list[dict[str, Any]]:
    language = get_language()
    return [
        {
            "office": office,
            "name": office.name_in(language),
            "suspended": office.suspended,
        }
        for office in selectors.office_list()
    ]


@operator_view
def installation(request: HttpRequest) -> HttpResponse:
    return render(request, "staff/operator/offices.html", {"offices": _office_rows()})


@operator_view
def office_create(request: HttpRequest) -> HttpResponse:
    form = NewOfficeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            template = (
                None if data["template"] == BUILT_IN else selectors.office_by_slug(data["template"])
            )
            try:
                with transaction.atomic():  # no office without its first admin
                    office = office_from_template(
                        new=NewOffice(
                            slug=data["slug"],
                            name=data["name"],
                            street=data["street"],
                            postcode=data["postcode"],
                            city=data["city"],
                            phone=data["phone"],
                            email=data["email"],
                        ),
                        template=template,
                        acting_user=request.user,
                    )
                    services.office_first_admin_assign(
                        office=office, email=data["admin_email"], acting_user=request.user
                    )
            except Refusal as refusal:
                field = refusal.field if refusal.field in form.fields else None
                form.add_error(field, str(refusal.message))
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                messages.success(request, _("The office is set up."))
                return redirect("staff:installation_office", slug=office.slug)
        status = 400
    return render(request, "staff/operator/office_new.html", {"form": form}, status=status)


@operator_view
def office_detail(request: HttpRequest, slug: str) -> HttpResponse:
    office = selectors.office_by_slug(slug)
    form = AdminForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.office_first_admin_assign(
                    office=office, email=form.cleaned_data["admin_email"], acting_user=request.user
                )
            except Refusal as refusal:
                form.add_error("admin_email", str(refusal.message))
            else:
                messages.success(request, _("The admin is added."))
                return redirect("staff:installation_office", slug=office.slug)
        status = 400
    return render(
        request,
        "staff/operator/office.html",
        {"office": office, "office_name": office.name_in(get_language()), "form": form},
        status=status,
    )


@require_POST
@operator_view
def office_suspension(request: HttpRequest, slug: str) -> HttpResponse:
    office = selectors.office_by_slug(slug)
    if request.POST.get("action") == "resume":
        services.office_resume(office=office, acting_user=request.user)
        messages.success(request, _("The office is open again."))
    elif request.POST.get("action") == "suspend":
        done = office_suspend_and_tell(office=office, now=timezone.now(), acting_user=request.user)
        messages.success(
            request,
            _(
                "The office is suspended. %(told)s clients with an appointment are told by "
                "e-mail; %(unreachable)s have no e-mail address."
            )
            % {"told": done.told, "unreachable": done.unreachable},
        )
    else:
        return HttpResponse(_("Please check your entry."), status=400)
    return redirect("staff:installation_office", slug=office.slug)


# --- the shared service catalogue's texts (the operator alone changes them) ---------------------


class SharedTextForm(KernFormMixin, forms.Form):
    """One shared catalogue text in every language."""

    def __init__(self, *args: Any, ref: TextRef, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code in (SOURCE_LANGUAGE, *TRANSLATION_LANGUAGES):
            language = BY_CODE[code]
            attrs = {"lang": language.html_lang, "dir": language.dir}
            self.fields[f"text_{code}"] = forms.CharField(
                label=language.name_local,
                required=code == SOURCE_LANGUAGE and ref.field == "name",
                max_length=MAX_TEXT_LENGTH,
                initial=ref.texts.get(code, ""),
                widget=forms.Textarea(attrs={**attrs, "rows": 3})
                if ref.multiline
                else forms.TextInput(attrs=attrs),
            )


@operator_view
def catalogue(request: HttpRequest) -> HttpResponse:
    language = get_language()
    services = [
        {
            "service": service,
            "name": service.name_in(language),
            "fields": [
                {"field": field, "label": TextRef(KIND_SERVICE, service, field).label}
                for field in fields_of(service)
            ],
        }
        for service in Service.objects.order_by("slug")
    ]
    return render(request, "staff/operator/catalogue.html", {"services": services})


@operator_view
def catalogue_text(request: HttpRequest, service: int, field: str) -> HttpResponse:
    found = Service.objects.filter(pk=service).first()
    if found is None or not is_field_of(found, field):
        raise Http404
    ref = TextRef(KIND_SERVICE, found, field)
    form = SharedTextForm(request.POST if request.method == "POST" else None, ref=ref)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                with transaction.atomic():
                    for code in (SOURCE_LANGUAGE, *TRANSLATION_LANGUAGES):
                        text = form.cleaned_data[f"text_{code}"]
                        if text.strip() == ref.texts.get(code, ""):
                            continue
                        content_text_update(
                            obj=found,
                            field=field,
                            language=code,
                            text=text,
                            acting_user=request.user,
                        )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Texts saved."))
                return redirect("staff:installation_catalogue_text", service=found.pk, field=field)
        status = 400
    statuses = text_statuses(ref)
    return render(
        request,
        "staff/operator/catalogue_text.html",
        {
            "service_name": found.name_in(get_language()),
            "label": ref.label,
            "form": form,
            "missing": [code for code, state in statuses.items() if state != Status.CURRENT],
        },
        status=status,
    )
