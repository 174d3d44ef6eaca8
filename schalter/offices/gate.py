"""The one gate of the parts an office switches on: a route that belongs to a part
(`offices.parts`) answers 404 while the office named in its URL does not use that part, the same
404 as for an office that does not exist. The API answers in its own JSON form.

It is also the gate of a suspended office (`Office.suspended_at`, set by the operator): every
route naming it answers 404 with a page that says so (staff pages too, checked by their guard
with the office it reads anyway: nobody works in it), except the routes that serve work already
there (a part's `kept_routes` outside the staff pages: a client still reads, confirms or cancels
her appointment)."""

from collections.abc import Callable

from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import get_language, gettext

from schalter.offices.models import Office
from schalter.offices.parts import part_guarding, registered, uses
from schalter.overload import busy_response


class PartGateMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs) -> HttpResponse | None:
        match = request.resolver_match
        slug = view_kwargs.get("office")
        if match is None or not isinstance(slug, str):
            return None
        part = part_guarding(match.view_name)
        if part is None and match.namespace == "staff":
            # The staff guard (staff/guards.py) reads the office anyway and checks it there:
            # no query more for every staff page.
            return None
        try:
            office = Office.objects.filter(slug=slug).only("parts", "suspended_at").first()
        except OperationalError:
            # The database is away (a restart): the same clear "try again" as every page gets.
            return busy_response(request)
        if office is None:
            return None  # an unknown office is the view's own 404
        if office.suspended_at is not None and match.view_name not in kept_while_suspended():
            return suspended_response(request, match.namespace, office)
        if part is None or uses(office, part.name):
            return None
        if match.namespace.startswith("api"):  # the API's one error form (api/v1.py)
            message = gettext("This office does not offer this (%(part)s).") % {"part": part.label}
            return JsonResponse(
                {"error": "part_off", "message": message, "part": part.name}, status=404
            )
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


def kept_while_suspended() -> frozenset[str]:
    """Routes a suspended office still answers: the parts' kept routes clients use."""
    return frozenset(
        route
        for part in registered()
        for route in part.kept_routes
        if not route.startswith("staff:")
    )


def suspended_response(request: HttpRequest, namespace: str, office: Office) -> HttpResponse:
    if namespace.startswith("api"):
        return JsonResponse(
            {"error": "office_suspended", "message": gettext("This office is suspended.")},
            status=404,
        )
    office = Office.objects.get(pk=office.pk)
    return render(
        request,
        "public/office_suspended.html",
        {"office": office, "office_name": office.name_in(get_language())},
        status=404,
    )
