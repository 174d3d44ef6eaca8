"""The waiting list for staff: who is next, in the order offers go out, and tuning it. Showing
the list shows names: each showing is audited."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schalter.accounts.roles import Capability
from schalter.accounts.services import audit_record
from schalter.appointments import waitlist
from schalter.appointments.models import Urgency, WaitlistEntry
from schalter.offices.models import Office
from schalter.offices.selectors import owned_by
from schalter.privacy.reads import WAITLIST_VIEWED
from schalter.staff.guards import office_view
from schalter.staff.navigation import office_render


@office_view(Capability.VIEW_APPOINTMENTS)
def waitlist_list(request: HttpRequest, office: Office) -> HttpResponse:
    language = get_language()
    entries = waitlist.waiting_in_order(office)
    for position, entry in enumerate(entries, start=1):
        entry.position = position
        entry.service_name = entry.service.name_in(language)
    if entries:  # names of people: the read is audited, with whose entries were shown
        audit_record(
            office=office,
            acting_user=request.user,
            action=WAITLIST_VIEWED,
            data={"entries": [entry.pk for entry in entries]},
        )
    return office_render(
        request,
        "staff/waitlist.html",
        {
            "entries": entries,
            "may_tune": request.access.may(Capability.PLAN_APPOINTMENTS),
            "urgencies": Urgency.choices,
        },
    )


@require_POST
@office_view(Capability.PLAN_APPOINTMENTS)
def waitlist_entry(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    entry = owned_by(office, WaitlistEntry, pk)
    action = request.POST.get("action")
    if action == "withdraw":
        waitlist.waitlist_entry_update(entry=entry, withdraw=True, acting_user=request.user)
    elif action in {str(value) for value, _label in Urgency.choices}:
        waitlist.waitlist_entry_update(entry=entry, urgency=int(action), acting_user=request.user)
    else:
        return HttpResponse(status=400)
    messages.success(request, _("Waiting list updated."))
    return redirect("staff:waitlist", office=office.slug)


@require_POST
@office_view(Capability.PLAN_APPOINTMENTS)
def waitlist_offer_now(request: HttpRequest, office: Office) -> HttpResponse:
    offers = waitlist.waitlist_offer_freed(
        office=office, now=timezone.now(), acting_user=request.user
    )
    messages.success(request, _("Offers sent: %(count)s") % {"count": offers})
    return redirect("staff:waitlist", office=office.slug)
