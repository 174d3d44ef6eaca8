"""forms/field.html: a field's hint is shown and tied to it for every kind of field."""

from django import forms
from django.template.loader import render_to_string

from schalter.kern_forms import KernFormMixin


class Hinted(KernFormMixin, forms.Form):
    score = forms.TypedChoiceField(
        label="Score",
        choices=[(1, "1"), (5, "5")],
        coerce=int,
        required=False,
        widget=forms.RadioSelect,
        help_text="1: not at all, 5: very much",
    )
    days = forms.MultipleChoiceField(
        label="Days",
        choices=[("mon", "Mon")],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Any number of days",
    )
    agree = forms.BooleanField(label="Agree", required=False, help_text="You may say no")


def rendered(form: forms.Form, name: str) -> str:
    return render_to_string("forms/field.html", {"field": form[name]})


def test_a_radio_group_shows_its_hint_and_the_group_names_it():
    html = rendered(Hinted(), "score")
    assert '<div class="kern-hint" id="id_score-hint">1: not at all, 5: very much</div>' in html
    assert 'aria-describedby="id_score-hint"' in html.split("<legend")[0]


def test_a_checkbox_group_and_a_single_checkbox_show_their_hints():
    assert 'id="id_days-hint">Any number of days</div>' in rendered(Hinted(), "days")
    single = rendered(Hinted(), "agree")
    assert 'id="id_agree-hint">You may say no</div>' in single
    assert 'aria-describedby="id_agree-hint"' in single


def test_an_error_in_a_radio_group_is_what_the_group_names():
    form = Hinted({"score": "3"})
    assert not form.is_valid()
    html = rendered(form, "score")
    assert 'aria-describedby="id_score-error"' in html.split("<legend")[0]
