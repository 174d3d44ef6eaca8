"""The in-process shared cache keeps only what a caching proxy may keep, for as long as the
answer says, per variant it names."""

from datetime import timedelta

import pytest
import time_machine
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory
from django.utils import timezone

from schalter import shared_cache
from schalter.shared_cache import SharedCacheMiddleware


class View:
    """Counts how often it really ran; answers as `answer` says."""

    def __init__(self, **answer):
        self.calls = 0
        self.answer = answer

    def __call__(self, request):
        self.calls += 1
        streaming = self.answer.get("streaming", False)
        if streaming:
            response = StreamingHttpResponse(iter([b"x"]))
        else:
            body = self.answer.get("body", f"answer {self.calls}")
            response = HttpResponse(body, status=self.answer.get("status", 200))
        response["Cache-Control"] = self.answer.get("cache_control", "public, max-age=10")
        if "vary" in self.answer:
            response["Vary"] = self.answer["vary"]
        if self.answer.get("cookie"):
            response.set_cookie("c", "1")
        return response


def run(middleware, path="/x?a=1", method="get", **headers):
    return middleware(getattr(RequestFactory(), method)(path, **headers))


def test_a_public_answer_is_kept_for_its_max_age_and_says_how_old_it_is():
    view = View()
    middleware = SharedCacheMiddleware(view)
    first = run(middleware)
    with time_machine.travel(timezone.now() + timedelta(seconds=4), tick=False):
        again = run(middleware)
    assert view.calls == 1 and again.content == first.content == b"answer 1"
    assert again["Age"] == "4" and again["Cache-Control"] == "public, max-age=10"
    assert run(middleware, path="/x?a=2").content == b"answer 2"  # another query, another answer
    with time_machine.travel(timezone.now() + timedelta(seconds=11), tick=False):
        assert run(middleware).content == b"answer 3"  # run out


def test_past_half_its_age_one_request_refreshes_the_answer():
    view = View()
    middleware = SharedCacheMiddleware(view)
    run(middleware)
    with time_machine.travel(timezone.now() + timedelta(seconds=6), tick=False):
        assert run(middleware).content == b"answer 2"
        assert run(middleware).content == b"answer 2"  # the refreshed one, kept anew
    assert view.calls == 2


@pytest.mark.parametrize(
    "answer",
    [
        {"cache_control": "private, max-age=10"},
        {"cache_control": "max-age=10"},
        {"cache_control": "public, max-age=0"},
        {"cache_control": "public"},
        {"cache_control": f"public, max-age={shared_cache.MAX_AGE_SECONDS + 1}"},
        {"status": 404},
        {"cookie": True},
        {"vary": "Cookie"},
        {"vary": "*"},
        {"streaming": True},
        {"body": b"x" * (shared_cache.MAX_BODY_BYTES + 1)},
    ],
)
def test_answers_a_proxy_must_not_share_are_never_kept(answer):
    view = View(**answer)
    middleware = SharedCacheMiddleware(view)
    run(middleware)
    run(middleware)
    assert view.calls == 2


@pytest.mark.parametrize(
    "request_kind", [{"method": "post"}, {"method": "head"}, {"HTTP_AUTHORIZATION": "Bearer t"}]
)
def test_requests_other_than_plain_gets_always_reach_the_view(request_kind):
    view = View()
    middleware = SharedCacheMiddleware(view)
    run(middleware)
    run(middleware, **request_kind)
    assert view.calls == 2


def test_each_variant_named_in_vary_is_kept_apart():
    view = View(vary="Accept-Language")
    middleware = SharedCacheMiddleware(view)
    german = run(middleware, HTTP_ACCEPT_LANGUAGE="de")
    arabic = run(middleware, HTTP_ACCEPT_LANGUAGE="ar")
    assert german.content != arabic.content
    assert run(middleware, HTTP_ACCEPT_LANGUAGE="de").content == german.content
    assert run(middleware, HTTP_ACCEPT_LANGUAGE="ar").content == arabic.content
    assert view.calls == 2


def test_each_host_has_its_own_answers():
    view = View()
    middleware = SharedCacheMiddleware(view)
    first = run(middleware, HTTP_HOST="a.example")
    other = run(middleware, HTTP_HOST="b.example")
    assert first.content != other.content
    assert run(middleware, HTTP_HOST="a.example").content == first.content
    assert view.calls == 2


def test_an_answer_no_longer_shareable_is_forgotten():
    view = View()
    middleware = SharedCacheMiddleware(view)
    run(middleware)
    view.answer["status"] = 404
    with time_machine.travel(timezone.now() + timedelta(seconds=11), tick=False):
        assert run(middleware).status_code == 404
    assert middleware.kept_bytes == 0 and not middleware.kept


def test_memory_is_bounded_by_dropping_the_longest_unused(monkeypatch):
    monkeypatch.setattr(shared_cache, "MAX_KEPT_BYTES", 25)
    view = View(body=b"0123456789")
    middleware = SharedCacheMiddleware(view)
    for n in range(3):
        run(middleware, path=f"/x?n={n}")
    assert middleware.kept_bytes == 20 and view.calls == 3
    run(middleware, path="/x?n=1")  # kept
    run(middleware, path="/x?n=0")  # dropped first, computed again
    assert view.calls == 4
