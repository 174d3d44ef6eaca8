"""ASGI: pages and the API as in WSGI, and the call displays' WebSockets (Channels)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schalter.config.settings.production")
django_application = get_asgi_application()  # set up Django before importing the consumers

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.urls import path  # noqa: E402

from schalter.config.warmup import warm  # noqa: E402
from schalter.visits.consumers import DeskConsumer, DisplayConsumer, TicketConsumer  # noqa: E402
from schalter.visits.routing import DESK_ROUTE, DISPLAY_ROUTE, TICKET_ROUTE  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": AllowedHostsOriginValidator(
            URLRouter(
                [
                    path(DISPLAY_ROUTE, DisplayConsumer.as_asgi()),
                    path(TICKET_ROUTE, TicketConsumer.as_asgi()),
                    # Only the desk's socket reads the session: displays and phones need none.
                    path(DESK_ROUTE, AuthMiddlewareStack(DeskConsumer.as_asgi())),
                ]
            )
        ),
    }
)

warm()  # before the first request (SCHALTER_WARM_UP)
