"""Setting up the queues: service groups (ticket prefix, services, walk-ins, waiting zone, when
the "wait anywhere" text goes) and the kiosks with the link that unlocks each."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from schalter.accounts.roles import Capability
from schalter.appointments.selectors import offered_services
from schalter.content.texts import SOURCE_LANGUAGE, sanitise
from schalter.kern_forms import KernFormMixin, language_fields, language_initial, language_values
from schalter.offices.models import Office
from schalter.staff.guards import office_view
from schalter.staff.navigation import office_render
from schalter.visits import selectors, services
from schalter.visits.models import Kiosk, ServiceGroup

TEXT_LENGTH = 120


class GroupForm(KernFormMixin, forms.Form):
    prefix = forms.RegexField(
        label=gettext_lazy("Ticket prefix (1 to 3 letters)"),
        regex=r"^[A-Za-z]{1,3}$",
        error_messages={"invalid": gettext_lazy("Use one to three letters, e.g. A.")},
    )
    services = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Services of this queue"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    walk_ins_allowed = forms.BooleanField(
        label=gettext_lazy("Walk-in tickets at the kiosk"), required=False
    )
    daily_walk_in_quota = forms.IntegerField(
        label=gettext_lazy("Walk-in tickets per day (0: no limit)"), min_value=0, max_value=9999
    )
    notify_when_ahead = forms.IntegerField(
        label=gettext_lazy("Text message when this many clients are ahead"),
        min_value=0,
        max_value=50,
    )
    position = forms.IntegerField(
        label=gettext_lazy("Order (smaller first)"), min_value=0, max_value=999
    )

    def __init__(self, *args, office: Office, group: ServiceGroup | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.office, self.group = office, group
        language = get_language()
        offered = [o.service for o in offered_services(office, online_only=False)]
        self.offered = {s.pk: s for s in offered}
        self.fields["services"].choices = [(s.pk, s.name_in(language)) for s in offered]
        names = language_fields(
            "name",
            gettext_lazy("Name"),
            required_language=SOURCE_LANGUAGE,
            max_length=TEXT_LENGTH,
        )
        zones = language_fields(
            "zone", gettext_lazy("Waiting zone"), required_language=None, max_length=TEXT_LENGTH
        )
        self.fields = {**names, **self.fields, **zones}

    def clean_prefix(self) -> str:
        prefix = self.cleaned_data["prefix"].upper()
        taken = {g.prefix for g in selectors.groups_of(self.office) if g != self.group}
        if prefix in taken:
            raise forms.ValidationError(_("Another queue of this office already uses this prefix."))
        return prefix

    def clean(self):
        cleaned = super().clean()
        for name in self.fields:
            if name.startswith(("name_", "zone_")) and cleaned.get(name):
                cleaned[name] = sanitise(cleaned[name], multiline=False)
        return cleaned


# A kiosk's key is random and kept only as its hash: the admin sees it once, on the first page
# after the kiosk was made or its key renewed; until then it waits here in her session.
NEW_KEYS_KEY = "schalter.kiosk_new_keys"


def _key_to_show(request: HttpRequest, kiosk: Kiosk, key: str) -> None:
    request.session[NEW_KEYS_KEY] = {**request.session.get(NEW_KEYS_KEY, {}), str(kiosk.pk): key}


def _kiosk_row(request: HttpRequest, office: Office, kiosk: Kiosk) -> dict[str, object]:
    """The kiosk, with its unlock link only if its key is shown now (once)."""
    waiting = request.session.get(NEW_KEYS_KEY, {})
    key = waiting.pop(str(kiosk.pk), "")
    if key:
        request.session[NEW_KEYS_KEY] = waiting
    path = reverse("kiosk", kwargs={"office": office.slug, "kiosk": kiosk.public_id})
    return {"kiosk": kiosk, "unlock_url": f"{path}?key={key}" if key else ""}


@office_view(Capability.MANAGE_OFFICE)
def queue_setup(request: HttpRequest, office: Office) -> HttpResponse:
    language = get_language()
    groups = [
        {
            "group": group,
            "name": group.name_in(language),
            "zone": group.waiting_zone_in(language),
            "services": [s.name_in(language) for s in group.services.all()],
        }
        for group in selectors.groups_of(office)
    ]
    kiosks = [_kiosk_row(request, office, k) for k in selectors.kiosks_of(office)]
    return office_render(request, "staff/queue_setup.html", {"groups": groups, "kiosks": kiosks})


def _group_page(request: HttpRequest, office: Office, group: ServiceGroup | None) -> HttpResponse:
    initial: dict[str, object] = {
        "walk_ins_allowed": True,
        "daily_walk_in_quota": 0,
        "notify_when_ahead": 3,
        "position": 0,
    }
    if group is not None:
        initial = {
            **language_initial("name", group.name),
            **language_initial("zone", group.waiting_zone),
            "prefix": group.prefix,
            "services": [s.pk for s in group.services.all()],
            "walk_ins_allowed": group.walk_ins_allowed,
            "daily_walk_in_quota": group.daily_walk_in_quota,
            "notify_when_ahead": group.notify_when_ahead,
            "position": group.position,
        }
    form = GroupForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        office=office,
        group=group,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            values = {
                "name": language_values(data, "name"),
                "prefix": data["prefix"],
                "services": [form.offered[pk] for pk in data["services"]],
                "walk_ins_allowed": data["walk_ins_allowed"],
                "daily_walk_in_quota": data["daily_walk_in_quota"],
                "waiting_zone": language_values(data, "zone"),
                "position": data["position"],
                "acting_user": request.user,
            }
            try:
                if group is None:
                    group = services.service_group_create(
                        office=office, notify_when_ahead=data["notify_when_ahead"], **values
                    )
                else:
                    services.service_group_update(
                        group=group, notify_when_ahead=data["notify_when_ahead"], **values
                    )
            except ValidationError as error:  # a parallel save took the prefix meanwhile
                form.add_error(None, error)
            else:
                messages.success(request, _("Queue %(prefix)s saved.") % {"prefix": group.prefix})
                return redirect("staff:queue_setup", office=office.slug)
        status = 400
    return office_render(
        request, "staff/group_edit.html", {"group": group, "form": form}, status=status
    )


@office_view(Capability.MANAGE_OFFICE)
def group_create(request: HttpRequest, office: Office) -> HttpResponse:
    return _group_page(request, office, None)


@office_view(Capability.MANAGE_OFFICE)
def group_edit(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    return _group_page(request, office, selectors.group_get(office, pk))


class KioskForm(KernFormMixin, forms.Form):
    name = forms.CharField(label=gettext_lazy("Name (where it stands)"), max_length=80)
    active = forms.BooleanField(label=gettext_lazy("In use"), required=False)

    def clean_name(self) -> str:
        name = sanitise(self.cleaned_data["name"], multiline=False)
        if not name:
            raise forms.ValidationError(_("Give the kiosk a name."))
        return name


def _kiosk_page(request: HttpRequest, office: Office, kiosk: Kiosk | None) -> HttpResponse:
    initial = {"name": kiosk.name, "active": kiosk.active} if kiosk else {"active": True}
    form = KioskForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST" and kiosk is not None and request.POST.get("action") == "renew_key":
        _key_to_show(
            request, kiosk, services.kiosk_key_renew(kiosk=kiosk, acting_user=request.user)
        )
        messages.success(
            request,
            _(
                "New key for %(name)s. Browsers unlocked with the old link are locked until "
                "they open the new one."
            )
            % {"name": kiosk.name},
        )
        return redirect("staff:kiosk", office=office.slug, pk=kiosk.pk)
    if request.method == "POST":
        if form.is_valid():
            name, active = form.cleaned_data["name"], form.cleaned_data["active"]
            if kiosk is None:
                kiosk, key = services.kiosk_create(
                    office=office, name=name, acting_user=request.user
                )
                _key_to_show(request, kiosk, key)
            services.kiosk_update(kiosk=kiosk, name=name, active=active, acting_user=request.user)
            messages.success(request, _("Kiosk %(name)s saved.") % {"name": kiosk.name})
            return redirect("staff:queue_setup", office=office.slug)
        status = 400
    row = _kiosk_row(request, office, kiosk) if kiosk else None
    return office_render(
        request, "staff/kiosk_edit.html", {"row": row, "form": form}, status=status
    )


@office_view(Capability.MANAGE_OFFICE)
def kiosk_create(request: HttpRequest, office: Office) -> HttpResponse:
    return _kiosk_page(request, office, None)


@office_view(Capability.MANAGE_OFFICE)
def kiosk_edit(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    return _kiosk_page(request, office, selectors.kiosk_by_pk(office, pk))
