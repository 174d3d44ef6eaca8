"""Secrets Schalter must read back (a mailbox's IMAP password, which it signs in with) are kept
encrypted: the database holds only what `secret_seal` gives, and a copy of the database without
the keys (a backup, a dump for a developer) gives away no password.

The keys are `settings.SCHALTER_SECRETS_KEYS` (Fernet keys, from the environment): the first seals,
every one opens, so a key is rotated by putting the new one first, sealing the stored secrets
again (`manage.py secrets_reseal`) and only then dropping the old one. An empty secret stays
empty (nothing is kept)."""

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class SecretUnreadable(ValueError):
    """A stored secret that none of the keys opens: sealed with a key since dropped from
    SCHALTER_SECRETS_KEYS, or not sealed at all."""

    def __init__(self) -> None:
        super().__init__(
            "a stored secret cannot be decrypted with any key in SCHALTER_SECRETS_KEYS "
            "(was a key dropped before the secrets were sealed again?); enter it again"
        )


def secrets_keys() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in settings.SCHALTER_SECRETS_KEYS])


def secret_seal(text: str) -> str:
    """The secret encrypted (and authenticated) with the first key; "" stays ""."""
    if not text:
        return ""
    return secrets_keys().encrypt(text.encode()).decode("ascii")


def secret_open(sealed: str) -> str:
    """The secret `secret_seal` sealed, with any of the keys; SecretUnreadable otherwise."""
    if not sealed:
        return ""
    try:
        return secrets_keys().decrypt(sealed.encode("ascii")).decode()
    except (InvalidToken, UnicodeError) as error:
        raise SecretUnreadable from error


def secret_reseal(sealed: str) -> str:
    """The secret sealed again with the first key (after a rotation); SecretUnreadable when no
    key opens it."""
    if not sealed:
        return ""
    try:
        return secrets_keys().rotate(sealed.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeError) as error:
        raise SecretUnreadable from error
