"""HTML to PDF with WeasyPrint, in render processes of their own (schalter.printing.worker).

WeasyPrint needs Debian's pango libraries; without them the rest of Schalter still runs and PDF
requests get a clear 503 (see schalter/public/print_views.py). A render may take seconds: each
app process runs at most SCHALTER_PDF_RENDERS at once, and a request that finds them all taken
for SCHALTER_PDF_SLOT_WAIT_SECONDS is told to come back (RenderBusy, a 503), rather than tying
up a worker that pages and bookings need (docs/pdf.md).
"""

import importlib.util
import multiprocessing
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from schalter.printing import worker

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


class RenderBusy(Exception):
    """Every render slot of this process stayed taken for SCHALTER_PDF_SLOT_WAIT_SECONDS."""


@dataclass
class _Renders:
    """This process's render slots and render process, made on first use (in the app server's
    worker, not in the process that forks it) and again when the settings change (tests)."""

    size: int = 0
    slots: threading.BoundedSemaphore | None = None
    pool: ProcessPoolExecutor | None = None
    started: int = 0  # renders begun in this process, for /metrics and tests
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self) -> tuple[threading.BoundedSemaphore, ProcessPoolExecutor]:
        size = max(1, settings.SCHALTER_PDF_RENDERS)
        with self.lock:
            if self.slots is None or self.pool is None or self.size != size:
                if self.pool is not None:
                    self.pool.shutdown(wait=False, cancel_futures=True)
                self.size, self.slots = size, threading.BoundedSemaphore(size)
                self.pool = ProcessPoolExecutor(
                    max_workers=size,
                    # A fresh interpreter: forking a threaded server process is unsafe.
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=worker.start,
                    max_tasks_per_child=RENDERS_PER_PROCESS,
                )
            return self.slots, self.pool

    def broken(self, pool: ProcessPoolExecutor) -> None:
        """A render process died (killed, out of memory): the next render starts a new one."""
        with self.lock:
            if self.pool is pool:
                self.pool = None


RENDERS = _Renders()
# A render process is replaced after this many renders (WeasyPrint's caches grow).
RENDERS_PER_PROCESS = 50


def renders_started() -> int:
    return RENDERS.started


@contextmanager
def render_slot() -> Iterator[None]:
    """One of this process's SCHALTER_PDF_RENDERS render slots, waited for at most
    SCHALTER_PDF_SLOT_WAIT_SECONDS (else RenderBusy). Not re-entrant."""
    slots, _pool = RENDERS.take()
    if not slots.acquire(timeout=settings.SCHALTER_PDF_SLOT_WAIT_SECONDS):
        raise RenderBusy
    try:
        yield
    finally:
        slots.release()


def pdf_render(html: str) -> bytes:
    """Render in a render process; the caller holds a render slot (`render_slot`)."""
    if importlib.util.find_spec("weasyprint") is None:
        raise PdfUnavailable("weasyprint is not installed")
    _slots, pool = RENDERS.take()
    with RENDERS.lock:
        RENDERS.started += 1
    try:
        pdf, pages = pool.submit(worker.html_to_pdf, html, MAX_PAGES).result()
    except worker.RenderUnavailable as error:
        raise PdfUnavailable(str(error)) from None
    except BrokenProcessPool as error:
        RENDERS.broken(pool)
        raise PdfUnavailable(str(error)) from None
    if pdf is None:
        raise TooManyPages(pages)
    return pdf


def pdf_from_html(html: str) -> bytes:
    """Wait for a render slot, then render."""
    with render_slot():
        return pdf_render(html)


def document_html(template: str, context: dict[str, Any]) -> str:
    """A printing template in its page language: what the PDF is made from."""
    with translation.override(context["page_language"].code):
        return render_to_string(template, context)


def document_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render a printing template in its page language and turn it into a PDF."""
    return pdf_from_html(document_html(template, context))
