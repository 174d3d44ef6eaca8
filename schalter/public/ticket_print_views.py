"""The waiting ticket as a receipt-sized PDF and as ESC/POS bytes for a kiosk's receipt printer.

Both sit under the live ticket page and need its token, like the page itself; an unknown token is
a 404. They change as the queue moves (the expected wait), so nothing may cache them."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from schalter.offices import selectors as office_selectors
from schalter.printing import ticket as ticket_print
from schalter.public.print_views import pdf_view_not_kept
from schalter.visits import selectors


def _private(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
        return response

    return wrapper


def _document(office: str, token: str) -> dict[str, Any]:
    office_obj = office_selectors.office_by_slug(office)
    ticket = selectors.ticket_by_token(office_obj, token)
    return ticket_print.ticket_document(ticket, token, timezone.now())


@_private
@pdf_view_not_kept
def ticket_pdf(request: HttpRequest, office: str, token: str):
    document = _document(office, token)
    return "printing/ticket.html", lambda: document, f"ticket-{document['code']}.pdf"


@_private
@require_GET
def ticket_escpos(request: HttpRequest, office: str, token: str) -> HttpResponse:
    document = _document(office, token)
    response = HttpResponse(
        ticket_print.ticket_escpos(document), content_type="application/octet-stream"
    )
    response["Content-Disposition"] = f'attachment; filename="ticket-{document["code"]}.escpos"'
    return response
