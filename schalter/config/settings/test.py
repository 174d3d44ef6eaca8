"""pytest: the database comes from DATABASE_URL (SQLite unless `make test` starts PostgreSQL)."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import PASSWORD_HASHERS, env, env_flag

# Hashing strength is not under test; argon2 stays first in production.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
ALLOWED_HOSTS = ["*"]
# Tests import config/asgi.py (Daphne) and want no warm-up on import; test_warmup.py runs it.
SCHALTER_WARM_UP = False
# Each test process keeps its rendered PDFs apart from `make run`'s (var/pdf-cache).
SCHALTER_PDF_CACHE_DIR = Path(tempfile.mkdtemp(prefix="schalter-test-pdf-"))
SCHALTER_UNSAFE_SEAT_CLAIM = env_flag("SCHALTER_UNSAFE_SEAT_CLAIM", False)
SCHALTER_UNSAFE_VISIT_LOCKS = env_flag("SCHALTER_UNSAFE_VISIT_LOCKS", False)
SCHALTER_RATE_LIMITS = env_flag("SCHALTER_RATE_LIMITS", True)
# Test-only fault point of the voicemail receiver (schalter/callbacks/ingest.py: fault_point):
# names the point where a receiver process started by a test exits; unset everywhere else.
SCHALTER_CALLBACK_FAULT = env("SCHALTER_CALLBACK_FAULT", "")
# Test-only switches of the callback claim race (schalter/callbacks/races.py).
SCHALTER_UNSAFE_CALLBACK_LOCKS = env_flag("SCHALTER_UNSAFE_CALLBACK_LOCKS", False)
SCHALTER_CALLBACK_RACE_PAUSE = 0.0
