"""Where the WebSockets are: the routes config/asgi.py serves and the paths pages connect to,
from one spelling of each. The consumers read the route's `office`, `screen` and `token`."""

import re
from urllib.parse import quote

DISPLAY_ROUTE = "ws/<slug:office>/display/<str:screen>/"
TICKET_ROUTE = "ws/<slug:office>/ticket/<str:token>/"
DESK_ROUTE = "ws/<slug:office>/desk/"  # the signed-in caseworker's own desk

_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


def _socket_path(route: str, **values: str) -> str:
    return "/" + _PARAMETER.sub(lambda m: quote(values[m.group(1)], safe=""), route)


def display_socket_path(office: str, screen: str) -> str:
    """A call display's socket: `office` is the office's slug, `screen` the screen's public id."""
    return _socket_path(DISPLAY_ROUTE, office=office, screen=screen)


def ticket_socket_path(office: str, token: str) -> str:
    """The live ticket page's socket: `token` is the ticket page's own token."""
    return _socket_path(TICKET_ROUTE, office=office, token=token)


def desk_socket_path(office: str) -> str:
    """The desk page's socket: the desk is the one the signed-in user sits at."""
    return _socket_path(DESK_ROUTE, office=office)
