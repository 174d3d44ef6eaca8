"""Flyers and signs as PDFs. Public GET URLs: they hold nothing personal, and staff print them.

The views parse the request and hand over to schalter.printing; refusals are polite and plain:
400 for a combination we do not make, 413 for too many pages, 503 when PDF rendering is missing.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from schalter.appointments import selectors as booking_selectors
from schalter.offices import selectors
from schalter.printing import content
from schalter.printing.render import PdfUnavailable, TooManyPages, document_pdf


def _refusal(message: str, status: int) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def pdf_view(view: Callable[..., tuple[str, dict[str, Any], str]]) -> Callable[..., HttpResponse]:
    """The view names the template, its context and a file name; this turns them into a PDF."""

    @require_GET
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            template, context, filename = view(request, *args, **kwargs)
            pdf = document_pdf(template, context)
        except content.BadPrintRequest as error:
            return _refusal(str(error), 400)
        except TooManyPages as error:
            return _refusal(str(error), 413)
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
        content.service_flyer(office_obj, offered, languages, size),
        f"{office_obj.slug}-{offered.service.slug}-{codes}-{size}.pdf",
    )


@pdf_view
def office_flyer(request: HttpRequest, office: str):
    office_obj = selectors.office_by_slug(office)
    languages, size = _flyer_options(request)
    codes = "-".join(language.code for language in languages)
    return (
        "printing/flyer_office.html",
        content.office_flyer(office_obj, languages, size),
        f"{office_obj.slug}-{codes}-{size}.pdf",
    )


@pdf_view
def desk_signs(request: HttpRequest, office: str):
    office_obj = selectors.office_by_slug(office)
    languages = content.sign_languages(office_obj, request.GET.get("lang"))
    return (
        "printing/desk_signs.html",
        content.desk_signs(office_obj, languages),
        f"{office_obj.slug}-desks.pdf",
    )


@pdf_view
def floor_directory(request: HttpRequest, office: str):
    office_obj = selectors.office_by_slug(office)
    languages = content.sign_languages(office_obj, request.GET.get("lang"))
    return (
        "printing/floor_directory.html",
        content.floor_directory(office_obj, languages),
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
    direction = request.GET.get("direction", "")
    return (
        "printing/arrow.html",
        content.arrow_sign(office_obj, desk, direction, languages),
        f"{office_obj.slug}-desk-{desk.number}-{direction}.pdf",
    )
