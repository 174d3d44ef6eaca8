"""What deploy/nginx.conf promises, checked on the running topology: HTTPS only (redirect and
HSTS), static files from disk with long caching for hashed names, the client's scheme reaching
Django (secure cookies, CSRF over https), and /metrics only with its token."""

import re


def test_plain_http_is_redirected_to_https(topology):
    import httpx

    with httpx.Client(base_url=topology.http_origin, timeout=10) as http:
        response = http.get("/de/neustadt/?x=1")
    assert response.status_code == 301
    assert response.headers["location"] == f"{topology.origin}/de/neustadt/?x=1"


def test_https_answers_carry_hsts_and_secure_cookies(topology):
    with topology.http() as http:
        page = http.get("/staff/login/")
        health = http.get("/healthz")
    assert page.status_code == 200 and health.json()["status"] == "ok"
    for response in (page, health):
        assert "max-age=31536000" in response.headers["strict-transport-security"]
        # Django sends HSTS as well; the proxy keeps exactly one header.
        assert len(response.headers.get_list("strict-transport-security")) == 1
    # Django saw https (X-Forwarded-Proto from nginx): the CSRF cookie is marked Secure.
    cookies = page.headers.get_list("set-cookie")
    assert any(c.startswith("csrftoken=") and "Secure" in c for c in cookies), cookies


def test_django_sees_https_so_forms_posted_from_the_https_origin_pass_csrf(topology):
    """Without X-Forwarded-Proto Django would take the request for plain HTTP and refuse the
    browser's https:// Origin (403)."""
    with topology.http() as http:
        form = http.get("/staff/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
        posted = http.post(
            "/staff/login/",
            data={"csrfmiddlewaretoken": token, "username": "nobody", "password": "wrong"},
            headers={"Origin": topology.origin, "Referer": f"{topology.origin}/staff/login/"},
        )
    assert posted.status_code != 403  # the form again, with its error (400), not CSRF's 403
    assert "csrfmiddlewaretoken" in posted.text


def test_static_files_come_from_nginx_with_hashed_names_cached_long(topology):
    with topology.http() as http:
        page = http.get("/de/neustadt/")
        stylesheet = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page.text)
        assert stylesheet, "pages link hashed static names (the manifest of collectstatic)"
        response = http.get(stylesheet.group(1), headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
    assert "max-age=31536000" in response.headers["cache-control"]
    assert "max-age=31536000" in response.headers["strict-transport-security"]
    assert response.headers.get("content-encoding") == "gzip"


def test_metrics_need_their_token_behind_the_proxy(topology):
    """Every request reaches the app from nginx's address (loopback here): only the token
    opens /metrics."""
    with topology.http() as http:
        refused = http.get("/metrics")
        given = http.get("/metrics", headers={"Authorization": f"Bearer {topology.metrics_token}"})
    assert refused.status_code == 401
    assert given.status_code == 200 and "schalter_up 1" in given.text
