"""ASGI: pages and the API as in WSGI, and the call displays' WebSockets (Channels)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schalter.config.settings.production")
django_application = get_asgi_application()  # set up Django before importing the consumers

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.urls import path  # noqa: E402

from schalter.visits.consumers import DisplayConsumer, TicketConsumer  # noqa: E402
from schalter.visits.routing import DISPLAY_ROUTE, TICKET_ROUTE  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": AllowedHostsOriginValidator(
            URLRouter(
                [
                    path(DISPLAY_ROUTE, DisplayConsumer.as_asgi()),
                    path(TICKET_ROUTE, TicketConsumer.as_asgi()),
                ]
            )
        ),
    }
)
