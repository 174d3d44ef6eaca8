"""The languages and dialects interpreters offer, in one place: codes as BCP 47 (ISO 639-3 for
dialects with a code of their own, region subtags where that is how a dialect is named). A need
names a language or a dialect; an interpreter offering a dialect serves a need for its language,
but a need for one dialect is served only by that dialect (Sorani is not Kurmanji)."""

from django.utils.translation import gettext_lazy as _

from schalter.languages import LANGUAGES, OTHER_SPOKEN_LANGUAGES

# code: (name in itself, macrolanguage or "")
INTERPRETING_LANGUAGES: dict[str, tuple[str, str]] = {
    "ar": ("العربية", ""),
    "apc": ("شامي", "ar"),  # Levantine Arabic
    "ar-SY": ("العربية (سوريا)", "ar"),
    "ar-IQ": ("العربية (العراق)", "ar"),
    "ar-MA": ("الدارجة", "ar"),
    "ku": ("Kurdî", ""),
    "kmr": ("Kurmancî", "ku"),  # Northern Kurdish
    "ckb": ("کوردیی ناوەندی", "ku"),  # Sorani
    "fa": ("فارسی", ""),
    "prs": ("دری", "fa"),  # Dari
    "ps": ("پښتو", ""),
    "ti": ("ትግርኛ", ""),
    "am": ("አማርኛ", ""),
    "so": ("Soomaali", ""),
    "tr": ("Türkçe", ""),
    "uk": ("Українська", ""),
    "ru": ("Русский", ""),
    "fr": ("Français", ""),
    "ro": ("Română", ""),
    "en": ("English", ""),
    "sq": ("Shqip", ""),
    "sr": ("Srpski", ""),
    "bg": ("Български", ""),
    "pl": ("Polski", ""),
    "ur": ("اردو", ""),
    "hi": ("हिन्दी", ""),
    "es": ("Español", ""),
    "it": ("Italiano", ""),
    "hr": ("Hrvatski", ""),
}
# Codes the site itself uses for a language that has a dialect code here.
ALIASES = {"fa-af": "prs"}
BY_LOWER = {code.lower(): code for code in INTERPRETING_LANGUAGES}


def language_normalise(raw: str) -> str | None:
    """The code in its one spelling, or None for a language nobody here interprets."""
    lowered = raw.strip().replace("_", "-").lower()
    lowered = ALIASES.get(lowered, lowered)
    return BY_LOWER.get(lowered)


def language_name(code: str) -> str:
    return INTERPRETING_LANGUAGES.get(code, (code, ""))[0]


def language_choices() -> list[tuple[str, str]]:
    """For forms: every code with its name in itself, dialects after their language."""
    return [(code, f"{name} ({code})") for code, (name, _macro) in INTERPRETING_LANGUAGES.items()]


def dialect_choices(already: set[str]) -> list[tuple[str, str]]:
    """Dialects and languages the booking, kiosk and staff forms add to the site's own list
    (those whose code or alias is not in `already`)."""
    taken = {ALIASES.get(code.lower(), code.lower()) for code in already}
    return [
        (code, f"{name} ({code})")
        for code, (name, _macro) in INTERPRETING_LANGUAGES.items()
        if code.lower() not in taken
    ]


def interpreter_choices() -> list[tuple[str, object]]:
    """The one list every form that asks "Do you need an interpreter?" offers (booking, staff
    booking, kiosk): the site's languages, other spoken ones, then the dialects (Levantine,
    Sorani, Kurmanji, Tigrinya…) in their own codes; each language once."""
    spoken: list[tuple[str, object]] = [
        (language.code, language.name_local)
        for language in LANGUAGES
        if not language.code.startswith("de")
    ]
    spoken += sorted(OTHER_SPOKEN_LANGUAGES.items(), key=lambda item: item[0])
    spoken += dialect_choices({code for code, _name in spoken})
    return [("", _("No interpreter needed")), *spoken]


def interpreter_choice_valid(code: str) -> bool:
    """Whether `code` is one of the list's wishes (the empty "no interpreter" excluded)."""
    return bool(code) and code in {value for value, _label in interpreter_choices()}


def serves(need: str, offered: list[str]) -> int:
    """How well `offered` meets `need`: 2 the very language or dialect, 1 a dialect of a language
    needed in general, 0 not at all."""
    if need in offered:
        return 2
    if any(INTERPRETING_LANGUAGES.get(code, ("", ""))[1] == need for code in offered):
        return 1
    return 0


UNKNOWN_LANGUAGE = _("%(code)s is not a language or dialect we know. Use a code from the list.")
