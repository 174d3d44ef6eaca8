from django import forms
from django.utils.translation import gettext_lazy as _

from schalter.kern_forms import KernFormMixin


class SignInRequestForm(KernFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr"}),
    )


class ReportForm(KernFormMixin, forms.Form):
    start = forms.DateTimeField(
        label=_("Began at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    end = forms.DateTimeField(
        label=_("Ended at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    travel_before_minutes = forms.IntegerField(
        label=_("Travel there (minutes)"), min_value=0, max_value=1440, initial=0
    )
    travel_after_minutes = forms.IntegerField(
        label=_("Travel back (minutes)"), min_value=0, max_value=1440, initial=0
    )
    waiting_minutes = forms.IntegerField(
        label=_("Waiting (minutes)"), min_value=0, max_value=1440, initial=0
    )
    km = forms.DecimalField(
        label=_("Kilometres driven, there and back"),
        max_digits=6,
        decimal_places=1,
        initial=0,
    )
    rail_fare = forms.CharField(label=_("Rail fare in € (receipt)"), required=False, max_length=12)
    parking = forms.CharField(label=_("Parking in € (receipt)"), required=False, max_length=12)
    receipt_missing_amount = forms.BooleanField(
        label=_("I have a receipt but no amount on it"), required=False
    )
