"""Production differs from base only through environment variables (see .env.example)."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ALTCHA_HMAC_KEY, INSECURE_LOCAL_KEY, SECRET_KEY, env_flag

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
