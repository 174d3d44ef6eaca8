from django import forms
from django.utils.translation import gettext_lazy as _

from schalter.callbacks.models import AttemptOutcome
from schalter.kern_forms import KernFormMixin


class AttemptForm(KernFormMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome of the call"), choices=AttemptOutcome.choices)
    note = forms.CharField(
        label=_("Note for colleagues"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
    )
    follow_up_at = forms.DateTimeField(
        label=_("Try again from"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M"],
    )
