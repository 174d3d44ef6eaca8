"""The one gate of the parts an office switches on: a route that belongs to a part
(`offices.parts`) answers 404 while the office named in its URL does not use that part, the same
404 as for an office that does not exist. The API answers in its own JSON form."""

from collections.abc import Callable

from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import get_language

from schalter.offices.models import Office
from schalter.offices.parts import part_guarding, uses
from schalter.overload import busy_response


class PartGateMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs) -> HttpResponse | None:
        match = request.resolver_match
        part = part_guarding(match.view_name) if match is not None else None
        slug = view_kwargs.get("office")
        if part is None or not isinstance(slug, str):
            return None
        try:
            office = Office.objects.filter(slug=slug).only("parts").first()
        except OperationalError:
            # The database is away (a restart): the same clear "try again" as every page gets.
            return busy_response(request)
        if office is None or uses(office, part.name):
            return None  # an unknown office is the view's own 404
        if match.namespace.startswith("api"):
            return JsonResponse({"detail": "Not Found"}, status=404)
        if match.namespace == "staff" or not part.off_template:
            raise Http404
        # A client on a page of a part switched off meanwhile learns what the office offers.
        office = Office.objects.get(pk=office.pk)
        return render(
            request,
            "public/part_off.html",
            {
                "office": office,
                "office_name": office.name_in(get_language()),
                "notice_template": part.off_template,
            },
            status=404,
        )
