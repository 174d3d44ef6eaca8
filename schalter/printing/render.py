"""HTML to PDF with WeasyPrint, loaded only when a PDF is asked for.

WeasyPrint needs Debian's pango libraries; without them the rest of Schalter still runs and PDF
requests get a clear 503 (see schalter/public/print_views.py).
"""

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

# An office has at most about 60 desks; anything far beyond is a mistake or an attack, and a long
# render would tie up a worker.
MAX_PAGES = 200


class PdfUnavailable(Exception):
    """WeasyPrint or the system libraries it needs cannot be loaded on this machine."""


class TooManyPages(Exception):
    def __init__(self, pages: int) -> None:
        super().__init__(
            _("This document would have %(pages)s pages; at most %(limit)s fit in one request.")
            % {"pages": pages, "limit": MAX_PAGES}
        )
        self.pages = pages


def check_pages(pages: int) -> None:
    """Refuse before rendering when the number of pages is known in advance."""
    if pages > MAX_PAGES:
        raise TooManyPages(pages)


def pdf_from_html(html: str) -> bytes:
    try:
        # Imported here on purpose: without pango the import fails, and only PDFs should.
        import weasyprint
        from weasyprint.urls import URLFetcher
    except (ImportError, OSError) as error:
        raise PdfUnavailable(str(error)) from error
    # Everything a document needs is inline; nothing is fetched, so data cannot reach out.
    fetcher = URLFetcher(allowed_protocols={"data"})
    document = weasyprint.HTML(string=html, url_fetcher=fetcher).render()
    check_pages(len(document.pages))
    return document.write_pdf()


def document_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render a printing template in its page language and turn it into a PDF."""
    with translation.override(context["page_language"].code):
        html = render_to_string(template, context)
    return pdf_from_html(html)
