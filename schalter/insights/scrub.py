"""The one scrubber of free text shown to staff: e-mail addresses and phone numbers removed."""

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", re.UNICODE)
# A run of at least six digits, allowing the separators people write (+49 (0)641 / 123-45 67).
PHONE = re.compile(r"(?<!\w)\+?\d[\d\s()./-]{4,}\d(?!\w)")
REMOVED = "[…]"


def scrub_contacts(text: str) -> str:
    text = EMAIL.sub(REMOVED, text)
    return PHONE.sub(
        lambda m: REMOVED if sum(c.isdigit() for c in m.group()) >= 6 else m.group(), text
    )
