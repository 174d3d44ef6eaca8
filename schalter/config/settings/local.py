"""`make run`: SQLite, debug pages, demo TOTP helper."""

from .base import *  # noqa: F403

DEBUG = True
SCHALTER_DEMO_TOTP = True
SCHALTER_PUBLIC_URL = "http://127.0.0.1:8000"
# No mail server in the demo: e-mails (with their confirmation links) appear in the terminal.
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
# runserver through daphne speaks WebSocket too, so call displays get pushed calls in the demo.
INSTALLED_APPS = ["daphne", *INSTALLED_APPS]  # noqa: F405
