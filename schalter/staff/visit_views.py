"""The desk workspace and the front-desk queue dashboard. Thin: parse, call one service, render.
Ticket ids come in POST bodies and are looked up in the office's scope (404 otherwise); the
services then check that the ticket is at the caller's desk."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from schalter.accounts.roles import Capability
from schalter.errors import Refusal
from schalter.knowledge import selectors as knowledge_selectors
from schalter.languages import LANGUAGES, language_for, language_label
from schalter.offices import selectors as office_selectors
from schalter.offices.localtime import local_date
from schalter.offices.models import Office
from schalter.offices.selectors import owned_by
from schalter.printing.ticket import ticket_pdf_path
from schalter.staff.guards import office_view
from schalter.staff.navigation import office_render
from schalter.visits import selectors, services
from schalter.visits.models import NOTE_MAX_LENGTH, Outcome, Priority, Ticket
from schalter.visits.routing import desk_socket_path


def _ticket(office: Office, pk: str) -> Ticket:
    return owned_by(office, Ticket, pk if pk.isdigit() else 0)


def _desk_action(request: HttpRequest, office: Office) -> str:
    """Run one desk action; returns a message for the person at the desk."""
    now = timezone.now()
    action = request.POST.get("action", "")
    user = request.user
    if action == "take":
        desk = office_selectors.desk_get(office, request.POST.get("desk") or 0)
        services.desk_session_open(office=office, desk=desk, user=user, now=now, acting_user=user)
        return _("You are now at desk %(number)s.") % {"number": desk.number}
    session = selectors.desk_session_of(office, user)
    if session is None:
        return _("Take a desk first.")
    if action == "leave":
        services.desk_session_close(session=session, now=now, acting_user=user)
        return _("You have left the desk.")
    if action == "call_next":
        called = services.ticket_call_next(desk_session=session, now=now, acting_user=user)
        if called is None:
            return _("Nobody is waiting.")
        return _("Called %(code)s.") % {"code": called.code}
    ticket = _ticket(office, request.POST.get("ticket", ""))
    common = {"desk_session": session, "ticket": ticket, "now": now, "acting_user": user}
    if action == "recall":
        ticket = services.ticket_recall(**common)
    elif action == "start":
        ticket = services.ticket_start(**common)
    elif action == "finish":
        ticket = services.ticket_finish(outcome=request.POST.get("outcome", ""), **common)
    elif action == "park":
        ticket = services.ticket_park(**common)
    elif action == "no_show":
        ticket = services.ticket_no_show(**common)
    elif action == "note":
        services.ticket_note_set(ticket=ticket, note=request.POST.get("note", ""), acting_user=user)
        return _("%(code)s: note saved.") % {"code": ticket.code}
    elif action == "transfer":
        target = request.POST.get("to", "")
        kind, _sep, pk = target.partition(":")
        if kind == "desk":
            to_desk = office_selectors.desk_get(office, pk or 0)
            ticket = services.ticket_transfer(to_desk=to_desk, **common)
        else:
            to_group = selectors.group_get(office, pk or 0)
            ticket = services.ticket_transfer(to_group=to_group, **common)
    else:
        raise Http404
    return _("%(code)s: %(state)s.") % {"code": ticket.code, "state": ticket.get_state_display()}


@office_view(Capability.WORK_AT_DESK)
@require_http_methods(["GET", "POST"])
def desk_workspace(request: HttpRequest, office: Office) -> HttpResponse:
    if request.method == "POST":
        try:
            messages.info(request, _desk_action(request, office))
        except Refusal as error:
            messages.error(request, error.message)
        return redirect("staff:visit_desk", office=office.slug)
    language = get_language()
    session = selectors.desk_session_of(office, request.user)
    ticket, parked = selectors.desk_tickets(session) if session else (None, [])
    # The office's desks only where the page lists them: to take one, or to transfer to one.
    free_desks, other_desks = [], []
    if session is None:
        taken = selectors.taken_desk_ids(office)
        free_desks = [d for d in selectors.active_desks(office) if d.pk not in taken]
    elif ticket is not None:
        other_desks = [d for d in selectors.active_desks(office) if d.pk != session.desk_id]
    client = None
    if ticket is not None:
        service = ticket.service
        client = {
            "service": service.name_in(language) if service else ticket.group.name_in(language),
            "documents": service.documents_in(language) if service else [],
            "language": language_label(ticket.language),
            "interpreter": language_label(ticket.interpreter_language)
            if ticket.interpreter_language
            else "",
            "booking_code": ticket.appointment.code if ticket.appointment else "",
        }
    # What this desk can call, not the whole office: the count and "call next" agree.
    queues = selectors.desk_queues(session.desk, timezone.now()) if session else []
    served = selectors.desks_served_groups(free_desks)
    return office_render(
        request,
        "visits/staff_desk.html",
        {
            "session": session,
            "ticket": ticket,
            "client": client,
            "parked": parked,
            "free_desks": [
                {"desk": d, "queues": [g.name_in(language) for g in served[d.pk]]}
                for d in free_desks
            ],
            "other_desks": other_desks,
            "groups": [
                {"group": g, "name": g.name_in(language)}
                for g in selectors.groups_of(office, with_services=False)
            ]
            if ticket is not None
            else [],
            "queues": [{"name": q.group.name_in(language), "waiting": q.waiting} for q in queues],
            "waiting": sum(q.waiting for q in queues),
            "outcomes": Outcome.choices,
            "note_max_length": NOTE_MAX_LENGTH,
            "live_url": desk_socket_path(office.slug),
            # Coming changes of the law on the services this desk serves (issue 16).
            "knowledge_banners": knowledge_selectors.banners_for(
                office,
                session.desk.services.all() if session else [],
                on=local_date(office, timezone.now()),
            ),
        },
    )


# The traffic light says its state in words too: colour is never the only cue.
LIGHT_WORDS = {
    "green": gettext_lazy("short wait"),
    "yellow": gettext_lazy("moderate wait"),
    "red": gettext_lazy("long wait"),
}


# The ticket this browser's front desk issued last, offered for printing on the dashboard: its
# id and its token, which only the issuing call knew (docs/capabilities.md).
LAST_ISSUED_KEY = "schalter.front_desk_ticket"


def _last_issued(request: HttpRequest, office: Office) -> dict[str, str] | None:
    pk, token = (request.session.get(LAST_ISSUED_KEY) or [None, ""])[:2]
    ticket = Ticket.objects.filter(office=office, pk=pk).first() if isinstance(pk, int) else None
    if ticket is None or ticket.day != selectors.local_day(office, timezone.now()):
        return None
    return {"code": ticket.code, "pdf_url": ticket_pdf_path(ticket, token, ticket.language)}


def _front_desk_issue(request: HttpRequest, office: Office) -> str:
    now = timezone.now()
    language = language_for(request.POST.get("language")).code
    if request.POST.get("action") == "check_in":
        issued = services.ticket_check_in(
            office=office,
            code=request.POST.get("code", ""),
            now=now,
            language=language,
            note=request.POST.get("note", ""),
            acting_user=request.user,
        )
    else:
        priority = request.POST.get("priority") or "0"
        if priority not in {str(value) for value in Priority.values}:
            raise Http404
        issued = services.ticket_issue_walk_in(
            office=office,
            group=selectors.group_get(office, request.POST.get("group") or 0),
            now=now,
            language=language,
            priority=int(priority),
            note=request.POST.get("note", ""),
            acting_user=request.user,
        )
    request.session[LAST_ISSUED_KEY] = [issued.ticket.pk, issued.token]
    return _("Ticket %(code)s issued.") % {"code": issued.ticket.code}


@office_view(Capability.RUN_QUEUE)
@require_http_methods(["GET", "POST"])
def queue_dashboard(request: HttpRequest, office: Office) -> HttpResponse:
    """Waiting clients per group with a traffic light, average wait, open desks; the front desk
    issues tickets here for clients at the counter."""
    if request.method == "POST":
        try:
            messages.success(request, _front_desk_issue(request, office))
        except Refusal as error:
            messages.error(request, error.message)
        return redirect("staff:visit_queue", office=office.slug)
    language = get_language()
    now = timezone.now()
    overview = selectors.queue_overview(office, now)
    return office_render(
        request,
        "visits/staff_queue.html",
        {
            "overview": overview,
            "estimates": selectors.wait_estimates(office, selectors.local_day(office, now)),
            "close_enough": selectors.CLOSE_ENOUGH_MINUTES,
            "note_max_length": NOTE_MAX_LENGTH,
            "groups": [
                {
                    "status": status,
                    "name": status.group.name_in(language),
                    "light_word": LIGHT_WORDS[status.light],
                }
                for status in overview.groups
            ],
            "priorities": Priority.choices,
            "languages": LANGUAGES,
            "last_issued": _last_issued(request, office),
        },
    )
