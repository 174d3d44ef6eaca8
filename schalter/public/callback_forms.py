from django import forms
from django.utils.translation import gettext_lazy as _

from schalter.kern_forms import KernFormMixin
from schalter.languages import LANGUAGES

WINDOW_CHOICES = [
    ("morning", _("Mornings (8 to 12)")),
    ("midday", _("Midday (12 to 14)")),
    ("afternoon", _("Afternoons (14 to 18)")),
]


class CallbackRequestForm(KernFormMixin, forms.Form):
    number = forms.CharField(
        label=_("Your phone number"),
        max_length=30,
        help_text=_("For example 0151 23456789, or with +, or 00 for numbers from abroad."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "dir": "ltr", "inputmode": "tel"}),
    )
    language = forms.ChoiceField(
        label=_("Language of the call"),
        choices=[(language.code, language.name_local) for language in LANGUAGES],
    )
    topic = forms.TypedChoiceField(label=_("Topic"), coerce=int, required=False, empty_value=None)
    windows = forms.MultipleChoiceField(
        label=_("When may we call you?"),
        choices=WINDOW_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, topics: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["topic"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Something else")), *topics]
