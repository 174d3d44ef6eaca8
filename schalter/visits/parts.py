"""The walk-in queue with kiosks and call displays, as a part an office switches on
(offices/parts.py). Off: kiosks, displays and the public queue page answer 404 and no walk-in
ticket is issued; tickets already issued keep their pages and are called at the desks, where
appointment arrivals are called as before."""

from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from schalter.accounts.roles import Capability
from schalter.offices.localtime import local_date
from schalter.offices.models import Desk, Office
from schalter.offices.parts import MenuItem, Part
from schalter.visits.models import ServiceGroup, Ticket, TicketState

QUEUE = "queue"


def _walk_in_queue(office: Office) -> str:
    with scopes_disabled():
        found = ServiceGroup.objects.filter(office=office, walk_ins_allowed=True).exists()
    return "" if found else gettext("No queue takes walk-ins yet.")


def _desk_serving_a_queue(office: Office) -> str:
    with scopes_disabled():
        services = ServiceGroup.objects.filter(office=office, walk_ins_allowed=True).values_list(
            "services", flat=True
        )
        found = Desk.objects.filter(office=office, active=True, services__in=services).exists()
    return "" if found else gettext("No desk serves a service of a walk-in queue.")


def _open_work(office: Office) -> list[str]:
    with scopes_disabled():
        waiting = Ticket.objects.filter(
            office=office,
            day=local_date(office, timezone.now()),
            state__in=[
                TicketState.WAITING,
                TicketState.CALLED,
                TicketState.IN_SERVICE,
                TicketState.PARKED,
            ],
        ).count()
    if not waiting:
        return []
    return [
        ngettext(
            "%(count)s ticket of today is still open and will be called.",
            "%(count)s tickets of today are still open and will be called.",
            waiting,
        )
        % {"count": waiting}
    ]


WALK_IN_QUEUE = Part(
    name=QUEUE,
    label=_("Walk-in queue with kiosks and displays"),
    description=_(
        "Clients without an appointment take a ticket at a kiosk or the front desk and are "
        "called on the displays."
    ),
    requirements=(_walk_in_queue, _desk_serving_a_queue),
    routes=frozenset(
        {
            "kiosk",
            "kiosk_ticket",
            "display",
            "display_calls",
            "display_announcement",
            "queue_any_language",
            "public:queue",
            "staff:screens",
            "staff:screen_create",
            "staff:screen",
            "staff:notices",
            "staff:notice_create",
            "staff:notice",
            "staff:notice_delete",
        }
    ),
    kept_routes=frozenset(
        {
            "public:ticket",
            "public:ticket_notify",
            "public:ticket_pdf",
            "public:ticket_escpos",
            "staff:visit_queue",
        }
    ),
    menu=(
        MenuItem(_("Queue"), "staff:visit_queue", Capability.RUN_QUEUE, kept=True),
        MenuItem(_("Call displays"), "staff:screens", Capability.MANAGE_OFFICE),
        MenuItem(_("Notices"), "staff:notices", Capability.MANAGE_OFFICE),
    ),
    open_work=_open_work,
    off_template="public/parts/queue_off.html",
)
