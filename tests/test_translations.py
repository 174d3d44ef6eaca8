"""Every message has a translation in every language, with the same named placeholders."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

from schalter.languages import TRANSLATED_CODES

LOCALE = Path(settings.LOCALE_PATHS[0])
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def po_file(code: str) -> polib.POFile:
    from django.utils.translation import to_locale

    return polib.pofile(str(LOCALE / to_locale(code) / "LC_MESSAGES" / "django.po"))


def source_messages() -> set[str]:
    return {entry.msgid for entry in po_file("de")}


@pytest.mark.parametrize("code", TRANSLATED_CODES)
def test_every_message_is_translated(code):
    catalogue = po_file(code)
    missing = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue if "fuzzy" in e.flags]
    assert missing == [], f"{code}: {len(missing)} untranslated, e.g. {missing[:3]}"
    assert fuzzy == [], f"{code}: fuzzy entries are hidden from users: {fuzzy[:3]}"
    assert {e.msgid for e in catalogue if not e.obsolete} == source_messages()


@pytest.mark.parametrize("code", TRANSLATED_CODES)
def test_placeholders_survive_translation(code):
    for entry in po_file(code):
        expected = set(PLACEHOLDER.findall(entry.msgid))
        texts = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for text in texts:
            # A plural form may leave out the number ("one appointment"), never add others.
            found = set(PLACEHOLDER.findall(text))
            assert found == expected or (entry.msgid_plural and found < expected), (
                code,
                entry.msgid,
                text,
            )


@pytest.mark.parametrize("code", TRANSLATED_CODES)
def test_translations_say_they_await_native_review(code):
    assert "awaits review by native speakers" in po_file(code).header


def test_source_catalogue_is_up_to_date(tmp_path):
    """A string marked in code but missing from the .po files fails here (run makemessages)."""
    import subprocess

    pot = tmp_path / "django.pot"
    sources = sorted(str(p) for p in Path("schalter").rglob("*.py") if "migrations" not in p.parts)
    templates = sorted(str(p) for p in Path("schalter").rglob("*.html"))
    subprocess.run(
        [
            "xgettext",
            "-L",
            "Python",
            "--from-code=UTF-8",
            "--keyword=gettext_noop",
            "--keyword=gettext_lazy",
            "--keyword=_",
            "-o",
            str(pot),
            *sources,
        ],
        check=True,
    )
    in_code = {e.msgid for e in polib.pofile(str(pot)) if e.msgid}
    template_strings = set()
    tag = re.compile(r"""\{%\s*translate\s+(["'])(.+?)\1""")
    for template in templates:
        template_strings |= {text for _quote, text in tag.findall(Path(template).read_text())}
    known = source_messages()
    assert in_code - known == set()
    assert template_strings - known == set()
