"""The waiting ticket on paper: a receipt-sized PDF (German beside the client's language) and raw
ESC/POS bytes for receipt printers, both behind the live ticket page's token."""

import pytest
import time_machine
from django.test import Client
from django.utils import translation
from django_scopes import scopes_disabled

from schalter.accounts.actors import CLIENT, COMMAND
from schalter.accounts.roles import Role
from schalter.languages import LANGUAGE_CODES
from schalter.printing.ticket import ESC, GS
from schalter.visits import services
from schalter.visits.models import ServiceGroup
from tests.printing.conftest import as_extracted, pdf_fonts, pdf_info, pdf_text

pytestmark = pytest.mark.django_db

PDF = "/{lang}/giessen/ticket/{token}/ticket.pdf"
ESCPOS = "/{lang}/giessen/ticket/{token}/ticket.escpos"


def page_size_mm(pdf: bytes) -> tuple[float, float]:
    width, _x, height = pdf_info(pdf)["Page size"].split()[:3]
    return round(float(width) * 25.4 / 72, 1), round(float(height) * 25.4 / 72, 1)


def translated(language: str, msgid: str) -> str:
    with translation.override(language):
        return translation.gettext(msgid)


def second_walk_in(office, group, now, language: str):
    """A ticket with one client ahead, so the expected wait is not zero."""
    services.ticket_issue_walk_in(office=office, group=group, now=now, acting_user=CLIENT)
    return services.ticket_issue_walk_in(
        office=office, group=group, now=now, language=language, acting_user=CLIENT
    )


def get(url: str, now):
    with time_machine.travel(now, tick=False):
        return Client().get(url)


def test_a_turkish_ticket_is_an_80_mm_receipt_in_german_and_turkish(office, groups, now):
    issued = second_walk_in(office, groups["A"], now, "tr")

    response = get(PDF.format(lang="tr", token=issued.token), now)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    pdf = response.content
    text = pdf_text(pdf)
    assert "A-002" in text
    # The group has no Turkish waiting zone: German stands in for it.
    assert "Wartebereich A, Erdgeschoss" in text
    follow = "Scan the code to follow your place in the queue on your phone."
    assert translated("tr", follow) in text and translated("de", follow) in text
    assert "Numaranız" in text and "Ihre Nummer" in text
    assert "Tahmini bekleme süresi" in text and "15 dakika" in text
    assert "03.03.2031 09:00" in text  # issue time in the office's zone
    url = f"http://127.0.0.1:8000/tr/giessen/ticket/{issued.token}/"
    assert url in "".join(text.split())  # the address wraps under the QR code
    assert pdf_info(pdf)["Pages"] == "1"
    assert page_size_mm(pdf) == (80.0, 120.0)


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_every_language_fits_one_receipt(office, groups, now, lang):
    issued = second_walk_in(office, groups["A"], now, lang)

    pdf = get(PDF.format(lang="de", token=issued.token), now).content

    assert pdf_info(pdf)["Pages"] == "1"
    assert "A-002" in pdf_text(pdf)


def test_an_arabic_ticket_is_shaped_right_to_left(office, groups, now):
    issued = second_walk_in(office, groups["A"], now, "ar")

    response = get(PDF.format(lang="ar", token=issued.token), now)

    assert response.status_code == 200
    text = pdf_text(response.content)
    assert as_extracted(translated("ar", "Your number")) in text
    assert as_extracted(translated("ar", "Expected wait")) in text
    assert "A-002" in text
    assert any("Noto-Sans-Arabic" in font["name"] for font in pdf_fonts(response.content))


@pytest.mark.parametrize(
    "token",
    ["0" * 40, "not-a-token", "%C3%A4%C3%B6", "..%2F..%2Fetc", "x" * 500, "%00"],
)
def test_an_unknown_or_garbled_token_is_404(office, groups, now, token):
    services.ticket_issue_walk_in(office=office, group=groups["A"], now=now, acting_user=CLIENT)
    for url in (PDF, ESCPOS):
        assert get(url.format(lang="en", token=token), now).status_code == 404


def test_another_offices_token_is_404(office, other_office, groups, now):
    issued = services.ticket_issue_walk_in(
        office=office, group=groups["A"], now=now, acting_user=CLIENT
    )
    for url in (PDF, ESCPOS):
        wrong = url.format(lang="en", token=issued.token).replace("giessen", "darmstadt")
        assert get(wrong, now).status_code == 404


def test_the_pdf_of_a_check_in_shows_nothing_personal(office, groups, now, book):
    appointment = book(now.replace(hour=9, minute=10), "ayse@example.org")
    issued = services.ticket_check_in(
        office=office, code=appointment.code, now=now, language="tr", acting_user=CLIENT
    )

    text = pdf_text(get(PDF.format(lang="tr", token=issued.token), now).content)

    assert "B-001" in text and "Wartebereich B, 1. OG" in text
    for personal in ("Ayşe", "Yılmaz", "Ayse", "ayse@example.org", appointment.code):
        assert personal not in text


def qr_functions(data: bytes) -> list[tuple[int, bytes]]:
    """Every GS ( k command of the QR symbol (cn 49) as (function, parameters), read by its
    two-byte little-endian length."""
    found, start = [], 0
    while (start := data.find(GS + b"(k", start)) != -1:
        length = data[start + 3] + 256 * data[start + 4]
        body = data[start + 5 : start + 5 + length]
        assert len(body) == length and body[0] == 49
        found.append((body[1], body[2:]))
        start += 5 + length
    return found


def test_escpos_bytes_carry_the_code_and_the_live_url_in_a_qr_code(office, groups, now):
    issued = second_walk_in(office, groups["A"], now, "ar")

    response = get(ESCPOS.format(lang="de", token=issued.token), now)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert "no-store" in response["Cache-Control"]
    data = response.content
    assert data.startswith(ESC + b"@")
    assert GS + b"!\x11" + ESC + b"E\x01" + b"A-002\n" in data  # the code, double size
    assert "Voraussichtliche Wartezeit".encode("cp858") in data
    assert "Ausländerbehörde Giessen".encode("cp858") in data  # umlaut in code page 858
    functions = dict(qr_functions(data))
    assert functions[65] == b"\x32\x00"  # model 2
    url = f"http://127.0.0.1:8000/ar/giessen/ticket/{issued.token}/".encode()
    assert functions[80] == b"\x30" + url  # stored with the exact URL and length
    assert list(functions) == [65, 67, 69, 80, 81]  # stored before printed
    assert data.endswith(GS + b"V\x42\x04")  # feed and cut


def test_the_kiosk_and_live_pages_link_the_pdf(office, groups, now):
    _kiosk, key = services.kiosk_create(
        office=office, name="Eingang", public_id="eingang", acting_user=COMMAND
    )
    body = {"lang": "tr", "action": "walk_in", "group": groups["A"].pk, "issue_key": "k1"}
    with time_machine.travel(now, tick=False):
        client = Client()
        client.get(f"/giessen/kiosk/eingang/?key={key}")
        ticket_page = client.get(client.post("/giessen/kiosk/eingang/", body)["Location"])
        token = ticket_page.context["live_url"].rstrip("/").rsplit("/", 1)[-1]
        live = Client().get(f"/tr/giessen/ticket/{token}/")
    # The kiosk's QR code leads where the printed one does: the public address, not the kiosk's.
    assert ticket_page.context["live_url"] == f"http://127.0.0.1:8000/tr/giessen/ticket/{token}/"
    pdf = PDF.format(lang="tr", token=token)
    assert f'href="{pdf}"' in ticket_page.content.decode()
    assert f'href="{pdf}"' in live.content.decode()


def test_the_front_desk_gets_a_print_link_for_the_ticket_it_issued(
    office, groups, now, staff_client
):
    with time_machine.travel(now, tick=True):
        client = staff_client(office, Role.FRONT_DESK)
        client.post(
            "/staff/giessen/queue/",
            {"action": "walk_in", "group": groups["A"].pk, "priority": 0, "language": "uk"},
        )
        page = client.get("/staff/giessen/queue/").content.decode()
    assert "A-001" in page
    start = page.index("/uk/giessen/ticket/")
    link = page[start : page.index('"', start)]
    assert link.endswith("/ticket.pdf")
    with time_machine.travel(now, tick=False):
        pdf = Client().get(link)
    assert pdf.status_code == 200
    assert as_extracted(translated("uk", "Your number")) in pdf_text(pdf.content)


def test_control_characters_in_a_name_are_not_sent_as_printer_commands(office, groups, now):
    # The staff forms clean names; the printer must not depend on every way in doing so.
    with scopes_disabled():
        ServiceGroup.objects.filter(pk=groups["A"].pk).update(
            name={"de": "Abholung\x1b@\x1dV\x01\nX"}
        )
    issued = second_walk_in(office, groups["A"], now, "de")

    data = get(ESCPOS.format(lang="de", token=issued.token), now).content

    assert b"Abholung @ V  X\n" in data
    assert data.count(ESC + b"@") == 1  # only the printer's own reset at the start
    assert GS + b"V\x01" not in data
