"""The waiting ticket on paper: a receipt-sized PDF and raw ESC/POS bytes for receipt printers.

Both say the same as the kiosk's ticket page (number, service group, expected wait, waiting zone,
time of issue, QR code to the live ticket page) and nothing personal: no name, no booking code.
The PDF pairs German with the ticket's language like a flyer; each language's lines are computed
inside `translation.override`, from the same msgids as the ticket page.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from schalter.languages import DEFAULT, Language, language_for
from schalter.links import public_url
from schalter.offices.localtime import local_time
from schalter.printing.content import print_qr
from schalter.visits import selectors
from schalter.visits.models import QUEUED_STATES, Ticket
from schalter.visits.wait_estimates import Position

# Receipt paper: 80 mm rolls are the common kiosk size; the page is cut at a fixed length.
PAGE_WIDTH_MM = 80
PAGE_HEIGHT_MM = 120


@dataclass(frozen=True)
class TicketLines:
    """What one language says on the ticket."""

    language: Language
    dir: str
    office_name: str
    number_label: str
    service_label: str
    group_name: str
    wait_label: str
    wait: str  # empty once the ticket has left the queue
    zone_label: str
    waiting_zone: str
    time_label: str
    follow: str


def ticket_languages(ticket: Ticket) -> list[Language]:
    """German first, then the language the client chose, if that is another one."""
    client = language_for(ticket.language)
    return [DEFAULT] if client.code == DEFAULT.code else [DEFAULT, client]


def live_ticket_url(ticket: Ticket, token: str, language: Language) -> str:
    with translation.override(language.code):
        path = reverse("public:ticket", kwargs={"office": ticket.office.slug, "token": token})
    return public_url(path)


def _lines(ticket: Ticket, language: Language, position: Position | None) -> TicketLines:
    code = language.code
    with translation.override(code):
        wait = position.wait_said if position is not None else ""
        return TicketLines(
            language=language,
            dir=language.dir,
            office_name=ticket.office.name_in(code),
            number_label=gettext("Your number"),
            service_label=gettext("Service"),
            group_name=ticket.group.name_in(code),
            wait_label=gettext("Expected wait"),
            wait=wait,
            zone_label=gettext("Please wait in"),
            waiting_zone=ticket.group.waiting_zone_in(code),
            time_label=gettext("Time"),
            follow=gettext("Scan the code to follow your place in the queue on your phone."),
        )


def ticket_document(ticket: Ticket, token: str, now: datetime) -> dict[str, Any]:
    """The context of printing/ticket.html; the ESC/POS bytes read its German lines."""
    languages = ticket_languages(ticket)
    position = selectors.ticket_position(ticket, now) if ticket.state in QUEUED_STATES else None
    url = live_ticket_url(ticket, token, languages[-1])
    issued = local_time(ticket.office, ticket.created_at)
    return {
        "ticket": ticket,
        "code": ticket.code,
        "issued": f"{issued:%d.%m.%Y %H:%M}",
        "columns": [_lines(ticket, language, position) for language in languages],
        "page_language": DEFAULT,
        "width_mm": PAGE_WIDTH_MM,
        "height_mm": PAGE_HEIGHT_MM,
        "qr": print_qr(url),
        "qr_url": url,
    }


# ESC/POS (Epson's command set, which most receipt printers follow). Receipt printers print
# from a code page, not UTF-8, and rarely have Arabic glyphs: the bytes carry the German lines
# and the number in PC858 (Latin-1 plus €), and the QR code takes the client to her language.
ESC = b"\x1b"
GS = b"\x1d"
INIT = ESC + b"@"
CODE_PAGE_PC858 = ESC + b"t\x13"
ALIGN_CENTRE = ESC + b"a\x01"
ALIGN_START = ESC + b"a\x00"
BOLD_ON = ESC + b"E\x01"
BOLD_OFF = ESC + b"E\x00"
DOUBLE_SIZE = GS + b"!\x11"  # double width and double height
NORMAL_SIZE = GS + b"!\x00"
FEED_AND_CUT = GS + b"V\x42\x04"  # feed four lines, then a partial cut
QR_MODULE_DOTS = 6
QR_MAX_BYTES = 7089 - 3  # the store command's length counts three function bytes


def _text(value: str) -> bytes:
    """One line for the printer. A control character in a name (ESC, GS, a line break) would be
    read as a printer command or break the layout: it is printed as a space."""
    line = "".join(char if char.isprintable() else " " for char in value)
    return line.encode("cp858", errors="replace") + b"\n"


def _qr_function(function: int, data: bytes) -> bytes:
    """GS ( k pL pH cn=49 fn data: a QR code function with its two-byte little-endian length."""
    length = len(data) + 2
    return GS + b"(k" + bytes([length & 0xFF, length >> 8, 49, function]) + data


def escpos_qr(url: str) -> bytes:
    """Model 2, error correction M, stored then printed."""
    data = url.encode("ascii")
    if len(data) > QR_MAX_BYTES:
        raise ValueError("URL too long for a QR code")
    return b"".join(
        [
            _qr_function(65, b"\x32\x00"),  # fn 65: model 2
            _qr_function(67, bytes([QR_MODULE_DOTS])),  # fn 67: module size in dots
            _qr_function(69, b"\x31"),  # fn 69: error correction level M
            _qr_function(80, b"\x30" + data),  # fn 80: store the data
            _qr_function(81, b"\x30"),  # fn 81: print the stored code
        ]
    )


def ticket_escpos(document: dict[str, Any]) -> bytes:
    """The ticket as raw bytes for a receipt printer (see README: kiosk print bridge)."""
    german: TicketLines = document["columns"][0]
    out = [INIT, CODE_PAGE_PC858, ALIGN_CENTRE, BOLD_ON, _text(german.office_name), BOLD_OFF]
    out += [b"\n", _text(german.number_label), DOUBLE_SIZE, BOLD_ON, _text(document["code"])]
    out += [NORMAL_SIZE, BOLD_OFF, b"\n", ALIGN_START]
    out.append(_text(f"{german.service_label}: {german.group_name}"))
    if german.wait:
        out.append(_text(f"{german.wait_label}: {german.wait}"))
    if german.waiting_zone:
        out.append(_text(f"{german.zone_label}: {german.waiting_zone}"))
    out.append(_text(f"{german.time_label}: {document['issued']}"))
    out += [b"\n", ALIGN_CENTRE, escpos_qr(document["qr_url"]), b"\n", _text(german.follow)]
    out.append(FEED_AND_CUT)
    return b"".join(out)


def ticket_pdf_path(ticket: Ticket, token: str, language: str) -> str:
    """Where the ticket's PDF is, for the link on the kiosk and the live ticket page."""
    with translation.override(language):
        return reverse("public:ticket_pdf", kwargs={"office": ticket.office.slug, "token": token})
