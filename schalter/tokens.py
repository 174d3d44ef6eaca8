"""Capabilities (manage, confirm and ticket tokens, kiosk keys) are stored only as hashes."""

import hashlib
import secrets


def token_hash(token: str) -> str:
    """What is stored for a capability: its SHA-256 in hex (the token itself is random or keyed,
    so no salt is needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(stored_hash: str, token: str) -> bool:
    """Whether `token` is the capability whose hash is stored, in constant time. An empty hash
    (a used or withdrawn capability) matches nothing."""
    return (
        bool(stored_hash) and bool(token) and secrets.compare_digest(stored_hash, token_hash(token))
    )
