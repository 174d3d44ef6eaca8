"""Production differs from base only through environment variables (see .env.example)."""

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    ALTCHA_HMAC_KEY,
    INSECURE_LOCAL_KEY,
    INSECURE_SECRETS_KEY,
    LOGGING,
    SCHALTER_SECRETS_KEYS,
    SECRET_KEY,
    env,
    env_flag,
)

# Keys shorter than this, or made of few distinct characters, are refused (Django's own
# `check --deploy` criteria for the secret key).
SHORTEST_KEY = 50


def refuse_weak_key(name: str, value: str) -> None:
    """Production does not start with a missing, default, example or short key: every signed
    value (sessions, CSRF, the capabilities derived from the key) would be open to anyone who
    knows the default."""
    if (
        value == INSECURE_LOCAL_KEY
        or "change-me" in value
        or len(value) < SHORTEST_KEY
        or len(set(value)) < 5
    ):
        raise ImproperlyConfigured(
            f"{name} must be set to a random value of at least {SHORTEST_KEY} characters, e.g. "
            "`python3 -c 'import secrets; print(secrets.token_urlsafe(50))'`. Production does "
            "not start with a missing, default or short key."
        )


refuse_weak_key("SCHALTER_SECRET_KEY", SECRET_KEY)
# The proof-of-work key is a key of its own, so that it can be rotated without signing every
# session out, and so that the secret key never signs what a client sends back unasked.
refuse_weak_key("SCHALTER_ALTCHA_KEY", ALTCHA_HMAC_KEY)
if ALTCHA_HMAC_KEY == SECRET_KEY:
    raise ImproperlyConfigured("SCHALTER_ALTCHA_KEY must differ from SCHALTER_SECRET_KEY.")
# The keys of the secrets kept encrypted (schalter/secrets.py): without one of its own, every
# stored mailbox password would be sealed with a key anyone can read in this repository.
try:
    if INSECURE_SECRETS_KEY in SCHALTER_SECRETS_KEYS:
        raise ValueError
    for secrets_key in SCHALTER_SECRETS_KEYS:
        Fernet(secrets_key)
except ValueError as error:
    raise ImproperlyConfigured(
        "SCHALTER_SECRETS_KEYS must be set to Fernet keys (comma-separated; the first encrypts, "
        "all decrypt), e.g. `python3 -c 'from cryptography.fernet import Fernet; "
        "print(Fernet.generate_key().decode())'`. Production does not start without one."
    ) from error

# Django's /admin/ is not mounted in production unless switched on; even then it is behind the
# staff sign-in's two factors and lockout (config/urls.py, staff/admin_site.py).
SCHALTER_DJANGO_ADMIN = env_flag("SCHALTER_DJANGO_ADMIN", False)

SESSION_COOKIE_SECURE = env_flag("SCHALTER_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- HTTPS (issue 11, item 7) -------------------------------------------------------------------
# Every request that reached the proxy over plain HTTP is sent to HTTPS (the proxy says which
# scheme it saw in X-Forwarded-Proto, SECURE_PROXY_SSL_HEADER above). A proxy that redirects by
# itself may keep this on: behind it every request already says https. Off only where no proxy
# speaks TLS (`make bench`, a closed test network).
SECURE_SSL_REDIRECT = env_flag("SCHALTER_SSL_REDIRECT", True)
# Load balancers probe the app servers over plain HTTP: a redirect would read as "down".
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Browsers that saw the site once refuse plain HTTP for this long (one year), on the site's own
# subdomains too (the header binds only names below the one that sends it). Preloading into the
# browsers' built-in lists is left off: it takes months to undo, and it is asked for the whole
# registered domain (the city's, say), whose other services are not this installation's to bind.
SECURE_HSTS_SECONDS = int(env("SCHALTER_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("SCHALTER_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_flag("SCHALTER_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    # `check --deploy` asks for preloading (security.W021); it is a decision for each
    # installation's domain (see above), so it is off on purpose and the reminder silenced.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

# --- Logs (issue 11, observability) -------------------------------------------------------------
# JSON lines for the log collector, redacted like every environment's (settings/base.py).
LOGGING = {
    **LOGGING,
    "formatters": {"json": {"()": "schalter.observability.logs.JsonLines"}},
    "handlers": {"console": {**LOGGING["handlers"]["console"], "formatter": "json"}},
}

# --- Cache ---------------------------------------------------------------------------------------
# Shared by every web and worker process when Redis is there (the same server as the channel
# layer's): a planning run's progress, written by the task worker, reaches the web processes.
# Without it each process keeps its own, and `check --deploy` warns where a worker runs apart
# (offices/checks.py).
if env("SCHALTER_REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env("SCHALTER_REDIS_URL"),
            "KEY_PREFIX": "schalter",
        }
    }
