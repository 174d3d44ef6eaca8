"""The office admin's switches: which parts of Schalter the office uses (offices/parts.py)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from schalter.accounts.roles import Capability
from schalter.errors import Refusal
from schalter.offices import services
from schalter.offices.models import Office
from schalter.offices.parts import missing_for, part_named, registered, uses
from schalter.staff.guards import office_view
from schalter.staff.navigation import office_render


@require_http_methods(["GET", "POST"])
@office_view(Capability.MANAGE_OFFICE)
def parts(request: HttpRequest, office: Office) -> HttpResponse:
    status, error = 200, ""
    if request.method == "POST":
        name, switch = request.POST.get("part", ""), request.POST.get("switch", "")
        if switch not in {"on", "off"} or part_named(name) is None:
            status, error = 400, _("Choose one of the buttons.")
        else:
            try:
                services.office_part_switch(
                    office=office, name=name, on=switch == "on", acting_user=request.user
                )
            except Refusal as problem:
                status, error = problem.status, str(problem.message)
            else:
                part = part_named(name)
                label = part.label if part else name
                done = _("%(part)s is on.") if switch == "on" else _("%(part)s is off.")
                messages.success(request, done % {"part": label})
                return redirect("staff:parts", office=office.slug)
    rows = [
        {
            "part": part,
            "on": uses(office, part.name),
            "missing": [] if uses(office, part.name) else missing_for(office, part),
            "open_work": part.open_work(office),
        }
        for part in registered()
    ]
    return office_render(request, "staff/parts.html", {"rows": rows, "error": error}, status=status)
