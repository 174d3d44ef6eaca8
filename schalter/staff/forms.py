from django import forms
from django.utils.translation import gettext_lazy as _

from schalter.catalog.models import Service
from schalter.kern_forms import KernFormMixin
from schalter.offices.models import Desk, Location


class PasswordForm(KernFormMixin, forms.Form):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=200,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeForm(KernFormMixin, forms.Form):
    code = forms.RegexField(
        label=_("Six-digit code from your authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the six digits shown in your app.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip()


class DeskForm(KernFormMixin, forms.ModelForm):
    # Declared here: the scoped default manager may not be queried when the class is built.
    location = forms.ModelChoiceField(label=_("Building"), queryset=Location.objects.none())

    class Meta:
        model = Desk
        fields = ["number", "colour", "location", "floor", "room", "services", "active"]
        labels = {
            "number": _("Desk number"),
            "colour": _("Colour"),
            "location": _("Building"),
            "floor": _("Floor"),
            "room": _("Room"),
            "services": _("Services at this desk"),
            "active": _("In use"),
        }
        widgets = {"services": forms.CheckboxSelectMultiple}

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.office = office
        self.fields["location"].queryset = Location.objects.filter(office=office)
        self.fields["services"].queryset = Service.objects.all()
        self.fields["number"].min_value = 1
        self.fields["floor"].min_value = -5
        self.fields["floor"].max_value = 60

    def clean_number(self) -> int:
        number = self.cleaned_data["number"]
        taken = Desk.objects.filter(office=self.instance.office, number=number).exclude(
            pk=self.instance.pk
        )
        if taken.exists():
            raise forms.ValidationError(
                _("Another desk already has number %(number)s."), params={"number": number}
            )
        return number

    def clean(self):
        cleaned = super().clean()
        location = cleaned.get("location")
        floor = cleaned.get("floor")
        if (
            location
            and floor is not None
            and not (location.lowest_floor <= floor <= location.highest_floor)
        ):
            self.add_error(
                "floor",
                _("This building has floors %(lowest)s to %(highest)s.")
                % {"lowest": location.lowest_floor, "highest": location.highest_floor},
            )
        return cleaned


class ClosureForm(KernFormMixin, forms.Form):
    first_day = forms.DateField(
        label=_("First day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    last_day = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason (shown to clients)"), max_length=200)

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_day"), cleaned.get("last_day")
        if first and last and last < first:
            self.add_error("last_day", _("The last day cannot be before the first day."))
        if first and last and (last - first).days > 366:
            self.add_error("last_day", _("A closure can last at most one year."))
        return cleaned


class SubjectAccessForm(KernFormMixin, forms.Form):
    """Whom a subject-access export is for: any one of her e-mail, phone number or booking code."""

    email = forms.CharField(label=_("E-mail address"), required=False, max_length=254)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=30)
    code = forms.CharField(label=_("Booking code"), required=False, max_length=40)

    def clean(self):
        data = super().clean()
        if not any((data.get(name) or "").strip() for name in ("email", "phone", "code")):
            raise forms.ValidationError(
                _("Give an e-mail address, a phone number or a booking code.")
            )
        return data
