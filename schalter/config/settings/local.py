"""`make run`: SQLite, debug pages, demo TOTP helper."""

from .base import *  # noqa: F403

DEBUG = True
SCHALTER_DEMO_TOTP = True
