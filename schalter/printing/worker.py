"""What runs in a render process: HTML in, PDF bytes out. No Django here (the process never sets
it up): schalter.printing.render hands over the HTML and turns the answers into refusals.

A render runs in a process of its own, at a lower CPU priority, so that the ten seconds a sheet
of desk signs takes neither hold the app process's interpreter lock nor take a core from the
pages and bookings: they get the CPU first, renders get what is left (see docs/pdf.md).
"""

import contextlib
import os

# How much lower a render process runs than the app (nice(2): 0 normal, 19 lowest).
NICENESS = 10


class RenderUnavailable(Exception):
    """WeasyPrint or the system libraries it needs cannot be loaded in the render process."""


def start() -> None:
    """The render process's initialiser: lower its priority, load WeasyPrint once."""
    os.nice(NICENESS)
    with contextlib.suppress(ImportError, OSError):  # each render reports it
        import weasyprint  # noqa: F401 - loaded once, before the first render


def html_to_pdf(html: str, max_pages: int) -> tuple[bytes | None, int]:
    """The PDF and its number of pages; no PDF when it would have more than `max_pages`."""
    try:
        import weasyprint
        from weasyprint.urls import URLFetcher
    except (ImportError, OSError) as error:
        raise RenderUnavailable(str(error)) from None
    # Everything a document needs is inline; nothing is fetched, so data cannot reach out.
    fetcher = URLFetcher(allowed_protocols={"data"})
    document = weasyprint.HTML(string=html, url_fetcher=fetcher).render()
    pages = len(document.pages)
    if pages > max_pages:
        return None, pages
    return document.write_pdf(), pages
