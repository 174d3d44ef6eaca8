"""Load shedding: past the in-flight limit a request is refused at once with 503 and Retry-After,
and database trouble that reaches the top is a 503 too, never a 500."""

import json
import logging
import threading
import time

import pytest
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.utils import translation
from django.utils.log import log_response

from schalter.overload import ADMITTED, LoadShedding, OverloadMiddleware


class HeldView:
    """A view that stays busy until released, counting the requests inside it."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.inside = threading.Semaphore(0)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path != "/healthz":
            self.inside.release()
            self.release.wait(timeout=10)
        return HttpResponse("done")


def hold(middleware: OverloadMiddleware, view: HeldView, count: int) -> list[threading.Thread]:
    threads = [
        threading.Thread(target=middleware, args=(RequestFactory().get("/api/v1/offices"),))
        for _ in range(count)
    ]
    for thread in threads:
        thread.start()
    for _ in range(count):
        assert view.inside.acquire(timeout=10)
    return threads


def test_requests_past_the_limit_are_refused_with_retry_after(settings):
    settings.SCHALTER_MAX_IN_FLIGHT = 2
    view = HeldView()
    middleware = OverloadMiddleware(view)
    threads = hold(middleware, view, 2)
    try:
        refused = middleware(RequestFactory().get("/api/v1/offices"))
        page = middleware(RequestFactory().get("/de/"))
    finally:
        view.release.set()
        for thread in threads:
            thread.join()

    assert refused.status_code == 503
    assert refused["Retry-After"] == "1"
    assert json.loads(refused.content)["error"] == "busy"
    assert page.status_code == 503
    assert page["Content-Type"].startswith("text/plain")
    assert page["Retry-After"] == "1"
    # The slots are free again once the busy requests are done.
    assert middleware(RequestFactory().get("/api/v1/offices")).status_code == 200


def test_refusals_are_counted_in_the_log_not_logged_one_by_one(settings, caplog):
    settings.SCHALTER_MAX_IN_FLIGHT = 1
    view = HeldView()
    overload = OverloadMiddleware(view)
    threads = hold(overload, view, 1)
    try:
        with caplog.at_level(logging.WARNING):
            answers = [overload(RequestFactory().get("/api/v1/offices")) for _ in range(50)]
            for answer in answers:  # as Django's handler does for every 4xx/5xx
                log_response("%s", answer.reason_phrase, response=answer)
    finally:
        view.release.set()
        for thread in threads:
            thread.join()
    assert {a.status_code for a in answers} == {503}
    assert not [r for r in caplog.records if r.name == "django.request"]
    assert len([r for r in caplog.records if r.name == "schalter.overload"]) <= 1


def test_health_checks_pass_even_when_full(settings):
    settings.SCHALTER_MAX_IN_FLIGHT = 1
    view = HeldView()
    middleware = OverloadMiddleware(view)
    threads = hold(middleware, view, 1)
    try:
        assert middleware(RequestFactory().get("/api/v1/offices")).status_code == 503
        assert middleware(RequestFactory().get("/healthz")).status_code == 200
    finally:
        view.release.set()
        for thread in threads:
            thread.join()


def test_a_failing_view_frees_its_place(settings):
    settings.SCHALTER_MAX_IN_FLIGHT = 1

    def broken(request: HttpRequest) -> HttpResponse:
        raise ValueError("boom")

    middleware = OverloadMiddleware(broken)
    with pytest.raises(ValueError):
        middleware(RequestFactory().get("/"))
    assert middleware.in_flight == 0


def test_limit_zero_switches_shedding_off(settings):
    settings.SCHALTER_MAX_IN_FLIGHT = 0
    view = HeldView()
    view.release.set()
    middleware = OverloadMiddleware(view)
    assert all(middleware(RequestFactory().get("/")).status_code == 200 for _ in range(5))


def test_database_trouble_is_503_not_500(settings):
    middleware = OverloadMiddleware(lambda request: HttpResponse())
    request = RequestFactory().post("/api/v1/offices/giessen/appointments")
    response = middleware.process_exception(
        request, OperationalError("couldn't get a connection after 5.00 sec")
    )
    assert response is not None
    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    assert middleware.process_exception(request, ValueError("a bug")) is None


@pytest.mark.django_db
def test_it_runs_first_in_the_real_stack(settings):
    # Only answers kept for sharing come before it (they cost less than a refusal).
    assert settings.MIDDLEWARE[:2] == [
        "schalter.shared_cache.SharedCacheMiddleware",
        "schalter.overload.OverloadMiddleware",
    ]
    settings.SCHALTER_MAX_IN_FLIGHT = 1
    # One request at a time is within the limit: the stack answers as usual.
    assert Client().get("/healthz").status_code == 200
    assert Client().get("/api/v1/offices").status_code == 200


def wsgi_get(app, path: str, **headers: str) -> tuple[str, dict[str, str], bytes]:
    """One GET through a WSGI application: (status line, headers, body)."""
    environ = RequestFactory().get(path, **headers).environ
    answer: dict = {}

    def start_response(status: str, response_headers: list[tuple[str, str]]) -> None:
        answer["status"], answer["headers"] = status, dict(response_headers)

    body = b"".join(app(environ, start_response))
    return answer["status"], answer["headers"], body


class HeldWsgiApp:
    """A WSGI application that stays busy until released; records what it was given."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.inside = threading.Semaphore(0)
        self.environs: list[dict] = []

    def __call__(self, environ: dict, start_response) -> list[bytes]:
        self.environs.append(environ)
        if environ["PATH_INFO"] != "/healthz":
            self.inside.release()
            self.release.wait(timeout=10)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"done"]


def test_under_wsgi_the_surplus_is_refused_before_django_in_the_clients_language(settings):
    settings.SCHALTER_MAX_IN_FLIGHT = 1
    app = HeldWsgiApp()
    shedding = LoadShedding(app)
    held = threading.Thread(target=wsgi_get, args=(shedding, "/api/v1/offices"))
    held.start()
    try:
        assert app.inside.acquire(timeout=10)
        status, headers, body = wsgi_get(
            shedding, "/api/v1/offices", HTTP_ACCEPT_LANGUAGE="ar,en;q=0.5"
        )
        page = wsgi_get(shedding, "/tr/giessen/")
        health = wsgi_get(shedding, "/healthz")
    finally:
        app.release.set()
        held.join()
    assert status.startswith("503") and headers["Retry-After"] == "1"
    with translation.override("ar"):
        arabic = translation.gettext(
            "The service is very busy right now. Please try again in a moment."
        )
    assert json.loads(body) == {"error": "busy", "message": arabic}
    assert page[0].startswith("503") and page[1]["Content-Type"].startswith("text/plain")
    assert page[2].decode() != arabic and page[2]  # Turkish, from the path
    assert health[0] == "200 OK"
    assert len(app.environs) == 2  # the held request and the health check: nobody else got in
    assert app.environs[0][ADMITTED] is True


def test_a_request_admitted_under_wsgi_is_not_counted_again_by_the_middleware(settings):
    settings.SCHALTER_MAX_IN_FLIGHT = 1
    view = HeldView()
    middleware = OverloadMiddleware(view)
    threads = hold(middleware, view, 1)  # the middleware's own count is full
    admitted = RequestFactory().get("/api/v1/offices")
    admitted.META[ADMITTED] = True
    answers: list[HttpResponse] = []
    second = threading.Thread(target=lambda: answers.append(middleware(admitted)))
    second.start()
    try:
        assert view.inside.acquire(timeout=10)  # it reached the view while the first is inside
    finally:
        view.release.set()
        for thread in [*threads, second]:
            thread.join()
    assert answers[0].status_code == 200


@pytest.mark.django_db
def test_production_wsgi_application_sheds_load_in_front_of_django():
    from schalter.config.wsgi import application

    assert isinstance(application, LoadShedding)
    status, _headers, body = wsgi_get(application, "/api/v1/openapi.json")
    assert status == "200 OK" and "openapi" in json.loads(body)


def until(condition, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_only_so_many_work_at_once_and_the_others_wait_their_turn_in_order(settings):
    settings.SCHALTER_MAX_IN_FLIGHT = 3
    settings.SCHALTER_MAX_WORKING = 1
    order: list[str] = []
    release = {name: threading.Event() for name in "abc"}

    def view(request: HttpRequest) -> HttpResponse:
        order.append(request.GET["n"])
        release[request.GET["n"]].wait(timeout=10)
        return HttpResponse("done")

    middleware = OverloadMiddleware(view)
    threads = []
    for n, name in enumerate("abc", start=1):
        thread = threading.Thread(target=middleware, args=(RequestFactory().get("/", {"n": name}),))
        thread.start()
        threads.append(thread)
        until(lambda n=n: middleware.in_flight == n)
    try:
        assert order == ["a"]  # b and c are inside, waiting for their turn
        assert middleware(RequestFactory().get("/", {"n": "d"})).status_code == 503
        release["a"].set()
        until(lambda: order == ["a", "b"])  # first come, first served
        release["b"].set()
        until(lambda: order == ["a", "b", "c"])
    finally:
        for event in release.values():
            event.set()
        for thread in threads:
            thread.join()
    assert middleware.in_flight == 0 and middleware.turns.working == 0


def test_requests_let_in_under_wsgi_still_wait_their_turn(settings):
    settings.SCHALTER_MAX_IN_FLIGHT = 5
    settings.SCHALTER_MAX_WORKING = 1
    view = HeldView()
    middleware = OverloadMiddleware(view)
    first, second = (RequestFactory().get("/api/v1/offices") for _ in range(2))
    for request in (first, second):
        request.META[ADMITTED] = True
    threads = [threading.Thread(target=middleware, args=(r,)) for r in (first, second)]
    for thread in threads:
        thread.start()
    try:
        assert view.inside.acquire(timeout=10)
        assert not view.inside.acquire(timeout=0.2)  # the second waits for the first
        assert middleware.in_flight == 0  # LoadShedding counted them, not the middleware
        view.release.set()
        assert view.inside.acquire(timeout=10)
    finally:
        view.release.set()
        for thread in threads:
            thread.join()
