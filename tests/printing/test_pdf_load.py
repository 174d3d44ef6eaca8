"""PDFs under load (issue 11, item 2): a rendered PDF is kept and served again until its data
changes, hostile parameters are refused without rendering or keeping anything, renders are
limited per address, and a render that has every slot cannot hold up a page request."""

import os
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from datetime import time as clock
from pathlib import Path

import httpx
import pytest
import time_machine
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_scopes import scopes_disabled

from schalter.accounts.actors import CLIENT, COMMAND
from schalter.appointments import ratelimit
from schalter.appointments.errors import RateLimited
from schalter.offices import services
from schalter.offices.models import Desk
from schalter.printing import cache, throttle
from schalter.printing.render import renders_started
from schalter.visits import services as visits
from tests.conftest import build_office


def first_desk(office) -> Desk:
    with scopes_disabled():
        return Desk.objects.filter(office=office).order_by("number").first()


def kept(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.pdf")) if folder.exists() else []


def fill_to_limit(key: str, limit: int) -> None:
    """Count hits for the test client's address until it has as many as it may."""
    count = 0
    while count < limit:
        count = ratelimit.hit(
            key, limit=limit, window_seconds=throttle.WINDOW_SECONDS, now=timezone.now()
        )


def arrow_url(office) -> str:
    return f"/giessen/signs/arrow.pdf?desk={first_desk(office).pk}&direction=up"


@pytest.mark.parametrize(
    "url",
    [
        "arrow",
        "/de/giessen/flyer.pdf?lang=ar&pair=1&size=A5",
        "/tr/giessen/services/residence-permit/flyer.pdf",
        "/giessen/signs/desks.pdf",
    ],
)
def test_a_kept_pdf_is_served_again_without_rendering(
    client, office, residence_permit, pdf_cache_dir, url
):
    url = arrow_url(office) if url == "arrow" else url
    before = renders_started()
    first = client.get(url)
    second = client.get(url)

    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert renders_started() == before + 1
    assert len(kept(pdf_cache_dir)) == 1
    assert kept(pdf_cache_dir)[0].read_bytes() == first.content


def test_a_change_of_the_data_makes_a_new_pdf(client, office, pdf_cache_dir, settings):
    settings.SCHALTER_PDF_FRESH_SECONDS = 0  # every request checks the data
    before = renders_started()
    old = client.get(arrow_url(office)).content
    services.desk_update(desk=first_desk(office), changes={"colour": "purple"}, acting_user=COMMAND)

    new = client.get(arrow_url(office)).content
    again = client.get(arrow_url(office)).content

    assert new != old
    assert again == new
    assert renders_started() == before + 2
    assert len(kept(pdf_cache_dir)) == 2  # the old one goes when it is pruned


def test_a_ticket_pdf_is_not_kept(client, office, pdf_cache_dir):
    services.opening_hours_set(
        office=office,
        weekly={d: [(clock(0, 0), clock(23, 59))] for d in range(7)},
        acting_user=COMMAND,
    )
    group = visits.service_group_create(
        office=office, name={"de": "Abholung"}, prefix="A", services=[], acting_user=COMMAND
    )
    ticket = visits.ticket_issue_walk_in(
        office=office, group=group, now=timezone.now(), acting_user=CLIENT
    )
    before = renders_started()
    url = f"/de/giessen/ticket/{ticket.token}/ticket.pdf"

    answers = [client.get(url), client.get(url)]

    assert [answer.status_code for answer in answers] == [200, 200]
    assert renders_started() == before + 2  # its QR code carries the token: never on disk
    assert kept(pdf_cache_dir) == []


def test_within_its_freshness_a_kept_pdf_is_served_without_checking_the_data(
    client, office, pdf_cache_dir, settings
):
    settings.SCHALTER_PDF_FRESH_SECONDS = 3600
    old = client.get(arrow_url(office)).content
    services.desk_update(desk=first_desk(office), changes={"colour": "purple"}, acting_user=COMMAND)

    kept_answer = client.get(arrow_url(office))
    settings.SCHALTER_PDF_FRESH_SECONDS = 0
    checked = client.get(arrow_url(office))

    assert kept_answer.content == old  # the HTML was not built again
    assert kept_answer["Content-Disposition"] == checked["Content-Disposition"]
    assert checked.content != old


HOSTILE_LANGUAGES = [
    "xx",
    "ar%00",
    "%FF%FE",
    "a" * 5000,
    "<script>alert(1)</script>",
    "ar,tr,uk,fa",
    "ar," + ",".join(["xx"] * 500),
    "../../../etc/passwd",
]


@pytest.mark.parametrize(
    "url",
    [f"/de/giessen/flyer.pdf?lang={lang}" for lang in HOSTILE_LANGUAGES]
    + [f"/giessen/signs/desks.pdf?lang={lang}" for lang in HOSTILE_LANGUAGES]
    + [
        "/de/giessen/flyer.pdf?size=A3",
        "/de/giessen/flyer.pdf?size=A4%00",
        "/de/giessen/flyer.pdf?pair=1&lang=ar,fa",
        "/de/nowhere/flyer.pdf",
        "/nowhere/signs/floors.pdf",
    ],
)
def test_hostile_parameters_are_refused_without_rendering_or_keeping(
    client, office, pdf_cache_dir, url
):
    before = renders_started()

    response = client.get(url)

    assert 400 <= response.status_code < 500
    assert renders_started() == before
    assert kept(pdf_cache_dir) == []


@pytest.mark.parametrize(
    "query",
    [
        "desk=99999999999999999999&direction=up",
        "desk=-1&direction=up",
        "desk=1%00&direction=up",
        "desk={desk}&direction=../../etc/passwd",
        "desk={desk}&direction=" + "up" * 3000,
    ],
)
def test_hostile_arrow_parameters_are_refused(client, office, pdf_cache_dir, query):
    before = renders_started()

    response = client.get("/giessen/signs/arrow.pdf?" + query.format(desk=first_desk(office).pk))

    assert 400 <= response.status_code < 500
    assert renders_started() == before
    assert kept(pdf_cache_dir) == []


def test_requests_that_ask_for_the_same_document_share_one_pdf(client, office, pdf_cache_dir):
    before = renders_started()
    urls = [
        "/giessen/signs/floors.pdf?lang=ar,tr",
        "/giessen/signs/floors.pdf?lang=tr,ar",
        "/giessen/signs/floors.pdf?lang=TR,%20ar,ar",
        "/giessen/signs/floors.pdf?lang=de,ar,tr&unknown=1",
    ]

    answers = [client.get(url) for url in urls]

    assert {answer.status_code for answer in answers} == {200}
    assert len({answer.content for answer in answers}) == 1
    assert renders_started() == before + 1
    assert len(kept(pdf_cache_dir)) == 1


# At the start of a rate-limit window, so that the window cannot end during the test.
WINDOW_START = datetime(2026, 12, 7, 9, 0, 1, tzinfo=UTC)


@time_machine.travel(WINDOW_START)
def test_renders_are_limited_per_address_and_kept_pdfs_are_cheaper(client, office, settings):
    settings.SCHALTER_RATE_LIMITS = True
    assert client.get(arrow_url(office)).status_code == 200  # rendered and kept
    fill_to_limit("pdf-render:ip:127.0.0.1", throttle.RENDER_LIMIT)
    before = renders_started()

    again = client.get(arrow_url(office))
    refused = client.get("/ar/giessen/flyer.pdf?size=A5")

    assert again.status_code == 200  # kept: no render, only the wider limit counts
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= throttle.WINDOW_SECONDS
    with translation.override("ar"):
        assert refused.content.decode() == str(RateLimited.message)
    assert renders_started() == before


@time_machine.travel(WINDOW_START)
def test_every_pdf_request_counts_against_the_wider_limit(client, office, settings):
    settings.SCHALTER_RATE_LIMITS = True
    assert client.get(arrow_url(office)).status_code == 200
    fill_to_limit("pdf:ip:127.0.0.1", throttle.REQUEST_LIMIT)

    refused = client.get(arrow_url(office), headers={"accept-language": "tr"})

    assert refused.status_code == 429
    assert "Retry-After" in refused
    with translation.override("tr"):
        assert refused.content.decode() == str(RateLimited.message)


def test_a_cache_that_cannot_be_written_costs_the_cache_not_the_answer(
    client, office, settings, tmp_path
):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    settings.SCHALTER_PDF_CACHE_DIR = blocker / "pdf-cache"

    response = client.get(arrow_url(office))

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_pruning_removes_old_and_excess_pdfs_and_leftover_parts(pdf_cache_dir, settings):
    settings.SCHALTER_PDF_CACHE_DAYS = 30
    settings.SCHALTER_PDF_CACHE_MAX_MB = 1
    now = time.time()
    for name, size in [("fresh", 400_000), ("older", 400_000), ("oldest", 400_000)]:
        cache.pdf_store(name, b"%PDF" + b"x" * size)
    os.utime(pdf_cache_dir / "older.pdf", (now - 3600, now - 3600))
    os.utime(pdf_cache_dir / "oldest.pdf", (now - 7200, now - 7200))
    cache.pdf_store("stale", b"%PDF")
    os.utime(pdf_cache_dir / "stale.pdf", (now - 31 * 86400, now - 31 * 86400))
    crashed = pdf_cache_dir / f"{cache.TEMPORARY_PREFIX}crashed.pdf"
    crashed.write_bytes(b"%PDF half")
    os.utime(crashed, (now - 7200, now - 7200))
    writing = pdf_cache_dir / f"{cache.TEMPORARY_PREFIX}writing.pdf"
    writing.write_bytes(b"%PDF half")

    removed = cache.pdf_cache_prune(now=now)

    assert removed == 3  # stale (age), oldest (size), the crashed part
    # The recent part stays: another process may still be writing it.
    assert sorted(p.name for p in pdf_cache_dir.iterdir()) == [
        writing.name,
        "fresh.pdf",
        "older.pdf",
    ]
    assert cache.cached_pdf("fresh") is not None
    assert cache.cached_pdf("oldest") is None


def test_a_kept_pdf_is_never_half_a_file(pdf_cache_dir):
    cache.pdf_store("key", b"%PDF whole")

    assert [p.name for p in pdf_cache_dir.iterdir()] == ["key.pdf"]
    assert cache.cached_pdf("key") == b"%PDF whole"


@pytest.fixture
def live_office(transactional_db, live_server, settings, tmp_path):
    settings.SCHALTER_PDF_CACHE_DIR = tmp_path / "live-cache"
    settings.SCHALTER_PDF_RENDERS = 1
    settings.SCHALTER_PDF_SLOT_WAIT_SECONDS = 0.2
    settings.SCHALTER_RATE_LIMITS = False
    office = build_office("giessen", desks=40)  # a long render: 40 desk signs (pages)
    services.opening_hours_set(
        office=office,
        weekly={d: [(clock(0, 0), clock(23, 59))] for d in range(7)},
        acting_user=COMMAND,
    )
    return live_server.url


def test_a_busy_render_slot_refuses_pdfs_while_pages_are_answered(live_office):
    """Real parallel clients against a live server: one long render has the only render slot;
    another PDF gets 503 with Retry-After, a page and a hostile request their own answers."""
    before = renders_started()
    with (
        # The render process runs at a lower priority (printing/worker.py: NICENESS) and gets
        # what the busy machine leaves: its answer may take minutes, which is no failure here.
        httpx.Client(base_url=live_office, timeout=600) as long_client,
        httpx.Client(base_url=live_office, timeout=30) as other,
        ThreadPoolExecutor(max_workers=1) as pool,
    ):
        long_render = pool.submit(long_client.get, "/giessen/signs/desks.pdf")
        deadline = time.monotonic() + 60
        while renders_started() == before and time.monotonic() < deadline:
            time.sleep(0.02)
        assert renders_started() == before + 1  # the long render has the only slot

        refused = other.get("/giessen/signs/floors.pdf", headers={"accept-language": "de"})
        page = other.get("/de/giessen/")
        hostile = other.get("/giessen/signs/floors.pdf?lang=xx")
        still_rendering = not long_render.done()
        rendered = long_render.result()

    assert refused.status_code == 503
    assert int(refused.headers["Retry-After"]) >= 1
    with translation.override("de"):
        assert refused.text == gettext(
            "The service is very busy right now. Please try again in a moment."
        )
    assert page.status_code == 200
    assert hostile.status_code == 404  # refused for what it asks, not for the busy slot
    assert still_rendering  # the page did not wait for the render
    assert rendered.status_code == 200
    assert renders_started() == before + 1  # the refused request rendered nothing
