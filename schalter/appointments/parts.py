"""Online booking as a part an office switches on (offices/parts.py). Off: clients cannot book,
move or join the waiting list on the website or by the API; appointments already booked keep
their pages, their e-mails and their place in the staff calendar, where staff still book for
callers."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from schalter.accounts.roles import Capability
from schalter.appointments.models import (
    ACTIVE_STATUSES,
    Appointment,
    AvailabilityRule,
    OfficeService,
    WaitlistEntry,
    WaitlistStatus,
)
from schalter.offices.models import Office
from schalter.offices.parts import MenuItem, Part

BOOKING = "booking"


def _some_service_bookable_online(office: Office) -> str:
    with scopes_disabled():
        found = OfficeService.objects.filter(
            office=office, enabled=True, bookable_online=True
        ).exists()
    return "" if found else gettext("No service is offered for online booking yet.")


def _times_given_online(office: Office) -> str:
    today = timezone.localdate()
    with scopes_disabled():
        found = (
            AvailabilityRule.objects.filter(office=office, capacity_online__gt=0)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
            .exists()
        )
    return "" if found else gettext("No availability rule gives times for online booking.")


def _open_work(office: Office) -> list[str]:
    now = timezone.now()
    with scopes_disabled():
        booked = Appointment.objects.filter(
            office=office, status__in=ACTIVE_STATUSES, start__gte=now
        ).count()
        waiting = WaitlistEntry.objects.filter(
            office=office, status__in=[WaitlistStatus.WAITING, WaitlistStatus.OFFERED]
        ).count()
    work = []
    if booked:
        work.append(
            ngettext(
                "%(count)s appointment is still booked and will be served.",
                "%(count)s appointments are still booked and will be served.",
                booked,
            )
            % {"count": booked}
        )
    if waiting:
        work.append(
            ngettext(
                "%(count)s person is on the waiting list.",
                "%(count)s people are on the waiting list.",
                waiting,
            )
            % {"count": waiting}
        )
    return work


ONLINE_BOOKING = Part(
    name=BOOKING,
    label=_("Online booking"),
    description=_("Clients book, move and cancel appointments on the website and by the API."),
    requirements=(_some_service_bookable_online, _times_given_online),
    routes=frozenset(
        {
            "public:book",
            "public:book_service",
            "public:book_details",
            "public:waitlist_join",
            "public:booking_move",
            "api-v1:availability",
            "api-v1:book",
            "api-v1:reschedule",
        }
    ),
    kept_routes=frozenset(
        {
            "public:book_sent",
            "public:booking_confirm",
            "public:booking_manage",
            "public:booking_calendar",
            "api-v1:appointment",
            "api-v1:cancel",
            "api-v1:ics",
            "api-v1:confirm",
            "staff:waitlist",
            "staff:waitlist_offer",
            "staff:waitlist_entry_update",
        }
    ),
    menu=(MenuItem(_("Waiting list"), "staff:waitlist", Capability.VIEW_APPOINTMENTS, kept=True),),
    open_work=_open_work,
    off_template="public/parts/booking_off.html",
)
