from django import forms
from django.utils.translation import gettext_lazy as _

from schalter.interpreters.languages import dialect_choices
from schalter.kern_forms import KernFormMixin
from schalter.languages import LANGUAGES, OTHER_SPOKEN_LANGUAGES


def interpreter_choices() -> list[tuple[str, str]]:
    spoken = [
        (language.code, language.name_local)
        for language in LANGUAGES
        if not language.code.startswith("de")
    ]
    spoken += sorted(OTHER_SPOKEN_LANGUAGES.items(), key=lambda item: item[0])
    spoken += dialect_choices({code for code, _name in spoken})  # dialects (issue 15)
    return [("", _("No interpreter needed")), *spoken]


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
