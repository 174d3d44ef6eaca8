"""Capabilities of visits: the token of a live ticket page and the key that unlocks a kiosk. Both
are random and only their hashes are stored (`schalter.tokens`), so neither the secret key nor a
ticket's number reveals one (docs/capabilities.md). The raw value exists once: in the answer of
the call that made it (issuing a ticket, creating a kiosk, renewing its key); whoever needs it
later gets it from there, or has a new one made. Services and selectors alike use this module."""

import math
import secrets
import string

from schalter.tokens import token_matches
from schalter.visits.models import Kiosk

TICKET_TOKEN_BYTES = 30  # 40 characters in a URL
KIOSK_KEY_BYTES = 24  # 32 characters


# Letters and digits only: the token is printed on the ticket under its QR code, where a line
# break at a "-" would read as a hyphenation and a "_" as an underline.
TICKET_TOKEN_ALPHABET = string.ascii_letters + string.digits


def ticket_token_new() -> str:
    """A new token for a live ticket page (about 190 bits); store only `token_hash` of it."""
    length = math.ceil(TICKET_TOKEN_BYTES * 8 / math.log2(len(TICKET_TOKEN_ALPHABET)))
    return "".join(secrets.choice(TICKET_TOKEN_ALPHABET) for _ in range(length))


def kiosk_key_new() -> str:
    """A new key for a kiosk; store only `token_hash` of it and show it to the admin once."""
    return secrets.token_urlsafe(KIOSK_KEY_BYTES)


def kiosk_key_valid(kiosk: Kiosk, key: str) -> bool:
    return token_matches(kiosk.key_hash, key)


def kiosk_unlock_mark(kiosk: Kiosk) -> str:
    """What a browser's session keeps for a kiosk its key unlocked: good until the key is
    renewed."""
    return f"{kiosk.public_id}:{kiosk.key_version}" if kiosk.key_version else kiosk.public_id
