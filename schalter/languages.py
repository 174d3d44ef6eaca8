"""The languages Schalter speaks: one list, used by settings, the switcher and the tests.

Each language is named in itself in the switcher, so a client finds hers without reading German.
Leichte Sprache is German in plain rules; BCP 47 gives it a private-use subtag.
"""

from dataclasses import dataclass

from django.utils.translation import get_language, get_language_info, gettext, gettext_noop


@dataclass(frozen=True)
class Language:
    code: str  # as in URLs and Django (lower case)
    html_lang: str  # BCP 47 for <html lang>
    name_local: str  # the language's name in itself
    name_en: str
    bidi: bool = False

    @property
    def dir(self) -> str:
        """The HTML `dir` of text in this language."""
        return "rtl" if self.bidi else "ltr"


LANGUAGES: tuple[Language, ...] = (
    Language("de", "de", "Deutsch", "German"),
    Language("de-x-ls", "de-x-ls", "Leichte Sprache", "German, easy-to-read"),
    Language("en", "en", "English", "English"),
    Language("ar", "ar", "العربية", "Arabic", bidi=True),
    Language("tr", "tr", "Türkçe", "Turkish"),
    Language("uk", "uk", "Українська", "Ukrainian"),
    Language("ru", "ru", "Русский", "Russian"),
    Language("fa", "fa", "فارسی", "Farsi", bidi=True),
    Language("fa-af", "fa-AF", "دری", "Dari", bidi=True),
    Language("fr", "fr", "Français", "French"),
    Language("ro", "ro", "Română", "Romanian"),
)
DEFAULT = LANGUAGES[0]
BY_CODE = {language.code: language for language in LANGUAGES}
LANGUAGE_CODES = tuple(BY_CODE)
LANGUAGE_CODES_BIDI = [language.code for language in LANGUAGES if language.bidi]
# Messages are written in English in the code; every other language has a catalogue (.po file).
SOURCE_CODE = "en"
TRANSLATED_CODES = tuple(code for code in LANGUAGE_CODES if code != SOURCE_CODE)


def django_languages() -> list[tuple[str, str]]:
    return [(language.code, language.name_en) for language in LANGUAGES]


def language_for(code: str | None) -> Language:
    return BY_CODE.get((code or "").lower(), DEFAULT)


def translated_key(texts: dict[str, str] | None, code: str | None) -> str | None:
    """Which language of a `{code: text}` field a reader of `code` gets: hers, its base
    language, German, else the first there is; None for no text at all."""
    if not texts:
        return None
    code = (code or "").lower()
    for candidate in (code, code.split("-")[0], DEFAULT.code):
        if texts.get(candidate):
            return candidate
    return next((key for key, text in texts.items() if text), None)


def translated(texts: dict[str, str] | None, code: str | None) -> str:
    """Pick the text for a language from a `{code: text}` field, falling back to German."""
    key = translated_key(texts, code)
    return texts[key] if texts and key is not None else ""


# Languages offices serve at the desk beyond the website's own, named in themselves.
OTHER_SPOKEN_LANGUAGES = {
    "ku": "Kurmancî",
    "ps": "پښتو",
    "pl": "Polski",
    "ti": "ትግርኛ",
    "sq": "Shqip",
    "sr": "Srpski",
    "it": "Italiano",
    "es": "Español",
    "bg": "Български",
    "hr": "Hrvatski",
    "so": "Soomaali",
    "hi": "हिन्दी",
    "ur": "اردو",
}


def spoken_language_name(code: str) -> str:
    if code in BY_CODE:
        return BY_CODE[code].name_local
    return OTHER_SPOKEN_LANGUAGES.get(code, code)


# Names (in English, translated in Schalter's catalogue) of the codes Django's own table of
# languages lacks or names too broadly (it would call Dari "Persian").
OWN_NAMES = {
    "fa-af": gettext_noop("Dari"),
    "prs": gettext_noop("Dari"),
    "ps": gettext_noop("Pashto"),
    "ku": gettext_noop("Kurdish"),
    "kmr": gettext_noop("Kurmanji"),
    "ti": gettext_noop("Tigrinya"),
    "am": gettext_noop("Amharic"),
    "so": gettext_noop("Somali"),
    "apc": gettext_noop("Levantine Arabic"),
    "ar-sy": gettext_noop("Syrian Arabic"),
    "ar-iq": gettext_noop("Iraqi Arabic"),
    "ar-ma": gettext_noop("Moroccan Arabic"),
}


def language_label(code: str, native: str | None = None) -> str:
    """A client's language as staff read it: its name in the page's language with its name in
    itself beside it ("Dari (دری)"); `native` where the caller knows a finer name (interpreters'
    dialects), else the site's. Just the one name where both are the same or one is unknown."""
    native = native or spoken_language_name(code)
    lowered = code.lower()
    if (get_language() or "").split("-")[0] == lowered.split("-")[0] and lowered not in OWN_NAMES:
        return native  # an Arabic page names Arabic once
    if lowered in OWN_NAMES:
        name = gettext(OWN_NAMES[lowered])
    else:
        try:
            name = str(get_language_info(lowered)["name_translated"])
        except KeyError:
            return native
    return name if name == native or native == code else f"{name} ({native})"
