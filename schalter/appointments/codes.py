"""Booking codes: short, read aloud at the counter and typed at kiosks and in e-mail links."""

import secrets

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed at kiosks
CODE_LENGTH = 8
# Longest input looked at: a code is 8 characters; anything longer is cut before it is read.
CODE_INPUT_MAX = 20


def code_new() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def code_normalise(raw: str) -> str:
    """A code as typed, spoken or copied ("ab3k-7pq2 ", "AB3K 7PQ2") in its stored form."""
    return "".join(raw[: CODE_INPUT_MAX * 2].split()).replace("-", "").upper()[:CODE_INPUT_MAX]
