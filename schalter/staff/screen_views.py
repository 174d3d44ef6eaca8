"""Call displays and their notices: the office's screens (which queues and floors each shows,
with a link to its display) and the notices its ticker rotates through, per language."""

from datetime import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schalter.accounts.roles import Capability
from schalter.content import selectors as content_selectors
from schalter.content import services as content_services
from schalter.content.models import OfficeNotice
from schalter.content.texts import SOURCE_LANGUAGE, sanitise
from schalter.kern_forms import KernFormMixin, language_fields, language_initial, language_values
from schalter.languages import LANGUAGES
from schalter.offices.models import Office
from schalter.staff.guards import office_view
from schalter.staff.navigation import office_render
from schalter.visits import selectors as visit_selectors
from schalter.visits import services as visit_services
from schalter.visits.models import Screen

# --- screens ------------------------------------------------------------------------------------


def _floor_label(floor: int) -> str:
    if floor == 0:
        return _("Ground floor")
    return _("Floor %(floor)s") % {"floor": floor}


class ScreenForm(KernFormMixin, forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=80)
    groups = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Queues shown (none ticked: all)"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    floors = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Only calls to desks on these floors (none ticked: all floors)"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    active = forms.BooleanField(label=gettext_lazy("In use"), required=False, initial=True)

    def __init__(self, *args, office: Office, **kwargs):
        super().__init__(*args, **kwargs)
        language = get_language()
        self.office_groups = {g.pk: g for g in visit_selectors.groups_of(office)}
        self.fields["groups"].choices = [
            (pk, f"{group.prefix} – {group.name_in(language)}")
            for pk, group in self.office_groups.items()
        ]
        self.fields["floors"].choices = [
            (floor, _floor_label(floor)) for floor in visit_selectors.desk_floors(office)
        ]

    def clean_name(self) -> str:
        name = sanitise(self.cleaned_data["name"], multiline=False)
        if not name:
            raise forms.ValidationError(_("Give the screen a name."))
        return name


def _screen_row(office: Office, screen: Screen, groups: dict[int, str]) -> dict[str, object]:
    return {
        "screen": screen,
        "display_url": reverse(
            "display", kwargs={"office": office.slug, "screen": screen.public_id}
        ),
        "groups": [groups[pk] for pk in screen.groups if pk in groups],
        "floors": [_floor_label(floor) for floor in screen.floors],
    }


@office_view(Capability.MANAGE_OFFICE)
def screen_list(request: HttpRequest, office: Office) -> HttpResponse:
    language = get_language()
    groups = {g.pk: g.name_in(language) for g in visit_selectors.groups_of(office)}
    rows = [_screen_row(office, s, groups) for s in visit_selectors.screens_of(office)]
    return office_render(request, "staff/screens.html", {"rows": rows})


def _screen_form_page(request: HttpRequest, office: Office, screen: Screen | None) -> HttpResponse:
    initial = (
        {
            "name": screen.name,
            "groups": screen.groups,
            "floors": screen.floors,
            "active": screen.active,
        }
        if screen is not None
        else None
    )
    form = ScreenForm(
        request.POST if request.method == "POST" else None, initial=initial, office=office
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            chosen = [form.office_groups[pk] for pk in data["groups"]]
            try:
                if screen is None:
                    screen = visit_services.screen_create(
                        office=office,
                        name=data["name"],
                        groups=chosen,
                        floors=data["floors"],
                        active=data["active"],
                        acting_user=request.user,
                    )
                else:
                    visit_services.screen_update(
                        screen=screen,
                        name=data["name"],
                        groups=chosen,
                        floors=data["floors"],
                        active=data["active"],
                        acting_user=request.user,
                    )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Screen %(name)s saved.") % {"name": screen.name})
                return redirect("staff:screens", office=office.slug)
        status = 400
    return office_render(
        request,
        "staff/screen_edit.html",
        {
            "screen": screen,
            "form": form,
            "display_url": reverse(
                "display", kwargs={"office": office.slug, "screen": screen.public_id}
            )
            if screen is not None
            else "",
        },
        status=status,
    )


@office_view(Capability.MANAGE_OFFICE)
def screen_create(request: HttpRequest, office: Office) -> HttpResponse:
    return _screen_form_page(request, office, None)


@office_view(Capability.MANAGE_OFFICE)
def screen_edit(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    return _screen_form_page(request, office, visit_selectors.screen_by_pk(office, pk))


# --- notices ------------------------------------------------------------------------------------

LOCAL_INPUT = "%Y-%m-%dT%H:%M"


def _local_moment(label) -> forms.DateTimeField:
    """Read and shown in the office's time zone (the views activate it)."""
    return forms.DateTimeField(
        label=label,
        required=False,
        input_formats=[LOCAL_INPUT, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT),
    )


class NoticeForm(KernFormMixin, forms.Form):
    active_from = _local_moment(gettext_lazy("Shown from (empty: now)"))
    active_until = _local_moment(gettext_lazy("Shown until (empty: until removed)"))
    position = forms.IntegerField(
        label=gettext_lazy("Order (smaller first)"), min_value=0, max_value=999, initial=0
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        texts = language_fields(
            "text",
            gettext_lazy("Text"),
            required_language=SOURCE_LANGUAGE,
            max_length=content_services.NOTICE_MAX_LENGTH,
        )
        # The texts first, German on top, then the period.
        self.fields = {**texts, **self.fields}

    def clean(self):
        cleaned = super().clean()
        try:
            content_services.notice_period_validate(
                cleaned.get("active_from"), cleaned.get("active_until")
            )
        except ValidationError as error:
            self.add_error("active_until", error)
        return cleaned

    def texts(self) -> dict[str, str]:
        return language_values(self.cleaned_data, "text")

    @staticmethod
    def initial_for(notice: OfficeNotice) -> dict[str, object]:
        return {
            **language_initial("text", notice.text),
            "active_from": notice.active_from,
            "active_until": notice.active_until,
            "position": notice.position,
        }


def _notice_state(notice: OfficeNotice, now: datetime) -> str:
    if content_selectors.notice_is_active(notice, now):
        return _("shown now")
    if notice.active_until is not None and notice.active_until <= now:
        return _("ended")
    return _("planned")


@office_view(Capability.MANAGE_OFFICE)
def notice_list(request: HttpRequest, office: Office) -> HttpResponse:
    now = timezone.now()
    with timezone.override(office.zone):
        rows = [
            {
                "notice": notice,
                "german": notice.text.get(SOURCE_LANGUAGE, ""),
                "languages": [lang.name_local for lang in LANGUAGES if notice.text.get(lang.code)],
                "state": _notice_state(notice, now),
            }
            for notice in content_selectors.notices_of(office)
        ]
        return office_render(request, "staff/notices.html", {"rows": rows})


def _notice_form_page(
    request: HttpRequest, office: Office, notice: OfficeNotice | None
) -> HttpResponse:
    # Times are typed and shown in the office's zone, whatever the server's.
    with timezone.override(office.zone):
        form = NoticeForm(
            request.POST if request.method == "POST" else None,
            initial=NoticeForm.initial_for(notice) if notice is not None else None,
        )
        status = 200
        if request.method == "POST":
            if form.is_valid():
                data = form.cleaned_data
                try:
                    if notice is None:
                        content_services.office_notice_create(
                            office=office,
                            texts=form.texts(),
                            active_from=data["active_from"],
                            active_until=data["active_until"],
                            position=data["position"],
                            acting_user=request.user,
                        )
                    else:
                        content_services.office_notice_update(
                            notice=notice,
                            texts=form.texts(),
                            active_from=data["active_from"],
                            active_until=data["active_until"],
                            position=data["position"],
                            acting_user=request.user,
                        )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    messages.success(request, _("Notice saved."))
                    return redirect("staff:notices", office=office.slug)
            status = 400
        return office_render(
            request,
            "staff/notice_edit.html",
            {"notice": notice, "form": form, "time_zone": office.time_zone},
            status=status,
        )


@office_view(Capability.MANAGE_OFFICE)
def notice_create(request: HttpRequest, office: Office) -> HttpResponse:
    return _notice_form_page(request, office, None)


@office_view(Capability.MANAGE_OFFICE)
def notice_edit(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    return _notice_form_page(request, office, content_selectors.notice_get(office, pk))


@require_POST
@office_view(Capability.MANAGE_OFFICE)
def notice_delete(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    content_services.office_notice_delete(
        notice=content_selectors.notice_get(office, pk), acting_user=request.user
    )
    messages.success(request, _("Notice removed."))
    return redirect("staff:notices", office=office.slug)
