from django import forms
from django.utils.translation import gettext_lazy as _

# The one list of interpreter wishes (issue 15), importable from here as before.
from schalter.interpreters.languages import interpreter_choices
from schalter.kern_forms import KernFormMixin


class BookingDetailsForm(KernFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Your name"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name", "dir": "auto"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("We send the confirmation link here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr"}),
    )
    phone = forms.CharField(
        label=_("Mobile number (optional)"),
        max_length=30,
        required=False,
        help_text=_("For a reminder by text message."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "dir": "ltr", "inputmode": "tel"}),
    )
    interpreter_language = forms.ChoiceField(
        label=_("Do you need an interpreter?"), choices=interpreter_choices, required=False
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the office stores these details for my "
            "appointment. They are deleted 90 days after it."
        )
    )


class WaitlistForm(KernFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Your name"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name", "dir": "auto"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr"}),
    )
    permit_expires = forms.DateField(
        label=_("When does your current permit expire? (optional)"),
        required=False,
        help_text=_("If it expires soon, you are offered a time first."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
