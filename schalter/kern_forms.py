"""KERN UX classes and ARIA wiring for every form field, in one place."""

from django import forms


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
