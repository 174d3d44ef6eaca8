"""A shared cache in front of Django, in each server process's memory, as a caching proxy would
keep one: an answer that says `Cache-Control: public, max-age=N` with N up to MAX_AGE_SECONDS
(the availability API) is given again for N seconds without running the rest of the
middleware or the view. Clients polling free times then cost next to nothing, and a burst of
them cannot crowd out the bookings.

Once a kept answer is half its N old, one request computes it afresh while the others are
still answered from memory; only when it has run out do the others wait for that one request
(rather than all compute it at once). Never kept: answers that set a cookie, vary on the
cookie, are streamed, are not 200, are larger than MAX_BODY_BYTES, or answer a request that
carried credentials (Authorization) or was not a GET. Each process keeps at most
MAX_KEPT_BYTES, dropping the longest unused answers first."""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_max_age
from django.utils.http import split_header_value

MAX_BODY_BYTES = 1024 * 1024
# Only answers that change by the second are kept here; those meant to be kept longer (printed
# flyers, 5 minutes) are left to browsers and proxies, so that an edit shows at once here.
MAX_AGE_SECONDS = 10
MAX_KEPT_BYTES = 32 * 1024 * 1024
# Held while a request computes an answer afresh (by the key's hash).
COMPUTING = [threading.Lock() for _ in range(32)]


@dataclass(frozen=True)
class _Kept:
    stored_at: float
    max_age: int
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def age(self, now: float) -> float:
        return now - self.stored_at

    def response(self, now: float) -> HttpResponse:
        response = HttpResponse(self.body, status=self.status, headers=dict(self.headers))
        response["Age"] = str(int(self.age(now)))
        return response


class SharedCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.kept: OrderedDict[str, _Kept] = OrderedDict()
        self.kept_bytes = 0
        self.vary: dict[str, tuple[str, ...]] = {}  # path -> request headers its answer varies on
        self.lock = threading.Lock()  # guards kept, kept_bytes and vary

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "GET" or "HTTP_AUTHORIZATION" in request.META:
            return self.get_response(request)
        path = request.get_full_path()
        with self.lock:
            key = self._key(request, path)
            kept = self.kept.get(key)
            if kept is not None:
                self.kept.move_to_end(key)
        if kept is None:  # never kept (or dropped): nobody waits for anybody
            return self._compute(request, path)
        now = time.time()
        computing = COMPUTING[hash(key) % len(COMPUTING)]
        if kept.age(now) < kept.max_age:
            if kept.age(now) < kept.max_age / 2 or not computing.acquire(blocking=False):
                return kept.response(now)
            try:
                return self._compute(request, path)
            finally:
                computing.release()
        with computing:  # run out: one request computes it, the others wait for its answer
            with self.lock:
                kept = self.kept.get(key)
            now = time.time()
            if kept is not None and kept.age(now) < kept.max_age:
                return kept.response(now)
            return self._compute(request, path)

    def _key(self, request: HttpRequest, path: str) -> str:
        """As a proxy keys: host and path with its query, and the headers the answer varies on."""
        names = self.vary.get(path, ())
        host = request.META.get("HTTP_HOST", "")
        return "\n".join([path, host, *(request.META.get(name, "") for name in names)])

    def _compute(self, request: HttpRequest, path: str) -> HttpResponse:
        stored_at = time.time()
        response = self.get_response(request)
        max_age = _shareable_for(response)
        with self.lock:
            if not max_age:  # no longer shareable (say, now a 404): nobody waits for it again
                self._drop(self._key(request, path))
                return response
            self.vary[path] = tuple(
                "HTTP_" + name.strip().upper().replace("-", "_")
                for name in split_header_value(response.get("Vary", ""))
            )
            kept = _Kept(
                stored_at, max_age, response.status_code, tuple(response.items()), response.content
            )
            self._store(self._key(request, path), kept)
        return response

    def _drop(self, key: str) -> None:
        dropped = self.kept.pop(key, None)
        if dropped is not None:
            self.kept_bytes -= len(dropped.body)

    def _store(self, key: str, kept: _Kept) -> None:
        self._drop(key)
        self.kept[key] = kept
        self.kept_bytes += len(kept.body)
        while self.kept_bytes > MAX_KEPT_BYTES:
            _key, dropped = self.kept.popitem(last=False)
            self.kept_bytes -= len(dropped.body)
        if len(self.vary) > 2 * len(self.kept) + 1000:  # forget paths with no answer kept
            alive = {key.split("\n", 1)[0] for key in self.kept}
            self.vary = {path: names for path, names in self.vary.items() if path in alive}


def _shareable_for(response: HttpResponse) -> int:
    """Seconds a shared cache may keep the answer (0: not at all)."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return 0
    directives = split_header_value(response.get("Cache-Control", ""))
    if not any(d.strip().lower() == "public" for d in directives):
        return 0
    vary = response.get("Vary", "").lower()
    if "cookie" in vary or "*" in vary:
        return 0
    if len(response.content) > MAX_BODY_BYTES:
        return 0
    max_age = get_max_age(response) or 0
    return max_age if 0 < max_age <= MAX_AGE_SECONDS else 0
