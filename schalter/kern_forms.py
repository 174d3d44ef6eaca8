"""KERN UX classes and ARIA wiring for every form field, in one place."""

from django import forms, template
from django.core.exceptions import ValidationError
from django.db.models import fields as model_fields
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from schalter.languages import LANGUAGES

# The empty choice of a select, in the page's language: Django's own ("- Select an option -",
# or "---------") is missing from its German catalogue and would speak English in German pages.
BLANK_CHOICE_LABEL = _("Please choose")
DJANGO_BLANK_LABELS = {str(model_fields.BLANK_CHOICE_LABEL), model_fields.BLANK_CHOICE_DASH[0][1]}

register = template.Library()  # {% load kern %} (TEMPLATES' "libraries" in the settings)

# Years a typed date or moment may have. Django takes 1 to 9999, but 9999-12-31 has no next day
# and an office's midnight of 0001-01-01 lies before year 1 in UTC: a period's bounds would
# overflow (a 500) instead of the form refusing the day.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2999


def within_calendar(value) -> None:
    """Refuse a date or moment outside EARLIEST_YEAR..LATEST_YEAR as an invalid date."""
    if value is not None and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValidationError(forms.DateField.default_error_messages["invalid"], code="invalid")


class KernFormMixin:
    """Every form of Schalter: KERN classes and ARIA wiring, and dates within the calendar
    (`within_calendar`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            _translate_blank_choice(field)
            if isinstance(field, forms.DateField | forms.DateTimeField):
                field.validators.append(within_calendar)
            if isinstance(widget, forms.RadioSelect):
                widget.attrs.setdefault("class", "kern-form-check__radio")
            elif isinstance(widget, forms.CheckboxSelectMultiple):
                widget.attrs.setdefault("class", "kern-form-check__checkbox")
            elif isinstance(widget, forms.Select) and not widget.allow_multiple_selected:
                widget.attrs.setdefault("class", "kern-form-input__select")
            elif isinstance(widget, forms.widgets.Input) and widget.input_type not in {
                "checkbox",
                "radio",
            }:
                widget.attrs.setdefault("class", "kern-form-input__input")
            if field.help_text:
                widget.attrs["aria-describedby"] = f"id_{self.add_prefix(name)}-hint"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["aria-invalid"] = "true"
                widget.attrs["aria-describedby"] = f"id_{self.add_prefix(name)}-error"


def _translate_blank_choice(field: forms.Field) -> None:
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label is not None:
            field.empty_label = BLANK_CHOICE_LABEL
    elif isinstance(field, forms.ChoiceField):
        choices = list(field.choices)
        if any(value == "" and str(label) in DJANGO_BLANK_LABELS for value, label in choices):
            field.choices = [
                (value, BLANK_CHOICE_LABEL if value == "" else label) for value, label in choices
            ]


class KernSelectNode(template.Node):
    def __init__(self, nodelist, name, attrs):
        self.nodelist, self.name, self.attrs = nodelist, name, attrs

    def render(self, context):
        name = self.name.resolve(context)
        attrs = {key: value.resolve(context) for key, value in self.attrs.items()}
        control_id = attrs.pop("id", name)
        label = attrs.pop("label", "")
        return format_html(
            '<div class="kern-form-input"><label class="kern-label" for="{}">{}</label>'
            '<div class="kern-form-input__select-wrapper">'
            '<select class="kern-form-input__select" id="{}" name="{}">{}</select></div></div>',
            control_id,
            label,
            control_id,
            name,
            self.nodelist.render(context),
        )


@register.tag
def kern_select(parser, token):
    """{% kern_select "name" id="…" label=_("…") %}<option>…{% endkern_select %}: a select
    with its label, styled as the design system's (the wrapper draws the border and arrow)."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("kern_select needs the field's name")
    attrs = {}
    for bit in bits[2:]:
        key, _sep, value = bit.partition("=")
        attrs[key] = parser.compile_filter(value)
    nodelist = parser.parse(("endkern_select",))
    parser.delete_first_token()
    return KernSelectNode(nodelist, parser.compile_filter(bits[1]), attrs)


def language_fields(
    prefix: str, label, *, required_language: str | None, max_length: int
) -> dict[str, forms.CharField]:
    """One text field per site language for a text kept per language ({code: text}), each
    labelled and marked with its language and direction; the site's order, German first."""
    return {
        language_field_name(prefix, language.code): forms.CharField(
            label=format_lazy("{} ({})", label, language.name_local),
            required=language.code == required_language,
            max_length=max_length,
            widget=forms.TextInput(
                attrs={
                    "lang": language.html_lang,
                    "dir": language.dir,
                    "class": "kern-form-input__input",
                }
            ),
        )
        for language in LANGUAGES
    }


def language_field_name(prefix: str, code: str) -> str:
    return f"{prefix}_{code.replace('-', '_')}"


def language_values(cleaned: dict, prefix: str) -> dict[str, str]:
    """The filled-in texts of `language_fields`, by language code."""
    texts = {
        lang.code: (cleaned.get(language_field_name(prefix, lang.code)) or "").strip()
        for lang in LANGUAGES
    }
    return {code: text for code, text in texts.items() if text}


def language_initial(prefix: str, texts: dict[str, str]) -> dict[str, str]:
    return {language_field_name(prefix, code): text for code, text in texts.items()}
