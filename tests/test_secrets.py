"""Secrets Schalter reads back are sealed with the first of SCHALTER_SECRETS_KEYS and opened with
any of them (schalter/secrets.py): a key is rotated without losing a stored secret, and one no
key opens is a clear error, not a crash somewhere later."""

import pytest
from cryptography.fernet import Fernet
from django.test import override_settings

from schalter.secrets import SecretUnreadable, secret_open, secret_reseal, secret_seal

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def test_a_sealed_secret_is_not_the_secret_and_opens_to_it():
    sealed = secret_seal("Gehe1m! Passwört")
    assert "Gehe1m" not in sealed and sealed != secret_seal("Gehe1m! Passwört")  # fresh IV
    assert secret_open(sealed) == "Gehe1m! Passwört"
    assert (secret_seal(""), secret_open("")) == ("", "")  # nothing kept stays nothing


def test_a_rotation_keeps_the_old_secrets_open_and_seals_with_the_new_key():
    with override_settings(SCHALTER_SECRETS_KEYS=[OLD]):
        sealed_before = secret_seal("s3cret")
    with override_settings(SCHALTER_SECRETS_KEYS=[NEW, OLD]):
        assert secret_open(sealed_before) == "s3cret"
        sealed_after = secret_seal("s3cret")
        resealed = secret_reseal(sealed_before)
    # The new key alone opens what was sealed after the rotation and what was sealed again...
    with override_settings(SCHALTER_SECRETS_KEYS=[NEW]):
        assert secret_open(sealed_after) == secret_open(resealed) == "s3cret"
        with pytest.raises(SecretUnreadable):  # ...but not what was left sealed with the old one
            secret_open(sealed_before)
    with override_settings(SCHALTER_SECRETS_KEYS=[OLD]), pytest.raises(SecretUnreadable):
        secret_open(sealed_after)


def test_a_wrong_key_or_plain_text_is_a_clear_error():
    with override_settings(SCHALTER_SECRETS_KEYS=[OLD]):
        sealed = secret_seal("s3cret")
    for stored in (sealed, "s3cret", "gAAAAAB-not-a-token", "Passwört"):
        with (
            override_settings(SCHALTER_SECRETS_KEYS=[NEW]),
            pytest.raises(SecretUnreadable) as error,
        ):
            secret_open(stored)
        assert "SCHALTER_SECRETS_KEYS" in str(error.value)
