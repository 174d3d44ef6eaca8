"""The day of the visit end to end, with sound: a client checks in at the kiosk in Turkish, a
caseworker calls her from the desk page, and the call display in another browser (started as
kiosk displays are, with --autoplay-policy=no-user-gesture-required) shows her number in the
desk's colour within a second and plays the gong and the announcement (German, Turkish).

The pages come from Daphne in a thread of the test process, so the display's WebSocket gets the
call as it is made (pytest-django's live_server speaks only HTTP: the display would fall back to
polling every two seconds)."""

import socket
import threading
import time

import pytest
import time_machine
from django.urls import reverse
from django_scopes import scopes_disabled
from playwright.sync_api import Browser, Page, expect

from schalter.accounts.actors import CLIENT, COMMAND
from schalter.visits import services as visits
from schalter.visits.models import CallEvent, ServiceGroup, Ticket
from tests.browser.conftest import CHROMIUM, CHROMIUM_FLAGS, VIEWPORTS, assert_accessible
from tests.browser.test_kiosk import MONDAY_9, on_the_day  # noqa: F401 (a fixture)
from tests.browser.test_staff_calendar import sign_in
from tests.conftest import german


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def asgi_url():
    """Daphne serving the ASGI application (pages, static files, WebSockets) on a thread; once
    per test process, as Twisted's reactor cannot be started twice."""
    from daphne.server import Server  # installs the asyncio reactor: imported first
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
    from twisted.internet import reactor

    from schalter.config.asgi import application

    port = free_port()
    server = Server(
        ASGIStaticFilesHandler(application),
        endpoints=[f"tcp:port={port}:interface=127.0.0.1"],
        signal_handlers=False,
    )
    threading.Thread(target=server.run, name="daphne", daemon=True).start()
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            assert time.monotonic() < deadline, "daphne did not start"
            time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    reactor.callFromThread(reactor.stop)


@pytest.fixture(autouse=True)
def announce_dir(settings, tmp_path):
    settings.SCHALTER_ANNOUNCE_DIR = tmp_path / "announcements"


def launch(browser: Browser, autoplay_policy: str) -> Browser:
    """Another browser besides the session's; the call displays are started with
    no-user-gesture-required."""
    flags = [*CHROMIUM_FLAGS, f"--autoplay-policy={autoplay_policy}"]
    return browser.browser_type.launch(executable_path=CHROMIUM, args=flags)


def open_at(browser: Browser, url: str, viewport: str, **options) -> Page:
    # axe-core is injected as a script; the page's own CSP would refuse it.
    context = browser.new_context(viewport=VIEWPORTS[viewport], bypass_csp=True, **options)
    page = context.new_page()
    page.set_default_timeout(15000)
    response = page.goto(url)
    assert response is not None and response.ok, (url, response and response.status)
    return page


def open_display(browser: Browser, base: str) -> Page:
    path = reverse("display", kwargs={"office": "giessen", "screen": "wartebereich"})
    context = browser.new_context(viewport=VIEWPORTS["desktop"], bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    with page.expect_websocket() as socket_opened:
        response = page.goto(f"{base}{path}")
    assert response is not None and response.ok
    assert "/ws/giessen/display/wartebereich/" in socket_opened.value.url
    return page


def desk_page(browser: Browser, base: str, day: dict) -> Page:
    visits.desk_session_open(
        office=day["office"],
        desk=day["desk"],
        user=day["caseworker"],
        now=MONDAY_9,
        acting_user=day["caseworker"],
    )
    staff = open_at(browser, f"{base}/staff/giessen/desk/", "desktop", locale="de-DE")
    sign_in(staff, day["caseworker"])
    staff.wait_for_url("**/staff/giessen/desk/")
    return staff


def call_next(staff: Page) -> float:
    """Press "call next" at the desk; the monotonic time the POST's answer came back."""
    button = staff.locator("form:has(input[value=call_next]) button")
    with staff.expect_response(lambda r: r.request.method == "POST") as posted:
        button.click()
    returned = time.monotonic()
    assert posted.value.status == 302
    return returned


def test_turkish_check_in_call_shows_within_a_second_and_is_announced(
    transactional_db,
    browser,
    asgi_url,
    on_the_day,  # noqa: F811
):
    office, desk = on_the_day["office"], on_the_day["desk"]
    visits.screen_create(
        office=office, name="Wartebereich", public_id="wartebereich", acting_user=COMMAND
    )
    speaker = launch(browser, "no-user-gesture-required")
    try:
        with time_machine.travel(MONDAY_9, tick=True):
            display = open_display(speaker, asgi_url)
            assert_accessible(display)

            kiosk_path = reverse("kiosk", kwargs={"office": "giessen", "kiosk": "eingang"})
            kiosk = open_at(browser, f"{asgi_url}{kiosk_path}?key={on_the_day['key']}", "desktop")
            kiosk.get_by_role("link", name="Türkçe").or_(
                kiosk.get_by_role("button", name="Türkçe")
            ).first.click()
            kiosk.locator("input[name=code]").fill(on_the_day["appointment"].code)
            kiosk.locator("input[name=code]").press("Enter")
            kiosk.wait_for_url("**/kiosk/eingang/ticket/**")
            with scopes_disabled():
                ticket = Ticket.objects.get()
            assert ticket.language == "tr"
            token = kiosk.url.split("/ticket/", 1)[1].split("/", 1)[0]  # the kiosk's answer
            phone_url = f"{asgi_url}/tr/giessen/ticket/{token}/"
            phone = open_at(browser, phone_url, "phone")
            expect(phone.locator("#ticket-status")).to_contain_text(ticket.code)

            staff = desk_page(browser, asgi_url, on_the_day)
            assert display.locator("#display-calls li").count() == 0
            called = call_next(staff)
            shown = display.locator("#display-calls li", has_text=ticket.code).locator(
                f".desk-colour--{desk.colour}"
            )
            shown.wait_for(state="visible", timeout=5000)
            latency = time.monotonic() - called
            assert latency < 1.0, f"the call took {latency:.2f} s to appear on the display"
            expect(shown).to_contain_text(str(desk.number))

            # The announcement of exactly this call was played, and had sound in it.
            with scopes_disabled():
                event = CallEvent.objects.get(ticket=ticket)
            main = display.locator("main")
            expect(main).to_have_attribute("data-last-announced", str(event.pk), timeout=10000)
            assert float(main.get_attribute("data-last-announced-seconds") or 0) > 3
            assert display.locator("#display-sound").is_hidden()  # sound was never refused
            assert_accessible(display)

            # Her phone heard of the call over its WebSocket: no reload, well before its
            # 20-second poll, and it says where to go in Turkish.
            where = phone.locator("#ticket-status .kern-alert")
            expect(where).to_contain_text(f"Gişe {desk.number}", timeout=3000)
            expect(where).to_contain_text("Sıra sizde")
            assert_accessible(phone)
    finally:
        speaker.close()


def test_a_browser_that_refuses_sound_offers_a_sound_on_button(
    transactional_db,
    browser,
    asgi_url,
    on_the_day,  # noqa: F811
):
    """Started without the kiosk flag, the browser refuses the first call's sound (nobody has
    touched the page): the button appears, and one press plays it."""
    office = on_the_day["office"]
    visits.screen_create(
        office=office, name="Wartebereich", public_id="wartebereich", acting_user=COMMAND
    )
    strict = launch(browser, "document-user-activation-required")
    try:
        with time_machine.travel(MONDAY_9, tick=True):
            display = open_display(strict, asgi_url)
            with scopes_disabled():
                group = ServiceGroup.objects.get(office=office)
            ticket = visits.ticket_issue_walk_in(
                office=office, group=group, now=MONDAY_9, language="ar", acting_user=CLIENT
            ).ticket
            call_next(desk_page(browser, asgi_url, on_the_day))
            expect(display.locator("#display-calls li", has_text=ticket.code)).to_be_visible()
            button = display.get_by_role("button", name=german("Sound on"))
            expect(button).to_be_visible()
            assert display.locator("main").get_attribute("data-last-announced") is None
            assert_accessible(display)
            button.click()
            with scopes_disabled():
                event = CallEvent.objects.get(ticket=ticket)
            main = display.locator("main")
            expect(main).to_have_attribute("data-last-announced", str(event.pk))
            expect(button).to_be_hidden()
    finally:
        strict.close()
