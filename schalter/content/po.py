"""PO files for translators: one file per language with an office's texts.

Each entry is one text: msgctxt `<kind>:<id>:<field>`, msgid the German text, msgstr the
translation. Outdated translations carry a translator comment instead of the `fuzzy` flag, so
tools do not drop them. Uploaded files are parsed defensively: size, encoding, syntax, language
and every entry are checked before anything is written."""

import re
import tempfile
from dataclasses import dataclass
from datetime import datetime

import polib
from django.utils.translation import gettext as _
from django.utils.translation import to_language, to_locale

from schalter.content.selectors import Status, content_status_table
from schalter.content.texts import MAX_TEXT_LENGTH, SOURCE_LANGUAGE, TRANSLATION_LANGUAGES, is_clean
from schalter.offices.models import Office

MAX_UPLOAD_BYTES = 1024 * 1024
MAX_ENTRIES = 5000
CONTEXT = re.compile(r"^(office|service):(\d{1,10}):([a-z_]{1,30}(?:\.\d{1,3})?)$")


class ContentImportError(Exception):
    """A translation file that is refused as a whole; the message is for the person uploading."""


def po_export(office: Office, language: str, *, now: datetime) -> bytes:
    catalogue = polib.POFile(wrapwidth=78)
    catalogue.metadata = {
        "Project-Id-Version": f"Schalter {office.slug}",
        "PO-Revision-Date": now.strftime("%Y-%m-%d %H:%M%z"),
        "Language": to_locale(language),
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Schalter-Office": office.slug,
    }
    for row in content_status_table(office, [language]):
        ref = row.ref
        if not ref.german:  # nothing to translate (an empty msgid would be the header)
            continue
        entry = polib.POEntry(
            msgctxt=ref.key,
            msgid=ref.german,
            msgstr=ref.texts.get(language, ""),
            comment=f"{ref.obj.name_in(SOURCE_LANGUAGE)} · {ref.label}",
        )
        if row.statuses[language] == Status.OUTDATED:
            entry.tcomment = _(
                "Outdated: the German text has changed since this translation was saved."
            )
        catalogue.append(entry)
    return str(catalogue).encode()


@dataclass(frozen=True)
class ParsedEntry:
    context: str
    kind: str
    pk: int
    field: str
    msgid: str
    msgstr: str
    fuzzy: bool


@dataclass(frozen=True)
class ParsedFile:
    language: str
    office_slug: str
    entries: list[ParsedEntry]


def _load(data: bytes) -> polib.POFile:
    if len(data) > MAX_UPLOAD_BYTES:
        raise ContentImportError(
            _("The file is too large (at most %(limit)s MB).")
            % {"limit": MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ContentImportError(_("This is not a PO file in UTF-8.")) from error
    if not text.strip() or "\x00" in text:
        raise ContentImportError(_("This is not a PO file."))
    # polib reads a path when given one, so the content goes through a file of our own.
    with tempfile.NamedTemporaryFile("w", suffix=".po", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        try:
            return polib.pofile(handle.name, encoding="utf-8")
        except (OSError, ValueError, UnicodeError, IndexError, KeyError) as error:
            raise ContentImportError(_("This is not a PO file.")) from error


def po_parse(data: bytes) -> ParsedFile:
    catalogue = _load(data)
    raw_language = (catalogue.metadata.get("Language") or "").strip()
    language = to_language(raw_language) if raw_language else ""
    if language == SOURCE_LANGUAGE:
        raise ContentImportError(_("German is the source language; it cannot be imported."))
    if language not in TRANSLATION_LANGUAGES:
        raise ContentImportError(
            _("The file's language “%(language)s” is not one this website offers.")
            % {"language": raw_language[:20]}
        )
    entries: list[ParsedEntry] = []
    seen: set[str] = set()
    for entry in catalogue:
        if entry.obsolete:
            continue
        context = entry.msgctxt or ""
        match = CONTEXT.match(context)
        if match is None or entry.msgid_plural:
            raise ContentImportError(
                _("The entry “%(context)s” does not name a text of Schalter.")
                % {"context": context[:80]}
            )
        if context in seen:
            raise ContentImportError(
                _("The entry %(context)s appears twice.") % {"context": context}
            )
        seen.add(context)
        if len(entry.msgstr) > MAX_TEXT_LENGTH:
            raise ContentImportError(
                _("The translation of %(context)s is too long.") % {"context": context}
            )
        if not is_clean(entry.msgstr):
            raise ContentImportError(
                _(
                    "The translation of %(context)s contains markup or control characters; "
                    "texts are plain text."
                )
                % {"context": context}
            )
        entries.append(
            ParsedEntry(
                context=context,
                kind=match.group(1),
                pk=int(match.group(2)),
                field=match.group(3),
                msgid=entry.msgid,
                msgstr=entry.msgstr,
                fuzzy="fuzzy" in entry.flags,
            )
        )
        if len(entries) > MAX_ENTRIES:
            raise ContentImportError(_("The file has too many entries."))
    return ParsedFile(
        language=language,
        office_slug=(catalogue.metadata.get("X-Schalter-Office") or "").strip(),
        entries=entries,
    )
