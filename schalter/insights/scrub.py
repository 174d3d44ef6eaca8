"""The one scrubber of free text shown to staff: e-mail addresses, phone numbers and booking
codes removed."""

import re

from schalter.appointments.codes import CODE_ALPHABET

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", re.UNICODE)
# A run of at least six digits, allowing the separators people write (+49 (0)641 / 123-45 67).
PHONE = re.compile(r"(?<!\w)\+?\d[\d\s()./-]{4,}\d(?!\w)")
# A booking code as typed (appointments/codes.py: eight of CODE_ALPHABET, "AB3K7PQ2", "ab3k-7pq2",
# "AB3K 7PQ2"); removed where it has a digit or is in capitals, so that words stay.
CODE = re.compile(
    rf"(?<!\w)[{CODE_ALPHABET}]{{4}}[-\s]?[{CODE_ALPHABET}]{{4}}(?!\w)", re.IGNORECASE
)
REMOVED = "[…]"


def _code(match: re.Match[str]) -> str:
    found = match.group()
    return REMOVED if any(c.isdigit() for c in found) or found.isupper() else found


def scrub_contacts(text: str) -> str:
    text = CODE.sub(_code, EMAIL.sub(REMOVED, text))
    return PHONE.sub(
        lambda m: REMOVED if sum(c.isdigit() for c in m.group()) >= 6 else m.group(), text
    )
