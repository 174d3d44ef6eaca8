"""Links that leave the page: absolute public URLs and QR codes to them.

Everything that hands a client a link to take away (the kiosk's ticket, the call display, a
printed ticket or flyer, an e-mail) builds it from SCHALTER_PUBLIC_URL, not from the request:
a kiosk or display on the office network may reach the site under an address phones cannot."""

import segno
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe


def public_url(path: str) -> str:
    """The absolute URL of a site path ("/tr/giessen/ticket/…/") as clients reach it."""
    return settings.SCHALTER_PUBLIC_URL.rstrip("/") + path


def qr_svg(
    url: str, *, scale: int = 1, border: int | None = None, title: str = "", omitsize: bool = False
) -> SafeString:
    """An inline SVG QR code (error correction M). `border` is the quiet zone in modules
    (segno's default of 4 if None); `title` is its accessible name; `omitsize` leaves the size
    to the style sheet. It always has a viewBox, so a style sheet that sizes it scales the whole
    symbol rather than cutting off its edges (and a decoder then finds nothing)."""
    code = segno.make(url, error="m")
    # segno writes the SVG from the URL and the title, both escaped; no user text reaches it raw.
    svg = code.svg_inline(scale=scale, border=border, title=title or None, omitsize=True)
    if not omitsize:
        width, height = code.symbol_size(scale=scale, border=border)
        svg = svg.replace("<svg ", f'<svg width="{width}" height="{height}" ', 1)
    return mark_safe(svg)  # noqa: S308
