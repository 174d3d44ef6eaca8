"""Load shedding. Each server process lets at most SCHALTER_MAX_IN_FLIGHT requests in, of which
SCHALTER_MAX_WORKING run at once while the others wait their turn; the next one gets 503 with
Retry-After at once, instead of waiting in a queue until the client gives up (a request that
waits for a free database connection past the pool timeout would be a 500). Transient
database trouble that reaches the top (pool timeout, lock timeout, lost connection) is
answered the same way: busy, try again.

Under WSGI (production's pages and API, `schalter.config.wsgi`) `LoadShedding` admits requests
before Django builds them, so a refusal costs a few tens of microseconds and a burst of
thousands is answered quickly; elsewhere (ASGI, tests) `OverloadMiddleware` does the same.
The turns are given by `OverloadMiddleware`, after `schalter.shared_cache`: a kept answer never
waits behind bookings. Either way the WSGI server must run more threads than the limit, so
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
    """The per-process count of requests let in, and of refusals (reported every
    REPORT_EVERY_SECONDS rather than logged one by one)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.in_flight = 0
        self.refused = 0
        self.reported_at = time.monotonic()
        self.lock = threading.Lock()

    def enter(self) -> bool:
        with self.lock:
            admitted = self.in_flight < self.limit
            if admitted:
                self.in_flight += 1
            else:
                self.refused += 1
        if not admitted:
            self._report()
        return admitted

    def leave(self) -> None:
        with self.lock:
            self.in_flight -= 1

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


class _Turns:
    """Of the requests let in, at most `working` run at once; the others wait for their turn in
    order of arrival (a leaving request hands its place straight to the first in line, so no
    newcomer jumps the queue). Python runs one thread at a time: a hundred runnable threads
    only take turns at the interpreter lock, each holding a database connection or waiting for
    one, and the cheapest request (a refusal) waits longest; a few working and the rest queued
    in order is faster for all."""

    def __init__(self, working: int) -> None:
        self.limit = max(working, 1)
        self.working = 0
        self.waiting: deque[threading.Event] = deque()
        self.lock = threading.Lock()

    def take(self) -> None:
        with self.lock:
            if self.working < self.limit:
                self.working += 1
                return
            turn = threading.Event()
            self.waiting.append(turn)
        turn.wait()

    def give_back(self) -> None:
        with self.lock:
            if self.waiting:
                self.waiting.popleft().set()
            else:
                self.working -= 1


# Set in the WSGI environment of a request LoadShedding let in: the middleware counts it no more.
ADMITTED = "schalter.admitted"


class LoadShedding:
    """WSGI: let at most SCHALTER_MAX_IN_FLIGHT requests into `app`, answer the rest at once."""

    def __init__(self, app: Callable) -> None:
        self.app = app
        self.admission = _Admission(settings.SCHALTER_MAX_IN_FLIGHT)

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
    """Lets requests in as LoadShedding does (unless it did already) and gives them their turn;
    after the shared cache, whose answers need neither."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.admission = _Admission(settings.SCHALTER_MAX_IN_FLIGHT)
        self.turns = _Turns(settings.SCHALTER_MAX_WORKING)

    @property
    def in_flight(self) -> int:
        return self.admission.in_flight

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.admission.limit or request.path in EXEMPT_PATHS:
            return self.get_response(request)
        counted_here = not request.META.get(ADMITTED)
        if counted_here and not self.admission.enter():
            return busy_response(request)
        self.turns.take()
        try:
            return self.get_response(request)
        finally:
            self.turns.give_back()
            if counted_here:
                self.admission.leave()

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OperationalError):
            log.warning("database busy, answered 503: %s", exception)
            return busy_response(request)
        return None
