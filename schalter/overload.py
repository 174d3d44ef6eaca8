"""Load shedding. Each server process works on at most SCHALTER_MAX_IN_FLIGHT requests at once;
the next one gets 503 with Retry-After at once, instead of waiting in a queue until the client
gives up (a request that waits for a free database connection past the pool timeout would be a
500). Transient database trouble that reaches the top (pool timeout, lock timeout, lost
connection) is answered the same way: busy, try again.

The limit counts requests inside Django; the WSGI server must run more threads than the limit,
so the surplus reaches this middleware and is refused quickly (scripts/run-bench shows how)."""

import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 1
EXEMPT_PATHS = frozenset({"/healthz"})  # load balancers must keep seeing a live process
REPORT_EVERY_SECONDS = 10


def busy_response(request: HttpRequest) -> HttpResponse:
    language = translation.get_language_from_request(request, check_path=True)
    with translation.override(language):
        message = _("The service is very busy right now. Please try again in a moment.")
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"error": "busy", "message": message}, status=503)
    else:
        response = HttpResponse(message, content_type="text/plain; charset=utf-8", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    # Django would log each 5xx; under overload that is thousands of lines a second, so the
    # middleware reports a count instead.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


class OverloadMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.limit = settings.SCHALTER_MAX_IN_FLIGHT
        self.in_flight = 0
        self.refused = 0
        self.reported_at = time.monotonic()
        self.lock = threading.Lock()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.limit or request.path in EXEMPT_PATHS:
            return self.get_response(request)
        with self.lock:
            admitted = self.in_flight < self.limit
            if admitted:
                self.in_flight += 1
            else:
                self.refused += 1
        if not admitted:
            self._report()
            return busy_response(request)
        try:
            return self.get_response(request)
        finally:
            with self.lock:
                self.in_flight -= 1

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OperationalError):
            log.warning("database busy, answered 503: %s", exception)
            return busy_response(request)
        return None

    def _report(self) -> None:
        now = time.monotonic()
        with self.lock:
            if now - self.reported_at < REPORT_EVERY_SECONDS:
                return
            refused, self.refused, self.reported_at = self.refused, 0, now
        log.warning(
            "overloaded: refused %d requests with 503 (more than %d in flight)",
            refused,
            self.limit,
        )
