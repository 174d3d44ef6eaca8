"""Staff forms of the interpreter pool: a new interpreter, her weekly availability and dated
exceptions, the month's budget, and an interpreter on the line for a callback. Languages and
dialects come from the one list (interpreters/languages.py)."""

from datetime import date
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from schalter.interpreters.languages import language_choices
from schalter.interpreters.models import ContactPreference, FeeAgreement, Mode
from schalter.kern_forms import KernFormMixin

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


def _time(label) -> forms.TimeField:
    return forms.TimeField(
        label=label, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )


class InterpreterForm(KernFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"dir": "ltr"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "tel"}),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages and dialects"),
        choices=language_choices,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    modes = forms.MultipleChoiceField(
        label=_("How she interprets"), choices=Mode.choices, widget=forms.CheckboxSelectMultiple
    )
    distance_km = forms.DecimalField(
        label=_("Distance to this office (km)"),
        min_value=Decimal(0),
        max_value=Decimal(1000),
        decimal_places=1,
        initial=Decimal(0),
    )
    fee_agreement = forms.ChoiceField(label=_("Fee agreement"), choices=FeeAgreement.choices)
    vat_liable = forms.BooleanField(label=_("Liable to VAT"), required=False)
    contact_preference = forms.ChoiceField(label=_("Contact by"), choices=ContactPreference.choices)
    confidentiality = forms.BooleanField(
        label=_("She has accepted the confidentiality terms."), required=True
    )


class WindowForm(KernFormMixin, forms.Form):
    weekday = forms.TypedChoiceField(label=_("Weekday"), choices=WEEKDAYS, coerce=int)
    start = _time(_("From"))
    end = _time(_("Until"))


class ExceptionForm(KernFormMixin, forms.Form):
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(
        label=_("From (empty: all day)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    end = forms.TimeField(
        label=_("Until (empty: all day)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    available = forms.BooleanField(
        label=_("Available on this day (otherwise: away)"), required=False
    )

    def clean_day(self) -> date:
        day = self.cleaned_data["day"]
        if not date(2000, 1, 1) <= day <= date(2100, 12, 31):
            raise forms.ValidationError(_("Enter a valid date."))
        return day


class BudgetForm(KernFormMixin, forms.Form):
    month = forms.DateField(
        label=_("Month"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    amount = forms.DecimalField(
        label=_("Budget (€)"),
        min_value=Decimal(0),
        max_value=Decimal("99999999.99"),
        decimal_places=2,
    )


class CallbackInterpreterForm(KernFormMixin, forms.Form):
    language = forms.ChoiceField(label=_("Language or dialect"), choices=language_choices)
    start = forms.DateTimeField(
        label=_("When we call back"),
        input_formats=["%Y-%m-%dT%H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    minutes = forms.IntegerField(label=_("Minutes"), min_value=5, max_value=240, initial=30)
