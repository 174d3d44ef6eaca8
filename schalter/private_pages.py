"""Pages that show personal data are never stored by a browser or a proxy: every staff page, and
the public pages a personal link opens (booking manage, callback status, the survey, the
interpreter's own view, a ticket). The one rule, as a middleware: `Cache-Control: private,
no-store` unless the view set its own (a view may be stricter, or say a file is public)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

NO_STORE = "private, no-store"

# Namespaced route names of public pages opened by a personal link.
PERSONAL_ROUTES = frozenset(
    {
        "public:booking_confirm",
        "public:booking_manage",
        "public:booking_move",
        "public:callback_status",
        "public:callback_withdraw",
        "public:feedback",
        "public:interpreter",
        "public:interpreter_sign_in",
        "public:interpreter_answer",
        "public:interpreter_report",
        "public:ticket",
        "public:ticket_notify",
        "kiosk_ticket",
    }
)


def is_personal(request: HttpRequest) -> bool:
    """A staff page, or a public page reached through a personal link."""
    match = request.resolver_match
    if match is None:
        return False
    return "staff" in match.namespaces or match.view_name in PERSONAL_ROUTES


class PrivatePagesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control") and is_personal(request):
            response["Cache-Control"] = NO_STORE
        return response
