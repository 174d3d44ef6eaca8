"""Capabilities of visits: the token of a live ticket page and the key that unlocks a kiosk. Both
derive from the secret key (so they can be shown again) and only their hashes are stored
(`schalter.tokens`). Services and selectors alike use this module."""

from datetime import date

from django.utils.crypto import salted_hmac

from schalter.tokens import token_matches
from schalter.visits.models import Kiosk, Ticket


def ticket_token_for(*, office_id: int, day: date, group_id: int, number: int) -> str:
    """The token of the live ticket page. Derived with the secret key, so the kiosk can print
    it again; only its hash is stored."""
    value = f"{office_id}:{day.isoformat()}:{group_id}:{number}"
    return salted_hmac("schalter.visits.ticket", value, algorithm="sha256").hexdigest()[:40]


def token_of(ticket: Ticket) -> str:
    return ticket_token_for(
        office_id=ticket.office_id, day=ticket.day, group_id=ticket.group_id, number=ticket.number
    )


def kiosk_key_for(public_id: str, version: int = 0) -> str:
    """The key that unlocks a kiosk, in its current version (`Kiosk.key_version`); only its hash
    is stored. Derived with the secret key, so an admin can always show it again."""
    value = f"{public_id}:{version}" if version else public_id
    return salted_hmac("schalter.visits.kiosk", value, algorithm="sha256").hexdigest()[:32]


def kiosk_key_valid(kiosk: Kiosk, key: str) -> bool:
    return token_matches(kiosk.key_hash, key)


def kiosk_unlock_mark(kiosk: Kiosk) -> str:
    """What a browser's session keeps for a kiosk its key unlocked: good until the key is
    renewed."""
    return f"{kiosk.public_id}:{kiosk.key_version}" if kiosk.key_version else kiosk.public_id
