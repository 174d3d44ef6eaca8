"""KERN UX classes and ARIA wiring for every form field, in one place."""

from django import forms
from django.utils.text import format_lazy

from schalter.languages import LANGUAGES


class KernFormMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.Select) and not widget.allow_multiple_selected:
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
