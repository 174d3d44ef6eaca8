"""Production refuses unsafe settings: it does not start with a missing, default, example or short
secret key, nor without a proof-of-work key of its own (issue 11, item 1). Each case starts a
real Python process with the production settings, as a server would."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STRONG = "k" + "".join(f"{n:02x}" for n in range(40))  # 81 characters, many distinct
OTHER_STRONG = "a" + "".join(f"{n:02x}" for n in range(40, 80))


def start(**variables: str) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SCHALTER_") and key != "DJANGO_SETTINGS_MODULE"
    }
    environment.update(DJANGO_SETTINGS_MODULE="schalter.config.settings.production", **variables)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("secret_key", "altcha_key", "named"),
    [
        (None, OTHER_STRONG, "SCHALTER_SECRET_KEY"),  # missing: the public default
        ("insecure-local-only-key-change-me", OTHER_STRONG, "SCHALTER_SECRET_KEY"),
        ("change-me-to-50-random-characters-xxxxxxxxxxxxxxxxxxxxx", OTHER_STRONG, "SECRET"),
        ("short-but-random-8f3a9c", OTHER_STRONG, "SCHALTER_SECRET_KEY"),
        ("ab" * 40, OTHER_STRONG, "SCHALTER_SECRET_KEY"),  # long, but two characters
        (STRONG, None, "SCHALTER_ALTCHA_KEY"),  # the proof-of-work key is a key of its own
        (STRONG, STRONG, "SCHALTER_ALTCHA_KEY"),
    ],
)
def test_production_refuses_to_start_with_a_weak_key(secret_key, altcha_key, named):
    keys = {"SCHALTER_SECRET_KEY": secret_key, "SCHALTER_ALTCHA_KEY": altcha_key}
    started = start(**{name: value for name, value in keys.items() if value is not None})
    assert started.returncode != 0
    assert "started" not in started.stdout
    assert "ImproperlyConfigured" in started.stderr and named in started.stderr


def test_production_starts_with_strong_keys_of_its_own():
    started = start(SCHALTER_SECRET_KEY=STRONG, SCHALTER_ALTCHA_KEY=OTHER_STRONG)
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "started"
