"""Translatable texts as staff edit them: which fields exist, how they are read, written and
cleaned. A text is addressed as `<kind>:<id>:<field>` (also the msgctxt of exported PO files)."""

import hashlib
import re
from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from schalter.catalog.models import Service, ServiceTextOverride
from schalter.languages import DEFAULT, LANGUAGE_CODES
from schalter.offices.models import Office
from schalter.text import is_clean as is_clean
from schalter.text import sanitise as sanitise

SOURCE_LANGUAGE = DEFAULT.code  # German: every translation is made from it
TRANSLATION_LANGUAGES = tuple(code for code in LANGUAGE_CODES if code != SOURCE_LANGUAGE)
MAX_TEXT_LENGTH = 4000

KIND_OFFICE = "office"
KIND_SERVICE = "service"
# TranslationState rows of an office's own wording of a catalogue text name the override row.
STATE_OVERRIDE = "override"
KIND_MODELS: dict[str, type[models.Model]] = {KIND_OFFICE: Office, KIND_SERVICE: Service}
# Fields that are one `{language: text}` dict; Service.documents is a list of them ("documents.N").
PLAIN_FIELDS = {
    KIND_OFFICE: ("name", "directions", "transport", "accessibility_notes"),
    KIND_SERVICE: ("name", "summary", "audience"),
}
FIELD_LABELS: dict[str, Promise] = {
    "name": _("Name"),
    "directions": _("Directions"),
    "transport": _("Public transport"),
    "accessibility_notes": _("Accessibility"),
    "summary": _("What it is"),
    "audience": _("Who needs it"),
}
MULTILINE_FIELDS = {"directions", "transport", "accessibility_notes", "summary", "audience"}
DOCUMENT_FIELD = re.compile(r"^documents\.(\d{1,3})$")


# Keep line breaks and tabs; every other control or format character (NUL, bidi overrides,
# zero-width joiners excepted) goes.
@dataclass(frozen=True)
class TextRef:
    kind: str
    obj: Office | Service
    field: str
    # A catalogue text as an office sees it: the office, whose own wording is what gets edited,
    # and that wording once it exists. Without an office: the shared text (the operator's).
    office: Office | None = None
    override: ServiceTextOverride | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.obj.pk}:{self.field}"

    @property
    def texts(self) -> dict[str, str]:
        if self.override is not None:
            return dict(self.override.texts)
        return texts_of(self.obj, self.field)

    @property
    def state_key(self) -> tuple[str, int]:
        """Whose translation states these are: the override's, else the object's."""
        if self.override is not None:
            return (STATE_OVERRIDE, self.override.pk)
        return (self.kind, self.obj.pk)

    @property
    def german(self) -> str:
        return self.texts.get(SOURCE_LANGUAGE, "")

    @property
    def multiline(self) -> bool:
        return self.field in MULTILINE_FIELDS or self.field.startswith("documents.")

    @property
    def label(self) -> str:
        match = DOCUMENT_FIELD.match(self.field)
        if match:
            return str(_("Document %(number)s") % {"number": int(match.group(1)) + 1})
        return str(FIELD_LABELS.get(self.field, self.field))

    @property
    def shared(self) -> bool:
        """A catalogue text: the same for every office unless an office words it its own way."""
        return self.kind == KIND_SERVICE

    @property
    def own_wording(self) -> bool:
        """Edited as the office's own wording (shown on its pages only)."""
        return self.kind == KIND_SERVICE and self.office is not None


def kind_of(obj: models.Model) -> str:
    for kind, model in KIND_MODELS.items():
        if isinstance(obj, model):
            return kind
    raise ValueError(f"{obj!r} has no translatable texts")


def fields_of(obj: Office | Service) -> list[str]:
    kind = kind_of(obj)
    fields = list(PLAIN_FIELDS[kind])
    if isinstance(obj, Service):
        fields += [f"documents.{index}" for index in range(len(obj.documents or []))]
    return fields


def is_field_of(obj: Office | Service, field: str) -> bool:
    return field in fields_of(obj)


def texts_of(obj: Office | Service, field: str) -> dict[str, str]:
    match = DOCUMENT_FIELD.match(field)
    value = obj.documents[int(match.group(1))] if match else getattr(obj, field)  # type: ignore[union-attr]
    return dict(value) if isinstance(value, dict) else {}


def texts_set(obj: Office | Service, field: str, texts: dict[str, str]) -> None:
    """Put the texts on the object (not saved). Empty languages are dropped."""
    cleaned = {language: text for language, text in texts.items() if text}
    match = DOCUMENT_FIELD.match(field)
    if match:
        documents = list(obj.documents)  # type: ignore[union-attr]
        documents[int(match.group(1))] = cleaned
        obj.documents = documents  # type: ignore[union-attr]
    else:
        setattr(obj, field, cleaned)


def model_field_of(field: str) -> str:
    return "documents" if DOCUMENT_FIELD.match(field) else field


def source_hash(german: str) -> str:
    return hashlib.sha256(german.encode()).hexdigest()
