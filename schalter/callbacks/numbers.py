"""Callers' numbers as phone systems write them, read into E.164 with `phonenumbers`.

A PBX writes "0611 123456", "+49611123456", "004961112345", "4961112345", `"Name" <0611123>`,
with an outside-line 0 in front ("00611123456"), or nothing at all ("anonymous", "unknown",
"CLIR"). The first reading that is a valid number wins; a withheld number or one that no reading
makes valid is kept as written and flagged for review, never dropped."""

import re
from dataclasses import dataclass

import phonenumbers

DEFAULT_REGION = "DE"
# What phone systems write when the caller withheld her number (compared in lower case).
WITHHELD = frozenset(
    {
        "",
        "anonymous",
        "anonym",
        "unknown",
        "unbekannt",
        "withheld",
        "private",
        "privat",
        "restricted",
        "unavailable",
        "clir",
        "<unknown>",
        "asterisk",
        "none",
        "null",
        "-",
    }
)
ANGLE = re.compile(r"<([^<>]*)>")
RAW_MAX = 80


@dataclass(frozen=True)
class NumberReading:
    e164: str  # "" unless understood
    raw: str  # as written, shortened to RAW_MAX
    withheld: bool = False

    @property
    def understood(self) -> bool:
        return bool(self.e164)


def _valid(text: str, region: str | None) -> str:
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_valid_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def number_read(raw: str | None, region: str = DEFAULT_REGION) -> NumberReading:
    """Read a caller id as written by a phone system (see the module's docstring)."""
    written = " ".join((raw or "").split())[:RAW_MAX]
    inner = ANGLE.search(written)
    text = (inner.group(1) if inner else written).strip().strip('"').strip()
    if text.lower() in WITHHELD or written.lower() in WITHHELD:
        return NumberReading(e164="", raw=written, withheld=True)
    digits = re.sub(r"[^\d+]", "", text)
    if not digits or not re.search(r"\d{3}", digits):
        return NumberReading(e164="", raw=written)
    digits = digits[0] + digits[1:].replace("+", "")
    candidates: list[tuple[str, str | None]] = []
    if digits.startswith("+"):
        candidates.append((digits, None))
    elif digits.startswith("000"):  # an outside-line 0 before an international 00
        candidates.append(("+" + digits[3:], None))
    elif digits.startswith("00"):
        candidates += [("+" + digits[2:], None), (digits[1:], region)]
    elif digits.startswith("0"):
        candidates.append((digits, region))
    else:  # a country code without + or 00, or a national number without its 0
        candidates += [("+" + digits, None), ("0" + digits, region)]
    for text_, region_ in candidates:
        if e164 := _valid(text_, region_):
            return NumberReading(e164=e164, raw=written)
    return NumberReading(e164="", raw=written)


def is_mobile_in(e164: str, countries: list[str]) -> bool:
    """Whether a text message can reach `e164`: a mobile number of one of `countries`."""
    if not e164:
        return False
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return False
    kind = phonenumbers.number_type(number)
    mobile = kind in (phonenumbers.PhoneNumberType.MOBILE,)
    return mobile and phonenumbers.region_code_for_number(number) in countries
