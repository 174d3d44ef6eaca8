"""The main browser flows through nginx, as clients and staff meet them in production:

- a client books on her phone (proof of work solved by the real widget), the confirmation mail is
  queued, sent by the task worker to the SMTP receiver, and its link confirms the booking;
- a client takes a walk-in ticket at the kiosk and follows it on her phone, a caseworker signs in
  with two factors and calls her, and the call display and the phone hear of it over their
  WebSockets (wss:// through nginx to the ASGI server, Redis between the processes);
- afterwards nginx's access log shows the requests, but none of the capabilities they carried.

The tests of this module run in this order and share the topology (see conftest.py)."""

import json
import re

from django_otp.oath import TOTP
from playwright.sync_api import expect

PHONE = {"width": 390, "height": 844}


def test_book_on_a_phone_and_confirm_by_the_mailed_link(topology, new_page):
    office = topology.seeded["office"]
    page = new_page(**PHONE, locale="de-DE")
    page.goto(f"{topology.origin}/de/{office}/")
    page.locator(".kern-btn--primary").first.click()
    page.wait_for_url(f"**/de/{office}/book/")
    page.locator(".service-list a[href$='/book/residence-permit/']").click()
    page.wait_for_url("**/book/residence-permit/")
    page.locator("a.time-choice").first.click()
    page.wait_for_url("**/book/residence-permit/*/")
    page.locator("#id_name").fill("Lena Schmidt")
    page.locator("#id_email").fill("lena@example.org")
    page.locator("#id_consent").check()
    page.locator("altcha-widget input[type=checkbox]").focus()  # as a keyboard user would
    page.keyboard.press("Space")
    # Solved in a web worker (the page's real CSP applies here: no script is evaluated in it).
    expect(page.locator("input[name=altcha]")).to_have_value(re.compile(".{21,}"), timeout=60000)
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/book/sent/*/")
    [(code, status)] = topology.query(
        "SELECT a.code, a.status FROM appointments_appointment a "
        "JOIN offices_office o ON o.id = a.office_id WHERE o.slug = %s",
        office,
    )
    assert status == "pending"

    # The mail went through the task queue: the worker rendered it and spoke SMTP.
    link = topology.mailbox.wait_for(
        re.escape(topology.origin) + rf"/de/{office}/book/confirm/\S+?/\S+?/"
    ).group(0)
    page.goto(link)
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/book/manage/*/*/")
    expect(page.locator("main")).to_contain_text(code)
    assert topology.query("SELECT status FROM appointments_appointment WHERE code = %s", code) == [
        ("confirmed",)
    ]
    topology.booked.update(code=code, manage_url=page.url, confirm_url=link)


def totp(key_hex: str) -> str:
    return f"{TOTP(bytes.fromhex(key_hex)).token():06d}"


def test_a_desk_call_reaches_the_display_and_the_phone_over_websockets(topology, new_page):
    seeded = topology.seeded
    office, screen = seeded["office"], seeded["screen"]
    socket_base = topology.origin.replace("https://", "wss://")

    display = new_page()
    with display.expect_websocket() as opened:
        display.goto(f"{topology.origin}/{office}/display/{screen}/")
    display_socket = opened.value
    assert display_socket.url.startswith(f"{socket_base}/ws/{office}/display/{screen}/")
    display_frames: list[str] = []
    display_socket.on("framereceived", lambda payload: display_frames.append(str(payload)))

    kiosk = new_page()
    kiosk.goto(f"{topology.origin}/{office}/kiosk/{seeded['kiosk']}/?key={seeded['kiosk_key']}")
    kiosk.get_by_role("link", name="Deutsch").click()
    kiosk.locator("section[aria-labelledby=walk-in] button").first.click()
    kiosk.wait_for_url(f"**/kiosk/{seeded['kiosk']}/ticket/**")
    token = kiosk.url.split("/ticket/")[1].split("/")[0]
    [(ticket_code,)] = topology.query(
        "SELECT t.code FROM visits_ticket t JOIN offices_office o ON o.id = t.office_id "
        "WHERE o.slug = %s",
        office,
    )
    expect(kiosk.locator("main")).to_contain_text(ticket_code)

    phone = new_page(**PHONE, locale="de-DE")
    with phone.expect_websocket() as opened:
        phone.goto(f"{topology.origin}/de/{office}/ticket/{token}/")
    assert opened.value.url.startswith(f"{socket_base}/ws/{office}/ticket/")
    expect(phone.locator("#ticket-status")).to_contain_text(ticket_code)
    topology.booked.update(ticket_token=token, kiosk_key=seeded["kiosk_key"])

    staff = new_page(locale="de-DE")
    staff.goto(f"{topology.origin}/staff/{office}/desk/")
    staff.get_by_label("Benutzername").fill(seeded["username"])
    staff.get_by_label("Passwort").fill(seeded["password"])
    staff.get_by_role("button").filter(has_text="Weiter").click()
    staff.wait_for_url("**/staff/login/code/")
    staff.locator("#id_code").fill(totp(seeded["totp_key"]))
    staff.locator("#id_code").press("Enter")
    staff.wait_for_url(f"**/staff/{office}/desk/")
    assert display.locator("#display-calls li").count() == 0
    with staff.expect_response(lambda r: r.request.method == "POST") as posted:
        staff.locator("form:has(input[value=call_next]) button").click()
    assert posted.value.status == 302

    shown = display.locator("#display-calls li", has_text=ticket_code)
    shown.wait_for(state="visible", timeout=5000)
    # It came over the socket (WSGI server -> Redis -> ASGI server -> nginx), not from the
    # display's polling fallback. (How fast is tests/browser/test_display_announce.py's matter.)
    assert any(ticket_code in frame for frame in display_frames), display_frames
    expect(shown).to_contain_text(str(seeded["desk"]))
    # The phone heard it on its own socket too (it polls only every 20 s).
    expect(phone.locator("#ticket-status .kern-alert")).to_contain_text(
        str(seeded["desk"]), timeout=5000
    )


def test_the_access_log_holds_the_requests_but_no_capability(topology):
    booked = topology.booked
    assert {"code", "manage_url", "ticket_token", "kiosk_key"} <= set(booked), (
        "runs after the flows above"
    )
    text = topology.access_log.read_text()
    entries = [json.loads(line) for line in text.splitlines()]
    paths = {entry["path"] for entry in entries}
    office = topology.seeded["office"]
    # The flows are there, with the client's address, each capability replaced.
    assert f"/de/{office}/book/confirm/[capability]" in paths
    assert f"/de/{office}/book/manage/[capability]" in paths
    assert f"/de/{office}/ticket/[capability]" in paths
    assert f"/ws/{office}/ticket/[capability]" in paths
    assert any(
        e["path"].startswith(f"/ws/{office}/display/") and e["status"] == 101 for e in entries
    )
    assert {entry["client"] for entry in entries} == {"127.0.0.1"}
    # ... and none of the secrets: tokens, booking code, kiosk key, query strings.
    manage_token = booked["manage_url"].rstrip("/").rsplit("/", 1)[1]
    confirm_token = booked["confirm_url"].rstrip("/").rsplit("/", 1)[1]
    secrets = [manage_token, confirm_token, booked["ticket_token"], booked["kiosk_key"]]
    for log in (topology.access_log, topology.error_log):
        content = log.read_text() if log.exists() else ""
        for secret in secrets:
            assert secret not in content, f"{log.name} holds a capability"
    assert booked["code"] not in text
    assert "?" not in text and "key=" not in text
