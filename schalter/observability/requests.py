"""Counts of answered requests by status class, for /metrics, and (when switched on) one log line
per request through the redacting log handler, in place of the server's own access log.

The counts are kept per process, in memory, since it started: each app process answers /metrics
with its own (Prometheus' `rate()` copes with restarts; sum over the processes you scrape)."""

import logging
import threading
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

log = logging.getLogger("schalter.requests")

STATUS_CLASSES = ("1xx", "2xx", "3xx", "4xx", "5xx")


class ResponseCounts:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts = dict.fromkeys(STATUS_CLASSES, 0)

    def add(self, status: int) -> None:
        status_class = f"{min(max(status // 100, 1), 5)}xx"
        with self.lock:
            self.counts[status_class] += 1

    def snapshot(self) -> dict[str, int]:
        with self.lock:
            return dict(self.counts)


# This process's counts.
RESPONSES = ResponseCounts()


class RequestsMiddleware:
    """Right after the shared cache and the overload guard, which stay first because they must
    cost next to nothing: their answers (repeats of free times, 503 refusals, which the guard
    reports in the log itself) are not counted here, every other answer is."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        RESPONSES.add(response.status_code)
        if log.isEnabledFor(logging.INFO):
            # The path goes through the redacting filter like every other message; the query
            # string is left out altogether.
            log.info(
                "%s %s %d %.0fms",
                request.method,
                request.path,
                response.status_code,
                (time.perf_counter() - started) * 1000,
                extra={"status_code": response.status_code},
            )
        return response
