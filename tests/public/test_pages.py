from datetime import UTC, date, datetime

import pytest
import time_machine
from bs4 import BeautifulSoup

from schalter.accounts.actors import COMMAND
from schalter.languages import LANGUAGES
from schalter.offices import services

pytestmark = pytest.mark.django_db


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def test_root_redirects_by_accept_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ar,en;q=0.5")
    assert response.status_code == 302
    assert response["Location"] == "/ar/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="tr").headers["Location"] == "/tr/"


def test_root_without_preference_is_german(client):
    assert client.get("/").headers["Location"] == "/de/"


@pytest.mark.parametrize("language", LANGUAGES, ids=lambda language: language.code)
def test_every_language_sets_lang_and_direction(client, office, language):
    response = client.get(f"/{language.code}/")
    assert response.status_code == 200
    html = soup(response).html
    assert html["lang"] == language.html_lang
    assert html["dir"] == ("rtl" if language.bidi else "ltr")


def test_arabic_page_is_translated_and_right_to_left(client, office):
    page = soup(client.get("/ar/"))
    assert page.html["dir"] == "rtl"
    heading = page.find("h1").get_text()
    assert heading != "Choose your immigration office"
    assert any("\u0600" <= ch <= "\u06ff" for ch in heading), heading


def test_office_chooser_lists_offices(client, office, other_office):
    page = soup(client.get("/de/"))
    links = {a["href"] for a in page.select(".office-list a")}
    assert links == {"/de/giessen/", "/de/darmstadt/"}


def test_language_switcher_names_each_language_in_itself(client, office):
    page = soup(client.get("/de/giessen/"))
    links = page.select(".language-switcher a")
    assert [a.get_text() for a in links] == [language.name_local for language in LANGUAGES]
    arabic = next(a for a in links if a["lang"] == "ar")
    assert arabic["href"] == "/ar/giessen/"
    assert arabic["dir"] == "rtl"


@time_machine.travel(datetime(2026, 12, 7, 9, 0, tzinfo=UTC))  # a Monday
def test_office_home_shows_today_week_address_and_languages(client, office):
    page = soup(client.get("/en/giessen/"))
    today = page.select_one(".today").get_text(" ", strip=True)
    assert "08:00–12:00" in today
    rows = page.select(".opening-hours tbody tr")
    assert len(rows) == 7
    wednesday = rows[2].get_text(" ", strip=True)
    assert "Closed" in wednesday
    text = page.get_text(" ", strip=True)
    assert "Berliner Platz 1" in text and "+496413060" in text
    assert {li.get_text() for li in page.select(".spoken-languages li")} == {
        "Deutsch",
        "English",
        "العربية",
        "Kurmancî",
    }


@time_machine.travel(datetime(2026, 12, 24, 9, 0, tzinfo=UTC))
def test_public_holidays_of_hessen_close_the_office(client, office):
    page = soup(client.get("/de/giessen/"))
    christmas = page.select(".opening-hours tbody tr")[1].get_text(" ", strip=True)
    assert "Weihnachtstag" in christmas


@time_machine.travel(datetime(2026, 6, 4, 9, 0, tzinfo=UTC))  # Corpus Christi, a holiday in Hessen
def test_corpus_christi_is_a_holiday_in_hessen(client, office):
    today = soup(client.get("/en/giessen/")).select_one(".today").get_text(" ", strip=True)
    assert "Corpus Christi" in today


@time_machine.travel(datetime(2026, 12, 7, 9, 0, tzinfo=UTC))
def test_closures_show_in_the_clients_language(client, office):
    services.closure_add(
        office=office,
        first_day=date(2026, 12, 8),
        last_day=date(2026, 12, 8),
        reason={"de": "Betriebsausflug", "en": "Staff outing"},
        acting_user=COMMAND,
    )
    page = soup(client.get("/en/giessen/"))
    assert "Staff outing" in page.select(".opening-hours tbody tr")[1].get_text()
    assert "Betriebsausflug" in soup(client.get("/de/giessen/")).get_text()


@pytest.mark.parametrize(
    "url",
    [
        "/de/help/",
        "/de/accessibility/",
        "/de/imprint/",
        "/de/privacy/",
        "/de-x-ls/help/",
        "/fa-af/accessibility/",
    ],
)
def test_information_pages_exist(client, office, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "abh@giessen.example" in response.content.decode() or url.endswith("help/")


def test_leichte_sprache_link_points_to_easy_read_page(client, office):
    page = soup(client.get("/ar/"))
    assert page.select_one("footer a[href='/de-x-ls/help/']") is not None


def test_unknown_office_is_a_friendly_404_in_the_requested_language(client, office):
    response = client.get("/ar/no-such-office/")
    assert response.status_code == 404
    page = soup(response)
    assert page.html["lang"] == "ar" and page.html["dir"] == "rtl"
    assert page.find("a", href="/ar/") is not None


def test_unknown_language_is_a_friendly_404(client, office):
    response = client.get("/xx/giessen/", follow=True, HTTP_ACCEPT_LANGUAGE="tr")
    assert response.status_code == 404
    assert soup(response).html["lang"] == "tr"


@pytest.mark.parametrize(
    "path",
    [
        "/de/%00/",
        "/de/giessen/%F0%9F%92%A9/",
        "/de/" + "a" * 5000 + "/",
        "/de/giessen/?x=%ff%fe",
        "/de/<script>/",
    ],
)
def test_odd_urls_never_fail(client, office, path):
    assert client.get(path).status_code in {200, 301, 302, 404}


def test_pages_carry_a_content_security_policy(client, office):
    response = client.get("/de/giessen/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "frame-ancestors 'none'" in policy


def test_health_check(client):
    assert client.get("/healthz").json()["status"] == "ok"


def test_metrics_are_counts_for_the_token_only(client, office, settings):
    # Issue 11, item 7: the loopback address no longer opens /metrics (behind a proxy on the
    # same machine every client comes from there); without a token there is no /metrics.
    settings.SCHALTER_METRICS_TOKEN = ""
    # (Like every unknown path, via the language prefix Django tries first.)
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1", follow=True).status_code == 404
    settings.SCHALTER_METRICS_TOKEN = "s3cret"
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 401
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 401
    ok = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret", REMOTE_ADDR="203.0.113.9")
    assert ok.status_code == 200
    assert "schalter_up 1" in ok.content.decode()
