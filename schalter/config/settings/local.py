"""`make run`: SQLite, debug pages, demo TOTP helper."""

from .base import *  # noqa: F403
from .base import env

DEBUG = True
SCHALTER_DEMO_TOTP = True
# Links in e-mails and QR codes point where `make run` serves (PORT=9000 make run).
SCHALTER_PUBLIC_URL = env("SCHALTER_PUBLIC_URL", f"http://127.0.0.1:{env('PORT', '8000')}")
# No mail server in the demo: e-mails appear in the terminal, readably (not as base64), so their
# links can be followed.
MAILERS = {"default": {"BACKEND": "schalter.demo.mail.ReadableConsoleBackend"}}
# runserver through daphne speaks WebSocket too, so call displays get pushed calls in the demo.
INSTALLED_APPS = ["daphne", *INSTALLED_APPS]  # noqa: F405
