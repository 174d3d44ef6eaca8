"""Load shedding: past the in-flight limit a request is refused at once with 503 and Retry-After,
and database trouble that reaches the top is a 503 too, never a 500."""

import json
import logging
import threading

import pytest
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.utils.log import log_response

from schalter.overload import OverloadMiddleware


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
