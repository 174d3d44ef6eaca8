"""Flyers and signs as PDFs. Public GET URLs: they hold nothing personal, and staff print them.

The views parse the request and hand over to schalter.printing; refusals are polite and plain:
400 for a combination we do not make, 404 for a language, office or desk we do not know, 413 for
too many pages, 429 (with Retry-After) above the limits per address (schalter.printing.throttle),
503 when PDF rendering is missing or every render slot is taken (with Retry-After). A PDF once
rendered is kept on disk and served again until its data changes (docs/pdf.md).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from schalter.appointments import ratelimit
from schalter.appointments import selectors as booking_selectors
from schalter.appointments.errors import RateLimited
from schalter.offices import selectors
from schalter.overload import busy_response
from schalter.printing import cache, content, throttle
from schalter.printing.render import (
    PdfUnavailable,
    RenderBusy,
    TooManyPages,
    document_html,
    pdf_render,
    render_slot,
)

# A render takes seconds: a client that found every render slot taken waits this long.
BUSY_RETRY_AFTER_SECONDS = 5


def _refusal(message: str, status: int, retry_after: int | None = None) -> HttpResponse:
    response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
        response["Cache-Control"] = "no-store"
    return response


# A view parses and checks the request (refusing what we do not print: 400, 404) and names the
# template, a function that builds its context (the costly part, done only when needed) and a
# file name.
Document = Callable[..., tuple[str, Callable[[], dict[str, Any]], str]]


def _render(request: HttpRequest, html: str) -> bytes:
    """Render (the caller holds a render slot), counted against the address's render limit."""
    throttle.pdf_render_check(address=ratelimit.client_address(request), now=timezone.now())
    return pdf_render(html)


def _kept_document(request: HttpRequest, view: Document, *args: Any, **kwargs: Any):
    """The PDF and its file name: from the request's pointer while it is fresh; else by
    building the HTML, served when a PDF of that HTML is kept, rendered (and kept) when not.
    A request that will most likely render is checked (400, 404) and then waits for a render
    slot before building anything, so that one turned away (503) has cost next to nothing."""
    # The office's revision is part of the name: a change of its hours or address is printed
    # at once, not after the pointer's freshness (offices.services.office_touch).
    revision = selectors.office_revision(kwargs.get("office"))
    request_key = cache.request_key(f"{request.get_full_path()}#{revision}")
    pointer = cache.pointer_read(request_key)
    if pointer is not None and pointer.age < settings.SCHALTER_PDF_FRESH_SECONDS:
        pdf = cache.cached_pdf(pointer.key)
        if pdf is not None:
            return pdf, pointer.filename
    if pointer is not None and cache.pdf_kept(pointer.key):
        # Shown before: most likely the data has not changed. Check without a slot.
        template, build, filename = view(request, *args, **kwargs)
        html = document_html(template, build())
        key = cache.pdf_key(template, html)
        pdf = cache.cached_pdf(key)
        if pdf is None:
            with render_slot():
                pdf = _render(request, html)
            cache.pdf_store(key, pdf)
    else:
        template, build, filename = view(request, *args, **kwargs)  # refusals come first
        with render_slot():
            html = document_html(template, build())
            key = cache.pdf_key(template, html)
            pdf = cache.cached_pdf(key)  # asked for in other words before
            if pdf is None:
                pdf = _render(request, html)
                cache.pdf_store(key, pdf)
    cache.pointer_store(request_key, key, filename)
    return pdf, filename


def _pdf_view(view: Document, *, kept: bool) -> Callable[..., HttpResponse]:
    @require_GET
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        now = timezone.now()
        try:
            throttle.pdf_request_check(address=ratelimit.client_address(request), now=now)
            if kept:
                pdf, filename = _kept_document(request, view, *args, **kwargs)
            else:
                template, build, filename = view(request, *args, **kwargs)
                html = document_html(template, build())
                with render_slot():
                    pdf = _render(request, html)
        except content.BadPrintRequest as error:
            return _refusal(str(error), 400)
        except TooManyPages as error:
            return _refusal(str(error), 413)
        except RateLimited as error:
            return _refusal(str(error.message), 429, throttle.retry_after_seconds(now))
        except RenderBusy:
            response = busy_response(request)
            response["Retry-After"] = str(BUSY_RETRY_AFTER_SECONDS)
            return response
        except PdfUnavailable:
            return _refusal(
                _(
                    "PDF printing is not available on this server right now "
                    "(WeasyPrint or the pango libraries are missing). Please try again later."
                ),
                503,
            )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{filename}"'
        response["Cache-Control"] = "public, max-age=300"
        return response

    return wrapper


def pdf_view(view: Document) -> Callable[..., HttpResponse]:
    """The view names the template, how to build its context and a file name (`Document`);
    this turns them into a PDF, kept on disk (schalter.printing.cache) for the next request
    for the same document."""
    return _pdf_view(view, kept=True)


def pdf_view_not_kept(view: Document) -> Callable[..., HttpResponse]:
    """As pdf_view, for a document that must not be kept on shared storage (a ticket: its QR
    code carries the ticket's token)."""
    return _pdf_view(view, kept=False)


def _flyer_options(request: HttpRequest) -> tuple[list[Any], str]:
    size = content.paper_size(request.GET.get("size"))
    pair = request.GET.get("pair") in {"1", "true", "on", "yes"}
    code = request.GET.get("lang") or get_language()
    return content.flyer_languages(code, pair=pair), size


@pdf_view
def service_flyer(request: HttpRequest, office: str, service: str):
    office_obj = selectors.office_by_slug(office)
    offered = booking_selectors.offer_get(office_obj, service_slug=service, channel=None)
    languages, size = _flyer_options(request)
    codes = "-".join(language.code for language in languages)
    return (
        "printing/flyer_service.html",
        lambda: content.service_flyer(office_obj, offered, languages, size),
        f"{office_obj.slug}-{offered.service.slug}-{codes}-{size}.pdf",
    )


@pdf_view
def office_flyer(request: HttpRequest, office: str):
    office_obj = selectors.office_by_slug(office)
    languages, size = _flyer_options(request)
    codes = "-".join(language.code for language in languages)
    return (
        "printing/flyer_office.html",
        lambda: content.office_flyer(office_obj, languages, size),
        f"{office_obj.slug}-{codes}-{size}.pdf",
    )


@pdf_view
def desk_signs(request: HttpRequest, office: str):
    office_obj = selectors.office_by_slug(office)
    languages = content.sign_languages(office_obj, request.GET.get("lang"))
    return (
        "printing/desk_signs.html",
        lambda: content.desk_signs(office_obj, languages),
        f"{office_obj.slug}-desks.pdf",
    )


@pdf_view
def floor_directory(request: HttpRequest, office: str):
    office_obj = selectors.office_by_slug(office)
    languages = content.sign_languages(office_obj, request.GET.get("lang"))
    return (
        "printing/floor_directory.html",
        lambda: content.floor_directory(office_obj, languages),
        f"{office_obj.slug}-floors.pdf",
    )


@pdf_view
def arrow_sign(request: HttpRequest, office: str):
    office_obj = selectors.office_by_slug(office)
    desk_id = request.GET.get("desk", "")
    if not (desk_id.isascii() and desk_id.isdigit() and len(desk_id) <= 9):
        raise content.BadPrintRequest(_("Say which desk the arrow points to: desk=<id>."))
    desk = selectors.desk_get(office_obj, int(desk_id))
    languages = content.sign_languages(office_obj, request.GET.get("lang"))
    direction = content.arrow_direction(request.GET.get("direction", ""))
    return (
        "printing/arrow.html",
        lambda: content.arrow_sign(office_obj, desk, direction, languages),
        f"{office_obj.slug}-desk-{desk.number}-{direction}.pdf",
    )
