"""The office's own data, edited by its admin (Capability.MANAGE_OFFICE): address and contacts,
the languages staff speak, accessibility, the logo for documents, the weekly opening hours (of
the office or of one building) and dated special hours. Texts clients read in many languages
(directions, public transport, accessibility notes) are edited in the content app's editor,
which keeps each translation's status; this page links there."""

import re
from datetime import time
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schalter.accounts.roles import Capability
from schalter.content import selectors as content_selectors
from schalter.content.texts import KIND_OFFICE
from schalter.errors import Refusal
from schalter.kern_forms import KernFormMixin
from schalter.languages import BY_CODE, OTHER_SPOKEN_LANGUAGES, spoken_language_name
from schalter.offices import selectors, services
from schalter.offices.errors import LogoTooLarge
from schalter.offices.localtime import local_date
from schalter.offices.logo import MAX_BYTES
from schalter.offices.models import Location, Office, Weekday
from schalter.staff.guards import office_view
from schalter.staff.navigation import office_render

CLIENT_TEXTS = ("directions", "transport", "accessibility_notes")
# A logo upload is refused from its Content-Length before the body is read: the file itself
# plus room for the form around it.
LOGO_BODY_LIMIT = MAX_BYTES + 64 * 1024


class DetailsForm(KernFormMixin, forms.Form):
    street = forms.CharField(label=gettext_lazy("Street"), max_length=200)
    postcode = forms.RegexField(label=gettext_lazy("Postcode"), regex=r"^\d{5}$", max_length=5)
    city = forms.CharField(label=gettext_lazy("City"), max_length=100)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=30)
    email = forms.EmailField(label=gettext_lazy("E-mail"))
    languages_served = forms.MultipleChoiceField(
        label=gettext_lazy("Languages our staff speak"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    step_free_access = forms.BooleanField(label=gettext_lazy("Step-free access"), required=False)
    hearing_loop = forms.BooleanField(
        label=gettext_lazy("Hearing loop at the counters"), required=False
    )
    accessible_toilet = forms.BooleanField(label=gettext_lazy("Accessible toilet"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        codes = [*BY_CODE, *OTHER_SPOKEN_LANGUAGES]
        self.fields["languages_served"].choices = [
            (code, spoken_language_name(code)) for code in codes
        ]


class LogoForm(KernFormMixin, forms.Form):
    logo = forms.FileField(
        label=gettext_lazy("Logo for documents (PNG or JPEG, at most 2 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )


WALL_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")


def _clock(text: str) -> time:
    """ "8:00" or "08:00" → a wall-clock time (no seconds, no zone); ValueError otherwise."""
    found = WALL_CLOCK.match(text.strip())
    if found is None:
        raise ValueError(text)
    return time(int(found.group(1)), int(found.group(2)))


def _periods(raw: str) -> list[tuple[time, time]]:
    """ "08:00-12:00, 13:00-15:30" → periods; ValueError names what could not be read."""
    periods = []
    for part in raw.replace("–", "-").split(","):
        part = part.strip()
        if not part:
            continue
        opens, sep, closes = part.partition("-")
        if not sep:
            raise ValueError(part)
        try:
            periods.append((_clock(opens), _clock(closes)))
        except ValueError:
            raise ValueError(part) from None
    return periods


class WeeklyHoursForm(KernFormMixin, forms.Form):
    def __init__(self, *args: Any, week: dict, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for day in Weekday:
            self.fields[f"day_{day.value}"] = forms.CharField(
                label=day.label,
                required=False,
                max_length=200,
                help_text=gettext_lazy("For example 08:00-12:00, 13:00-15:30; empty: closed"),
                initial=", ".join(f"{p.opens:%H:%M}-{p.closes:%H:%M}" for p in week[day.value]),
            )

    def clean(self) -> dict:
        cleaned = super().clean()
        weekly = {}
        for day in Weekday:
            name = f"day_{day.value}"
            try:
                weekly[day.value] = _periods(cleaned.get(name) or "")
            except ValueError as error:
                self.add_error(
                    name,
                    _("“%(text)s” is not a time span like 08:00-12:00.") % {"text": error},
                )
        cleaned["weekly"] = weekly
        return cleaned


class SpecialHoursForm(KernFormMixin, forms.Form):
    day = forms.DateField(label=gettext_lazy("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    periods = forms.CharField(
        label=gettext_lazy("Opening hours"),
        max_length=200,
        help_text=gettext_lazy("For example 08:00-12:00, 13:00-15:30; empty: closed"),
    )
    note = forms.CharField(label=gettext_lazy("Note for clients"), max_length=200, required=False)

    def clean_periods(self) -> list[tuple[time, time]]:
        try:
            return _periods(self.cleaned_data["periods"])
        except ValueError as error:
            raise forms.ValidationError(
                _("“%(text)s” is not a time span like 08:00-12:00.") % {"text": error}
            ) from None


def _refused(form: forms.Form, refusal: Refusal) -> None:
    field = refusal.field if refusal.field in form.fields else None
    form.add_error(field, str(refusal.message))


def _client_texts(office: Office) -> list[dict[str, Any]]:
    texts = []
    for field in CLIENT_TEXTS:
        ref = content_selectors.content_text_get(office, KIND_OFFICE, office.pk, field)
        statuses = content_selectors.text_statuses(ref)
        texts.append(
            {
                "label": ref.label,
                "german": ref.german,
                "field": field,
                "missing": [code for code, status in statuses.items() if status != "current"],
            }
        )
    return texts


@office_view(Capability.MANAGE_OFFICE)
def office_settings(request: HttpRequest, office: Office) -> HttpResponse:
    initial = {name: getattr(office, name) for name in services.DETAIL_FIELDS}
    form = DetailsForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            changes = {name: form.cleaned_data[name] for name in form.changed_data}
            try:
                services.office_details_update(
                    office=office, changes=changes, acting_user=request.user
                )
            except Refusal as refusal:
                _refused(form, refusal)
            else:
                messages.success(request, _("The office's details are saved."))
                return redirect("staff:office_settings", office=office.slug)
        status = 400
    return office_render(
        request,
        "staff/office_admin/settings.html",
        {
            "form": form,
            "logo_form": LogoForm(),
            "has_logo": bool(office.logo_png),
            "client_texts": _client_texts(office),
            "may_edit_texts": request.access.may(Capability.EDIT_CONTENT),  # type: ignore[attr-defined]
        },
        status=status,
    )


@require_POST
@office_view(Capability.MANAGE_OFFICE)
def office_logo(request: HttpRequest, office: Office) -> HttpResponse:
    """Upload (or remove) the logo. A body larger than the limit is refused from its announced
    length, before Django reads or spools any of it."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > LOGO_BODY_LIMIT:
        return office_render(
            request,
            "staff/office_admin/logo_refused.html",
            {"message": _("The logo is too large. Upload a PNG or JPEG of at most 2 MB.")},
            status=413,
        )
    if request.POST.get("action") == "remove":
        services.office_logo_remove(office=office, acting_user=request.user)
        messages.success(request, _("The logo is removed."))
        return redirect("staff:office_settings", office=office.slug)
    form = LogoForm(request.POST, request.FILES)
    message = ""
    if form.is_valid():
        upload = form.cleaned_data["logo"]
        try:
            if upload.size > MAX_BYTES:
                raise LogoTooLarge(field="logo")
            services.office_logo_set(office=office, data=upload.read(), acting_user=request.user)
        except Refusal as refusal:
            message, status = str(refusal.message), refusal.status
        else:
            messages.success(request, _("The logo is saved."))
            return redirect("staff:office_settings", office=office.slug)
    else:
        message, status = _("Choose a PNG or JPEG file."), 400
    return office_render(
        request, "staff/office_admin/logo_refused.html", {"message": message}, status=status
    )


def _location_chosen(request: HttpRequest, office: Office) -> Location | None:
    raw = request.GET.get("location") or request.POST.get("location") or ""
    return selectors.location_get(office, raw) if raw else None


@office_view(Capability.MANAGE_OFFICE)
def hours(request: HttpRequest, office: Office) -> HttpResponse:
    location = _location_chosen(request, office)
    week = selectors.weekly_hours_of(office, location)
    posted = request.POST if request.method == "POST" else None
    action = request.POST.get("action", "weekly") if posted else ""
    weekly_form = WeeklyHoursForm(posted if action == "weekly" else None, week=week)
    special_form = SpecialHoursForm(posted if action == "special" else None)
    status = 200
    if action == "weekly":
        if weekly_form.is_valid():
            try:
                services.opening_hours_set(
                    office=office,
                    weekly=weekly_form.cleaned_data["weekly"],
                    location=location,
                    acting_user=request.user,
                )
            except Refusal as refusal:
                _refused(weekly_form, refusal)
            else:
                messages.success(request, _("The opening hours are saved."))
                return redirect(request.get_full_path())
        status = 400
    elif action == "special":
        if special_form.is_valid():
            data = special_form.cleaned_data
            try:
                services.special_hours_set(
                    office=office,
                    day=data["day"],
                    periods=data["periods"],
                    note={get_language(): data["note"]},
                    location=location,
                    now=timezone.now(),
                    acting_user=request.user,
                )
            except Refusal as refusal:
                _refused(special_form, refusal)
            else:
                messages.success(request, _("The special opening hours are saved."))
                return redirect(request.get_full_path())
        status = 400
    today = local_date(office, timezone.now())
    language = get_language()
    return office_render(
        request,
        "staff/office_admin/hours.html",
        {
            "weekly_form": weekly_form,
            "special_form": special_form,
            "location": location,
            "locations": [
                {"pk": loc.pk, "name": loc.name_in(language), "current": loc == location}
                for loc in selectors.locations_of(office)
            ],
            "specials": [
                {
                    "pk": s.pk,
                    "day": s.day,
                    "opens": s.opens,
                    "closes": s.closes,
                    "note": s.note_in(language),
                    "location": s.location.name_in(language) if s.location else "",
                }
                for s in selectors.special_hours_upcoming(office, today)
            ],
        },
        status=status,
    )


@require_POST
@office_view(Capability.MANAGE_OFFICE)
def special_hours_delete(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    services.special_hours_remove(
        special=selectors.special_hours_get(office, pk), acting_user=request.user
    )
    messages.success(request, _("The special opening hours are removed."))
    return redirect("staff:hours", office=office.slug)
