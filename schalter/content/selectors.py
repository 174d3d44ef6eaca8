"""Reads for the content editor: an office's texts and the translation status per language.

An office's texts are its own (name, directions) and those of the catalogue services it offers.
Lookups answer 404 alike for "missing" and "not this office's"."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.db.models import Q
from django.http import Http404
from django_scopes import scope

from schalter.appointments import selectors as booking_selectors
from schalter.catalog.models import Service
from schalter.catalog.selectors import overrides_of
from schalter.content.models import OfficeNotice, TranslationState
from schalter.content.texts import (
    KIND_OFFICE,
    KIND_SERVICE,
    SOURCE_LANGUAGE,
    TRANSLATION_LANGUAGES,
    TextRef,
    fields_of,
    is_field_of,
    source_hash,
)
from schalter.languages import LANGUAGES, Language, language_for, translated_key
from schalter.offices.models import Office
from schalter.offices.selectors import owned_by


class Status(StrEnum):
    MISSING = "missing"
    OUTDATED = "outdated"
    CURRENT = "current"


StateKey = tuple[str, int, str, str]  # kind, object id, field, language


@dataclass(frozen=True)
class TextStatus:
    ref: TextRef
    statuses: dict[str, Status]  # per translation language


def offered_catalogue(office: Office) -> list[Service]:
    return [
        offered.service for offered in booking_selectors.offered_services(office, online_only=False)
    ]


def content_object_get(office: Office, kind: str, pk: int) -> Office | Service:
    if kind == KIND_OFFICE and pk == office.pk:
        return office
    if kind == KIND_SERVICE:
        for service in offered_catalogue(office):
            if service.pk == pk:
                return service
    raise Http404


def content_text_get(office: Office, kind: str, pk: int, field: str) -> TextRef:
    """One of the office's texts; a catalogue text as the office's own wording of it."""
    obj = content_object_get(office, kind, pk)
    if not is_field_of(obj, field):
        raise Http404
    if isinstance(obj, Service):
        override = overrides_of(office).get((obj.pk, field))
        return TextRef(kind, obj, field, office=office, override=override)
    return TextRef(kind, obj, field)


def content_texts_of(office: Office) -> list[TextRef]:
    refs = [TextRef(KIND_OFFICE, office, field) for field in fields_of(office)]
    overrides = overrides_of(office)
    for service in offered_catalogue(office):
        refs += [
            TextRef(
                KIND_SERVICE,
                service,
                field,
                office=office,
                override=overrides.get((service.pk, field)),
            )
            for field in fields_of(service)
        ]
    return refs


def content_index(office: Office) -> dict[str, TextRef]:
    return {ref.key: ref for ref in content_texts_of(office)}


def states_for(refs: Iterable[TextRef]) -> dict[StateKey, str]:
    """The recorded source hashes of these texts, in one query per kind."""
    ids: dict[str, set[int]] = {}
    for ref in refs:
        kind, pk = ref.state_key
        ids.setdefault(kind, set()).add(pk)
    states: dict[StateKey, str] = {}
    for kind, pks in ids.items():
        for state in TranslationState.objects.filter(object_type=kind, object_id__in=pks):
            key = (state.object_type, state.object_id, state.field, state.language)
            states[key] = state.source_hash
    return states


def translation_status(ref: TextRef, language: str, states: dict[StateKey, str]) -> Status:
    texts = ref.texts
    if not texts.get(language):
        return Status.MISSING
    if language == SOURCE_LANGUAGE:
        return Status.CURRENT
    recorded = states.get((*ref.state_key, ref.field, language))
    # No record: the translation predates the editor and the German text has not changed since.
    if recorded is None or recorded == source_hash(texts.get(SOURCE_LANGUAGE, "")):
        return Status.CURRENT
    return Status.OUTDATED


def content_status_table(
    office: Office, languages: Iterable[str] = TRANSLATION_LANGUAGES
) -> list[TextStatus]:
    refs = content_texts_of(office)
    states = states_for(refs)
    languages = tuple(languages)
    return [
        TextStatus(
            ref, {language: translation_status(ref, language, states) for language in languages}
        )
        for ref in refs
    ]


def text_statuses(ref: TextRef) -> dict[str, Status]:
    states = states_for([ref])
    return {
        language: translation_status(ref, language, states)
        for language in (SOURCE_LANGUAGE, *TRANSLATION_LANGUAGES)
    }


# --- office notices (the call displays' ticker) -------------------------------------------------


def notices_of(office: Office) -> list[OfficeNotice]:
    """All of the office's notices, past and future, for the staff list."""
    with scope(office=office):
        return list(OfficeNotice.objects.filter(office=office))


def notice_get(office: Office, pk: int) -> OfficeNotice:
    return owned_by(office, OfficeNotice, pk)


def notice_is_active(notice: OfficeNotice, now: datetime) -> bool:
    return (notice.active_from is None or notice.active_from <= now) and (
        notice.active_until is None or now < notice.active_until
    )


def notices_active(office: Office, now: datetime) -> list[OfficeNotice]:
    """The notices the displays show now, in the office's order."""
    with scope(office=office):
        return list(
            OfficeNotice.objects.filter(office=office)
            .filter(Q(active_from__isnull=True) | Q(active_from__lte=now))
            .filter(Q(active_until__isnull=True) | Q(active_until__gt=now))
        )


def notice_texts(notice: OfficeNotice) -> list[dict[str, str]]:
    """The notice's texts in the order a display rotates through them: German first, then the
    other languages in the order of `languages.LANGUAGES`; each with its `lang` and `dir`. A
    language saying exactly what an earlier one said is left out."""
    lines: list[dict[str, str]] = []
    for language in LANGUAGES:
        text = (notice.text or {}).get(language.code) or ""
        if text and all(line["text"] != text for line in lines):
            lines.append(_notice_line(language, text))
    return lines


def _notice_line(language: Language, text: str) -> dict[str, str]:
    return {"lang": language.html_lang, "dir": language.dir, "text": text}


def notices_for_reader(office: Office, now: datetime, code: str) -> list[dict[str, str]]:
    """The active notices for a page in one language: each in that language if it has it, else
    in German, with the `lang` and `dir` of the text it shows."""
    lines = []
    for notice in notices_active(office, now):
        key = translated_key(notice.text, code)
        if key is not None:
            lines.append(_notice_line(language_for(key), notice.text[key]))
    return lines


def notices_display_data(office: Office, now: datetime) -> list[dict[str, object]]:
    """The active notices as the displays get them (page and calls.json)."""
    return [
        {"id": notice.pk, "texts": texts}
        for notice in notices_active(office, now)
        if (texts := notice_texts(notice))
    ]
