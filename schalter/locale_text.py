"""Values that must read the same in every script, and dates and fees in the reader's
punctuation: the one place templates (pages, e-mails, tickets, flyers) format them.

`{% load localtext %}` (TEMPLATES' "libraries" in the settings):
- `{{ value|ltr }}`: a phone number, booking code, ticket number or fee, isolated left to right,
  so "+49 611 310" never shows as "49611310+" inside Arabic or Persian text. In HTML a
  `<bdi dir="ltr">`; in plain text (autoescape off: text e-mails) the Unicode isolates LRI…PDI.
- `{{ moment|day_and_time }}`, `{{ day|day_and_date }}`: "weekday, date, time" with the
  language's comma (the Arabic comma "،" in Arabic, Persian and Dari), the time isolated.
- `{{ amount|euro }}`: a fee in the language's number format, isolated, with the euro sign.
- `{{ text|hyphenate:lang }}`: soft hyphens in long words (Pyphen's dictionaries, which
  WeasyPrint brings), so "Aufenthaltserlaubnisverlängerung" breaks with a hyphen on a display
  even where the browser has no hyphenation dictionary of its own (Chromium on Linux has none).
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache

import pyphen
from django import template
from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language

register = template.Library()

LRI, PDI = "\u2066", "\u2069"  # LEFT-TO-RIGHT ISOLATE, POP DIRECTIONAL ISOLATE
ARABIC_COMMA = "\u060c"
# Languages written with the Arabic script separate list items with the Arabic comma.
ARABIC_SCRIPT = ("ar", "fa", "fa-af")


def comma(language: str | None = None) -> str:
    """The list separator (comma and space) of a language, the current one by default."""
    code = (language or get_language() or "").lower()
    return f"{ARABIC_COMMA} " if code in ARABIC_SCRIPT else ", "


@register.filter(needs_autoescape=True)
def ltr(value, autoescape: bool = True) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        value = formats.number_format(value, use_l10n=True)  # in the reader's number format
    if not autoescape:
        return f"{LRI}{value}{PDI}"
    return format_html('<bdi dir="ltr">{}</bdi>', value)


def _join(parts: list, autoescape: bool) -> str:
    if not autoescape:
        return comma().join(str(part) for part in parts)
    return format_html_join(comma(), "{}", ((part,) for part in parts))


@register.filter(needs_autoescape=True)
def day_and_time(moment, autoescape: bool = True) -> str:
    """ "Monday, 3 March 2031, 09:30" in the current language."""
    if not moment:
        return ""
    time = ltr(formats.time_format(moment, "H:i"), autoescape)
    return _join(
        [formats.date_format(moment, "l"), formats.date_format(moment, "DATE_FORMAT"), time],
        autoescape,
    )


@register.filter(needs_autoescape=True)
def day_and_date(day, arg: str = "DATE_FORMAT", autoescape: bool = True) -> str:
    """ "Monday, 3 March 2031" (or with SHORT_DATE_FORMAT) in the current language."""
    if not day:
        return ""
    return _join([formats.date_format(day, "l"), formats.date_format(day, arg)], autoescape)


@register.filter(needs_autoescape=True)
def euro(amount, autoescape: bool = True) -> str | SafeString:
    if amount is None or amount == "":
        return ""
    number = formats.number_format(Decimal(amount), decimal_pos=2, use_l10n=True)
    return ltr(f"{number} €", autoescape)


@register.simple_tag(name="comma")
def comma_tag() -> str:
    """{% comma %}: the current language's list separator between parts a template joins."""
    return comma()


@register.simple_tag(name="semicolon")
def semicolon_tag() -> str:
    """{% semicolon %}: the current language's semicolon and space (Arabic "؛" in Arabic script)."""
    code = (get_language() or "").lower()
    return "\u061b " if code in ARABIC_SCRIPT else "; "


SOFT_HYPHEN = "\u00ad"
LONG_WORD = re.compile(r"\w{13,}")  # shorter words fit a display's narrowest cell


@cache
def _dictionary(language: str) -> pyphen.Pyphen | None:
    found = pyphen.language_fallback(language.replace("-", "_").split("_x_")[0])
    return pyphen.Pyphen(lang=found) if found else None


@register.filter
def hyphenate(text, language: str = "de") -> str:
    """Soft hyphens in the long words of `text` by the rules of `language` (BCP 47 or Django
    code); the text unchanged where Pyphen knows no rules for it."""
    dictionary = _dictionary(str(language or "de").lower().split("-x-")[0])
    if not text or dictionary is None:
        return text
    return LONG_WORD.sub(lambda word: dictionary.inserted(word.group(0), SOFT_HYPHEN), str(text))
