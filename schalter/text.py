"""Text a person types, made safe to keep, show and send: the one rule, applied by services (not
forms), so every audience and every app gets the same (content texts, names, reasons)."""

import unicodedata

from django.utils.html import strip_tags

# Kept although they are control or format characters: line breaks and tabs (multi-line text),
# and the zero-width non-joiner and joiner that Persian and Dari spelling needs inside words.
KEEP = frozenset({"\n", "\t", "\u200c", "\u200d"})
# Bidirectional embeddings, overrides and isolates (format characters, dropped with the rest):
# typed into a name they reorder the text around it on every page and in every mail.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def sanitise(text: str, *, multiline: bool = True) -> str:
    """Plain text only: no HTML tags, no control or format characters (NUL, bidirectional
    overrides, zero-width spaces; ZWNJ and ZWJ stay), Unix line ends, trimmed; one-line text
    (`multiline=False`) has its line breaks and runs of white space turned into single spaces."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = strip_tags(text)
    text = "".join(
        char
        for char in text
        if char in KEEP or unicodedata.category(char) not in {"Cc", "Cf", "Cs", "Co"}
    )
    if not multiline:
        text = " ".join(text.split())
    lines = [line.rstrip() for line in text.strip().split("\n")]
    return "\n".join(lines)


def one_line(text: str) -> str:
    """A one-line field (a name, a reason), sanitised."""
    return sanitise(text, multiline=False)


def is_clean(text: str, *, multiline: bool = True) -> bool:
    """True when sanitising would change nothing but line ends and surrounding white space."""
    normalised = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        normalised = " ".join(normalised.split())
    normalised = "\n".join(line.rstrip() for line in normalised.strip().split("\n"))
    return sanitise(text, multiline=multiline) == normalised


# A spreadsheet runs a cell that starts with one of these as a formula (CSV and XLSX alike).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: object) -> object:
    """A value as an export's cell: text a spreadsheet would run as a formula gets a leading
    apostrophe (text that is a number, such as "-3.5", stays); numbers and dates stay as they are.
    The one rule for every CSV and XLSX export."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    try:
        float(value)
    except ValueError:
        return f"'{value}"
    return value
