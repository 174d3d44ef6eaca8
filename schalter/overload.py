"""Load shedding. Each server process works on at most SCHALTER_MAX_IN_FLIGHT requests at once;
the next one gets 503 with Retry-After at once, instead of waiting in a queue until the client
gives up (a request that waits for a free database connection past the pool timeout would be a
500). Transient database trouble that reaches the top (pool timeout, lock timeout, lost
connection) is answered the same way: busy, try again.

Under WSGI (production's pages and API, `schalter.config.wsgi`) `LoadShedding` admits requests
before Django builds them, so a refusal costs a few tens of microseconds and a burst of
thousands is answered quickly; elsewhere (ASGI, tests) `OverloadMiddleware` does the same,
first in the middleware. Either way the WSGI server must run more threads than the limit, so
the surplus reaches the check and is refused quickly (scripts/run-bench shows how)."""

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.handlers.wsgi import WSGIRequest
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


class _Admission:
    """The per-process count of requests inside, and of refusals (reported every
    REPORT_EVERY_SECONDS rather than logged one by one). Of the requests inside, at most
    `working` run at once; the others wait for their turn in order of arrival. Python runs one
    thread at a time: a hundred runnable threads only take turns at the interpreter lock, each
    holding a database connection or waiting for one, and the cheapest request (a refusal, a
    kept answer) waits longest; a few working and the rest queued in order is faster for all."""

    def __init__(self, limit: int, working: int) -> None:
        self.limit = limit
        self.working_limit = max(working, 1)
        self.in_flight = 0
        self.working = 0
        self.turns: deque[threading.Event] = deque()
        self.refused = 0
        self.reported_at = time.monotonic()
        self.lock = threading.Lock()

    def enter(self) -> bool:
        """False: refused. True: admitted and working (after waiting for a turn, if need be)."""
        with self.lock:
            if self.in_flight >= self.limit:
                self.refused += 1
                admitted = False
            else:
                self.in_flight += 1
                admitted = True
                turn = None
                if self.working < self.working_limit:
                    self.working += 1
                else:
                    turn = threading.Event()
                    self.turns.append(turn)
        if not admitted:
            self._report()
            return False
        if turn is not None:
            turn.wait()  # leave() hands its working place straight to the first in line
        return True

    def leave(self) -> None:
        with self.lock:
            self.in_flight -= 1
            if self.turns:
                self.turns.popleft().set()
            else:
                self.working -= 1

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


def _admission() -> _Admission:
    return _Admission(settings.SCHALTER_MAX_IN_FLIGHT, settings.SCHALTER_MAX_WORKING)


# Set in the WSGI environment of a request LoadShedding admitted: the middleware then lets it in.
ADMITTED = "schalter.admitted"


class LoadShedding:
    """WSGI: admit at most SCHALTER_MAX_IN_FLIGHT requests into `app`, answer the rest at once."""

    def __init__(self, app: Callable) -> None:
        self.app = app
        self.admission = _admission()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if not self.admission.limit or environ.get("PATH_INFO") in EXEMPT_PATHS:
            return self.app(environ, start_response)
        if not self.admission.enter():
            refusal = busy_response(WSGIRequest(environ))
            start_response(f"503 {refusal.reason_phrase}", list(refusal.items()))
            return [refusal.content]
        environ[ADMITTED] = True
        try:
            return self.app(environ, start_response)
        finally:  # Django's answers are complete here (a streamed one may still be sending)
            self.admission.leave()


class OverloadMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.admission = _admission()

    @property
    def in_flight(self) -> int:
        return self.admission.in_flight

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            not self.admission.limit
            or request.path in EXEMPT_PATHS
            or request.META.get(ADMITTED)  # by LoadShedding already
        ):
            return self.get_response(request)
        if not self.admission.enter():
            return busy_response(request)
        try:
            return self.get_response(request)
        finally:
            self.admission.leave()

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OperationalError):
            log.warning("database busy, answered 503: %s", exception)
            return busy_response(request)
        return None
