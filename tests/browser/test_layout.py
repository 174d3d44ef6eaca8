"""Layout rules a browser checks (issue 12): on a phone in Arabic, no control overlaps its label
and a check box or radio keeps at least 4 px from its label's text; phone numbers, booking codes,
ticket numbers and fees read left to right by the positions of their glyphs; the big ticket number
stands aligned with the text around it. A kiosk standing (1080×1920) or lying fills its screen:
its content spans at least 70 % of the height, with big touch targets. axe-core on each page,
and screenshots of each in /tmp/schalter-layout/ to look at."""

import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import Page

from schalter.accounts.actors import CLIENT, COMMAND
from schalter.appointments import services as booking
from schalter.appointments.models import Channel
from schalter.catalog.models import Service
from schalter.offices.localtime import local_time
from schalter.visits import services as visits
from tests.browser.conftest import assert_accessible
from tests.conftest import build_office, make_bookable

MONDAY_9 = datetime(2031, 3, 3, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))
SHOTS = Path(tempfile.gettempdir()) / "schalter-layout"

# Each character of an element's text with the centre of its box, in the text's logical order.
GLYPHS = """(element) => {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  const glyphs = [];
  while (walker.nextNode()) {
    const node = walker.currentNode;
    for (let i = 0; i < node.data.length; i++) {
      if (/\\s/.test(node.data[i])) continue;
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const rect = range.getClientRects()[0];
      if (!rect) continue;
      glyphs.push({ch: node.data[i], x: rect.left + rect.width / 2, y: rect.top + rect.height / 2});
    }
  }
  return glyphs;
}"""

# Every visible form control with its label: the control's box and the box of the label's text.
CONTROLS = """() => {
  const out = [];
  for (const control of document.querySelectorAll("input, select, textarea")) {
    if (control.type === "hidden" || !control.id) continue;
    const box = control.getBoundingClientRect();
    if (!box.width || !box.height) continue;
    const label = document.querySelector(`label[for="${control.id}"]`);
    if (!label) continue;
    const range = document.createRange();
    range.selectNodeContents(label);
    const text = range.getBoundingClientRect();
    const rect = (r) => ({left: r.left, right: r.right, top: r.top, bottom: r.bottom});
    out.push({id: control.id, type: control.type, control: rect(box), label: rect(text)});
  }
  return out;
}"""


def overlap(a: dict, b: dict) -> bool:
    return (
        min(a["right"], b["right"]) - max(a["left"], b["left"]) > 0.5
        and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 0.5
    )


def control_problems(page: Page) -> list[str]:
    problems = []
    controls = page.evaluate(CONTROLS)
    assert controls, "no labelled controls on the page"
    for item in controls:
        control, label = item["control"], item["label"]
        if overlap(control, label):
            problems.append(f"{item['id']}: control and label overlap")
        if item["type"] in ("checkbox", "radio"):
            gap = max(control["left"] - label["right"], label["left"] - control["right"])
            if gap < 4:
                problems.append(f"{item['id']}: {gap:.1f} px between box and label")
    return problems


def reads_left_to_right(page: Page, selector: str, value: str) -> None:
    """The characters of `value` inside the element appear left to right on one line."""
    glyphs = page.locator(selector).first.evaluate(GLYPHS)
    text = "".join(g["ch"] for g in glyphs)
    wanted = "".join(value.split())
    start = text.find(wanted)
    assert start >= 0, (selector, text, wanted)
    run = glyphs[start : start + len(wanted)]
    xs = [g["x"] for g in run]
    assert xs == sorted(xs), f"{selector}: {wanted!r} is shown as " + "".join(
        g["ch"] for g in sorted(run, key=lambda g: g["x"])
    )
    assert max(g["y"] for g in run) - min(g["y"] for g in run) < 4, "split over lines"


def shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def office_day(transactional_db):
    with time_machine.travel(MONDAY_9 - timedelta(days=7), tick=False):
        office = build_office("giessen")
        offered = make_bookable(office, days=14)
        booked = booking.appointment_book(
            office=office,
            service=offered["long"],
            start=MONDAY_9 + timedelta(minutes=30),
            name="لينا حداد",
            email="lina@example.org",
            language="ar",
            channel=Channel.STAFF,
            now=MONDAY_9 - timedelta(days=7),
            acting_user=COMMAND,
        )
    group = visits.service_group_create(
        office=office,
        name={"de": "Aufenthaltserlaubnisverlängerung", "ar": "تمديد الإقامة"},
        prefix="B",
        services=[Service.objects.get(slug="residence-permit")],
        acting_user=COMMAND,
    )
    visits.service_group_create(
        office=office,
        name={"de": "Abholung", "ar": "استلام"},
        prefix="A",
        services=[Service.objects.get(slug="card-pick-up")],
        acting_user=COMMAND,
    )
    _kiosk, key = visits.kiosk_create(
        office=office, name="Eingang", public_id="eingang", acting_user=COMMAND
    )
    return {"office": office, "booked": booked, "group": group, "key": key, "offered": offered}


@pytest.mark.parametrize("language", ["ar", "de"])
def test_phone_pages_keep_controls_apart_and_numbers_left_to_right(open_page, office_day, language):
    office, booked = office_day["office"], office_day["booked"]
    code = booked.appointment.code
    with time_machine.travel(MONDAY_9, tick=True):
        # The office page: its phone number.
        page = open_page(f"/{language}/giessen/", "phone")
        reads_left_to_right(page, "a[href^='tel:']", office.phone)
        assert_accessible(page)
        shoot(page, f"office-{language}-phone")
        # The service page: its fee and the check list of documents (check boxes).
        page = open_page(f"/{language}/giessen/services/residence-permit/", "phone")
        fee = page.locator("dd", has_text="€").first
        fee_text = fee.inner_text()
        digits = "".join(ch for ch in fee_text.split("€")[0] if ch.isdigit() or ch in ",.\u066b")
        reads_left_to_right(page, "dd:has-text('€')", digits.strip() + "€")
        assert control_problems(page) == []
        assert_accessible(page)
        shoot(page, f"service-{language}-phone")
        # The booking page with the phone number field, the interpreter select and consent.
        start = local_time(office, MONDAY_9 + timedelta(days=1)).strftime("%Y%m%dT%H%M")
        page = open_page(f"/{language}/giessen/book/residence-permit/{start}/", "phone")
        page.locator("#id_phone").fill("+49 151 2345678")
        assert control_problems(page) == []
        assert_accessible(page)
        shoot(page, f"booking-details-{language}-phone")
        # The manage page: the booking code.
        manage = reverse(
            "public:booking_manage",
            kwargs={"office": "giessen", "code": code, "token": booked.manage_token},
        ).replace("/de/", f"/{language}/", 1)
        page = open_page(manage, "phone")
        reads_left_to_right(page, ".booking-code", code)
        # Bullets keep off the edge on the reading side (KERN pads lists on the left only).
        starts = page.evaluate(
            """() => [...document.querySelectorAll('main ul.kern-list--bullet')]
                 .map((ul) => parseFloat(getComputedStyle(ul).paddingInlineStart))"""
        )
        assert starts and min(starts) >= 16, starts
        assert_accessible(page)
        shoot(page, f"manage-{language}-phone")
        # The ticket page: the big number reads left to right, aligned with the text.
        issued = visits.ticket_issue_walk_in(
            office=office,
            group=office_day["group"],
            language=language,
            now=MONDAY_9,
            acting_user=CLIENT,
        )
        ticket = reverse("public:ticket", kwargs={"office": "giessen", "token": issued.token})
        page = open_page(ticket.replace("/de/", f"/{language}/", 1), "phone")
        reads_left_to_right(page, ".ticket-number", issued.ticket.code)
        edges = page.evaluate(
            """() => {
              const rtl = document.documentElement.dir === 'rtl';
              const start = (el) => { const r = document.createRange(); r.selectNodeContents(el);
                                      const box = r.getBoundingClientRect();
                                      return rtl ? box.right : box.left; };
              const number = document.querySelector('.ticket-number');
              return [start(number), start(number.previousElementSibling)];
            }"""
        )
        # The number starts where the text above it starts (its right edge in Arabic).
        assert abs(edges[0] - edges[1]) < 8, f"ticket number at {edges[0]}, text at {edges[1]}"
        assert_accessible(page)
        shoot(page, f"ticket-{language}-phone")


KIOSK_FILL = """() => {
  const main = document.querySelector('main');
  const children = [...main.children].filter((c) => c.getBoundingClientRect().height > 0);
  const top = children[0].getBoundingClientRect().top;
  const bottom = children[children.length - 1].getBoundingClientRect().bottom;
  const targets = [...document.querySelectorAll('.kiosk-big')]
    .map((b) => b.getBoundingClientRect().height);
  return {share: (bottom - top) / window.innerHeight, smallest: Math.min(...targets),
          scrolls: document.documentElement.scrollHeight > window.innerHeight + 1};
}"""


@pytest.mark.parametrize("viewport", ["kiosk-portrait", "kiosk-landscape"])
def test_kiosk_fills_its_screen_standing_and_lying(open_page, office_day, viewport, live_server):
    kiosk = reverse("kiosk", kwargs={"office": "giessen", "kiosk": "eingang"})
    with time_machine.travel(MONDAY_9, tick=True):
        page = open_page(f"{kiosk}?key={office_day['key']}", viewport)  # unlocks this kiosk
        for query in ("?", "?lang=ar", "?lang=de"):
            page.goto(live_server.url + kiosk + query)
            fill = page.evaluate(KIOSK_FILL)
            assert fill["share"] >= 0.7, (query, fill)
            assert fill["smallest"] >= 72, (query, fill)  # big touch targets
            assert not fill["scrolls"], (query, fill)
            if query == "?lang=ar":
                assert control_problems(page) == []
                assert_accessible(page)
                shoot(page, f"kiosk-ar-{viewport}")
        page.locator("form button.kiosk-big").last.click()
        page.wait_for_url("**/kiosk/eingang/ticket/**")
        fill = page.evaluate(KIOSK_FILL)
        assert fill["share"] >= 0.7, ("ticket", fill)
        assert_accessible(page)
        shoot(page, f"kiosk-ticket-de-{viewport}")
