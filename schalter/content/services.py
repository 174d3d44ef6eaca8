"""Writes for the content editor: one text in one language, and a translator's PO file.

Content is plain text: HTML tags and control characters are removed on the way in (the editor),
or the whole file is refused (imports, where markup means a tampered or broken file)."""

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope

from schalter.accounts import selectors as access
from schalter.accounts.actors import COMMAND
from schalter.accounts.services import Actor, audit_record
from schalter.catalog.models import Service, ServiceTextOverride
from schalter.content import po
from schalter.content.models import OfficeNotice, TranslationState
from schalter.content.po import ContentImportError
from schalter.content.selectors import content_index, states_for, translation_status
from schalter.content.texts import (
    MAX_TEXT_LENGTH,
    SOURCE_LANGUAGE,
    STATE_OVERRIDE,
    TextRef,
    is_field_of,
    kind_of,
    model_field_of,
    sanitise,
    source_hash,
    texts_of,
    texts_set,
)
from schalter.languages import LANGUAGE_CODES
from schalter.offices.models import Office


def is_operator(actor: Actor) -> bool:
    """The installation's operator, who alone edits shared catalogue texts: a member with the
    operator role (or a superuser), or a management command run on the server (offices edit their
    own wording instead)."""
    if actor == COMMAND:
        return True
    return isinstance(actor, User) and (actor.is_superuser or access.is_operator(user=actor))


@transaction.atomic
def content_text_update(
    *,
    obj: Office | Service,
    field: str,
    language: str,
    text: str,
    acting_user: Actor,
    office: Office | None = None,
) -> str:
    """Store one text in one language (sanitised) and remember which German text a translation
    was made from. Changing the German text leaves the other languages outdated. Returns the
    text as stored.

    `office` is where the change is made. For a catalogue service it means the office's own
    wording of the text (made from the shared text on its first change, shown on that office's
    pages only); without it the shared text itself changes, which only the operator may do."""
    kind = kind_of(obj)
    if language not in LANGUAGE_CODES:
        raise ValidationError(_("Unknown language."))
    if not is_field_of(obj, field):
        raise ValidationError(_("Unknown text."))
    if isinstance(obj, Office) and office is not None and office.pk != obj.pk:
        raise PermissionDenied("an office edits its own texts only")
    own_wording = isinstance(obj, Service) and office is not None
    if isinstance(obj, Service) and not own_wording and not is_operator(acting_user):
        raise PermissionDenied("shared catalogue texts are the operator's")
    multiline = TextRef(kind, obj, field).multiline
    clean = sanitise(text, multiline=multiline)
    if len(clean) > MAX_TEXT_LENGTH:
        raise ValidationError(
            _("A text may have at most %(limit)s characters.") % {"limit": MAX_TEXT_LENGTH}
        )
    # Lock the row: texts of all languages live in one JSON value, so two editors saving
    # different languages at once must not overwrite each other.
    fresh = type(obj).objects.select_for_update().get(pk=obj.pk)
    override: ServiceTextOverride | None = None
    if own_wording and isinstance(fresh, Service) and office is not None:
        override = _override_for_update(office=office, service=fresh, field=field)
        texts = dict(override.texts)
        state_kind, state_id = STATE_OVERRIDE, override.pk
    else:
        texts = texts_of(fresh, field)
        state_kind, state_id = kind, obj.pk
    states = TranslationState.objects.filter(
        object_type=state_kind, object_id=state_id, field=field
    )
    before = texts.get(language, "")
    german = texts.get(SOURCE_LANGUAGE, "")
    if language == SOURCE_LANGUAGE:
        if not clean and field == "name":
            raise ValidationError(_("The German name is the source of all translations."))
        if clean != before:
            # Translations without a record were made from the German text as it was until now.
            recorded = set(states.values_list("language", flat=True))
            TranslationState.objects.bulk_create(
                TranslationState(
                    object_type=state_kind,
                    object_id=state_id,
                    field=field,
                    language=other,
                    source_hash=source_hash(before),
                )
                for other, value in texts.items()
                if value and other != SOURCE_LANGUAGE and other not in recorded
            )
    elif clean:
        TranslationState.objects.update_or_create(
            object_type=state_kind,
            object_id=state_id,
            field=field,
            language=language,
            defaults={
                "source_hash": source_hash(german),
                "updated_by": acting_user if isinstance(acting_user, User) else None,
            },
        )
    else:
        states.filter(language=language).delete()
    texts[language] = clean
    if override is not None:
        override.texts = {code: value for code, value in texts.items() if value}
        override.save(update_fields=["texts"])
    else:
        texts_set(fresh, field, texts)
        fresh.save(update_fields=[model_field_of(field)])
        texts_set(obj, field, texts)  # the caller's copy shows the change too
    audit_record(
        office=office if office is not None else (obj if isinstance(obj, Office) else None),
        acting_user=acting_user,
        action="content.text.updated",
        target=obj,
        data={
            "field": field,
            "language": language,
            "changed": clean != before,
            "length": len(clean),
            "shared": isinstance(obj, Service) and not own_wording,
        },
    )
    return clean


def _override_for_update(*, office: Office, service: Service, field: str) -> ServiceTextOverride:
    """The office's own wording of the text, locked; made from the shared text (its texts and
    their translation states) when the office words it for the first time."""
    with scope(office=office):
        override, created = ServiceTextOverride.objects.select_for_update().get_or_create(
            office=office,
            service=service,
            field=field,
            defaults={"texts": texts_of(service, field)},
        )
    if created:
        TranslationState.objects.bulk_create(
            TranslationState(
                object_type=STATE_OVERRIDE,
                object_id=override.pk,
                field=field,
                language=state.language,
                source_hash=state.source_hash,
                updated_by_id=state.updated_by_id,
            )
            for state in TranslationState.objects.filter(
                object_type=kind_of(service), object_id=service.pk, field=field
            )
        )
    return override


@dataclass(frozen=True)
class SkippedEntry:
    key: str
    label: str
    reason: str


@dataclass
class ImportReport:
    language: str
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    untranslated: int = 0
    skipped: list[SkippedEntry] = field(default_factory=list)


def translations_import(*, office: Office, data: bytes, acting_user: Actor) -> ImportReport:
    """Apply a PO file made by `po.po_export`: all or nothing. Entries whose German text has
    changed since the export are skipped and reported; anything hostile (markup, another
    office's texts, unknown fields, wrong language) refuses the whole file."""
    parsed = po.po_parse(data)
    language = parsed.language
    if parsed.office_slug and parsed.office_slug != office.slug:
        raise ContentImportError(_("This file was exported for another office."))
    report = ImportReport(language=language)
    index = content_index(office)
    refs: list[TextRef] = []
    for entry in parsed.entries:
        if entry.context not in index:  # another office's text, or no such text
            raise ContentImportError(
                _("The entry %(context)s is not one of this office's texts.")
                % {"context": entry.context}
            )
        refs.append(index[entry.context])
    states = states_for(refs)
    changes: list[tuple[TextRef, str]] = []
    for ref, entry in zip(refs, parsed.entries, strict=True):
        if ref.german != entry.msgid:
            report.skipped.append(
                SkippedEntry(ref.key, ref.label, _("the German text has changed since the export"))
            )
            continue
        if entry.fuzzy:
            report.skipped.append(SkippedEntry(ref.key, ref.label, _("marked as fuzzy")))
            continue
        if not entry.msgstr:
            report.untranslated += 1
            continue
        current = ref.texts.get(language, "")
        clean = sanitise(entry.msgstr, multiline=ref.multiline)
        if clean == current and translation_status(ref, language, states) != "outdated":
            report.unchanged += 1
            continue
        changes.append((ref, clean))
    with transaction.atomic():
        for ref, text in changes:
            content_text_update(
                obj=ref.obj,
                field=ref.field,
                language=language,
                text=text,
                acting_user=acting_user,
                office=office,
            )
            report.updated.append(ref.key)
        audit_record(
            office=office,
            acting_user=acting_user,
            action="content.translations.imported",
            data={
                "language": language,
                "updated": len(report.updated),
                "skipped": [entry.key for entry in report.skipped],
            },
        )
    return report


# --- office notices (the call displays' ticker) -------------------------------------------------

NOTICE_MAX_LENGTH = 280  # one line on a display, read in the eight seconds it shows


def _notice_texts(texts: dict[str, str]) -> dict[str, str]:
    """Plain one-line texts in known languages, German required; empty languages dropped."""
    clean: dict[str, str] = {}
    for language, text in texts.items():
        if language not in LANGUAGE_CODES:
            raise ValidationError(_("Unknown language."))
        value = sanitise(text or "", multiline=False)
        if len(value) > NOTICE_MAX_LENGTH:
            raise ValidationError(
                _("A notice may have at most %(limit)s characters.") % {"limit": NOTICE_MAX_LENGTH}
            )
        if value:
            clean[language] = value
    if not clean.get(SOURCE_LANGUAGE):
        raise ValidationError(_("Enter the notice in German; it is shown first."))
    return clean


def notice_period_validate(active_from: datetime | None, active_until: datetime | None) -> None:
    """A notice ends after it starts, if it has both (the staff form checks with this too)."""
    if active_from and active_until and active_until <= active_from:
        raise ValidationError(_("The notice must end after it starts."))


def _notice_period(active_from: datetime | None, active_until: datetime | None) -> None:
    for moment in (active_from, active_until):
        if moment is not None and timezone.is_naive(moment):
            raise ValueError("notice times must be aware")  # a programming error, not input
    notice_period_validate(active_from, active_until)


@transaction.atomic
def office_notice_create(
    *,
    office: Office,
    texts: dict[str, str],
    active_from: datetime | None = None,
    active_until: datetime | None = None,
    position: int = 0,
    acting_user: Actor,
) -> OfficeNotice:
    _notice_period(active_from, active_until)
    notice = OfficeNotice(
        office=office,
        text=_notice_texts(texts),
        active_from=active_from,
        active_until=active_until,
        position=position,
    )
    with scope(office=office):
        notice.save()
    audit_record(
        office=office,
        acting_user=acting_user,
        action="content.notice.created",
        target=notice,
        data={"languages": sorted(notice.text), "position": position},
    )
    return notice


@transaction.atomic
def office_notice_update(
    *,
    notice: OfficeNotice,
    texts: dict[str, str],
    active_from: datetime | None,
    active_until: datetime | None,
    position: int,
    acting_user: Actor,
) -> OfficeNotice:
    _notice_period(active_from, active_until)
    clean = _notice_texts(texts)
    with scope(office=notice.office):
        changed = clean != notice.text
        notice.text = clean
        notice.active_from = active_from
        notice.active_until = active_until
        notice.position = position
        notice.save()
    audit_record(
        office=notice.office,
        acting_user=acting_user,
        action="content.notice.updated",
        target=notice,
        data={"languages": sorted(clean), "text_changed": changed, "position": position},
    )
    return notice


@transaction.atomic
def office_notice_delete(*, notice: OfficeNotice, acting_user: Actor) -> None:
    audit_record(
        office=notice.office,
        acting_user=acting_user,
        action="content.notice.deleted",
        target=notice,
        data={"languages": sorted(notice.text)},
    )
    with scope(office=notice.office):
        notice.delete()
