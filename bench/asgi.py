"""The application's ASGI entry (pages, API and the WebSockets) with the bench settings."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

from schalter.config.asgi import application

__all__ = ["application"]
