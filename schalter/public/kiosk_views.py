"""The kiosk in the waiting area and the live ticket page on the client's phone. Both work
without JavaScript; neither shows anything personal."""

import secrets

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schalter.accounts.actors import CLIENT
from schalter.appointments import ratelimit
from schalter.errors import Refusal
from schalter.insights.feedback import feedback_link
from schalter.interpreters import services as interpreter_services
from schalter.interpreters.languages import interpreter_choice_valid, interpreter_choices
from schalter.languages import BY_CODE, LANGUAGES, language_for
from schalter.links import qr_svg
from schalter.offices import selectors as office_selectors
from schalter.offices.models import Office
from schalter.printing.ticket import live_ticket_url, ticket_pdf_path
from schalter.visits import selectors, services
from schalter.visits.errors import KioskLocked
from schalter.visits.models import Kiosk, Ticket, TicketState
from schalter.visits.routing import ticket_socket_path

SESSION_KEY = "schalter.kiosks"  # the kiosks this browser was unlocked for (their unlock marks)


def _kiosk_language(request: HttpRequest) -> str:
    code = (request.POST.get("lang") or request.GET.get("lang") or "").lower()
    return code if code in BY_CODE else ""


def _ticket_context(ticket: Ticket, language: str) -> dict[str, object]:
    position = selectors.ticket_position(ticket, timezone.now())
    return {
        "ticket": ticket,
        "group_name": ticket.group.name_in(language),
        "waiting_zone": ticket.group.waiting_zone_in(language),
        "position": position,
        "place": position.ahead + 1,
        "waiting": ticket.state in (TicketState.WAITING, TicketState.TRANSFERRED),
        "called": ticket.state == TicketState.CALLED,
    }


def _render_kiosk(
    request: HttpRequest,
    office: Office,
    kiosk: Kiosk,
    language: str,
    *,
    error: Refusal | None = None,
    status: int = 200,
) -> HttpResponse:
    groups = [
        {"group": g, "name": g.name_in(language)}
        for g in selectors.groups_of(office)
        if g.walk_ins_allowed
    ]
    return render(
        request,
        "visits/kiosk.html",
        {
            "office": office,
            "office_name": office.name_in(language),
            "kiosk": kiosk,
            "language": language,
            "languages": LANGUAGES,
            "groups": groups,
            "interpreter_choices": interpreter_choices(),  # the one list, with dialects
            "issue_key": secrets.token_urlsafe(16),
            "error": error,
            "unlocked": services.kiosk_unlock_mark(kiosk) in request.session.get(SESSION_KEY, []),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def kiosk(request: HttpRequest, office: str, kiosk: str) -> HttpResponse:
    """Choose a language, then check in with a booking code or take a walk-in ticket."""
    kiosk_obj = selectors.kiosk_at(office, kiosk)
    office_obj = kiosk_obj.office
    key = request.GET.get("key", "")
    if key:
        if services.kiosk_key_valid(kiosk_obj, key):
            unlocked = set(request.session.get(SESSION_KEY, [])) | {
                services.kiosk_unlock_mark(kiosk_obj)
            }
            request.session[SESSION_KEY] = sorted(unlocked)
        return redirect("kiosk", office=office_obj.slug, kiosk=kiosk_obj.public_id)
    language = _kiosk_language(request)
    with translation.override(language or "de"):
        if request.method == "GET" or not language:
            return _render_kiosk(request, office_obj, kiosk_obj, language)
        try:
            if services.kiosk_unlock_mark(kiosk_obj) not in request.session.get(SESSION_KEY, []):
                raise KioskLocked
            issue_key = request.POST.get("issue_key", "")[:64]
            now = timezone.now()
            if request.POST.get("action") == "check_in":
                issued = services.ticket_check_in(
                    office=office_obj,
                    code=request.POST.get("code", ""),
                    now=now,
                    language=language,
                    kiosk=kiosk_obj,
                    issue_key=issue_key,
                    acting_user=CLIENT,
                )
            else:
                group = selectors.group_get(office_obj, request.POST.get("group") or 0)
                wish = request.POST.get("interpreter_language", "")[:12]
                wish = wish if interpreter_choice_valid(wish) else ""
                issued = services.ticket_issue_walk_in(
                    office=office_obj,
                    group=group,
                    now=now,
                    language=language,
                    kiosk=kiosk_obj,
                    # One form for every group: the key names the group pressed.
                    issue_key=f"{issue_key[:50]}-{group.pk}" if issue_key else "",
                    interpreter_language=wish,
                    acting_user=CLIENT,
                )
                if wish and issued.created:  # an interpreter by phone, matched now (issue 15)
                    interpreter_services.assignment_for_ticket(
                        ticket=issued.ticket, language=wish, now=now, acting_user=CLIENT
                    )
        except Refusal as error:
            return _render_kiosk(
                request, office_obj, kiosk_obj, language, error=error, status=error.status
            )
    url = reverse(
        "kiosk_ticket",
        kwargs={"office": office_obj.slug, "kiosk": kiosk_obj.public_id, "token": issued.token},
    )
    return redirect(f"{url}?lang={language}")


@require_GET
def kiosk_ticket(request: HttpRequest, office: str, kiosk: str, token: str) -> HttpResponse:
    """The ticket as the kiosk shows and prints it: number, expected wait, zone, QR code."""
    office_obj = office_selectors.office_by_slug(office)
    kiosk_obj = selectors.kiosk_get(office_obj, kiosk)
    ticket = selectors.ticket_by_token(office_obj, token)
    language = _kiosk_language(request) or ticket.language
    with translation.override(language):
        live_url = live_ticket_url(ticket, token, language_for(language))
        return render(
            request,
            "visits/kiosk_ticket.html",
            {
                "office": office_obj,
                "office_name": office_obj.name_in(language),
                "kiosk": kiosk_obj,
                "language": language,
                "qr": qr_svg(live_url, scale=5, title=_("QR code of your ticket page")),
                "live_url": live_url,
                "printable": request.GET.get("print") == "1",
                "pdf_url": ticket_pdf_path(ticket, token, language),
                **_ticket_context(ticket, language),
            },
        )


@require_GET
def ticket_live(request: HttpRequest, office: str, token: str) -> HttpResponse:
    """The client's own page: her place and wait, and where to go once called."""
    return _ticket_live(request, office, token)


def _ticket_live(
    request: HttpRequest, office: str, token: str, *, notify_error: str = "", status: int = 200
) -> HttpResponse:
    office_obj = office_selectors.office_by_slug(office)
    ticket = selectors.ticket_by_token(office_obj, token)
    language = language_for(get_language()).code
    desk = ticket.desk if ticket.state == TicketState.CALLED else None
    return render(
        request,
        "visits/ticket_live.html",
        {
            "office": office_obj,
            "office_name": office_obj.name_in(language),
            "desk": desk,
            "building": desk.location.name_in(language) if desk else "",
            "pdf_url": ticket_pdf_path(ticket, token, language),
            "live_url": ticket_socket_path(office_obj.slug, token),
            **_ticket_context(ticket, language),
            **_notify_context(request, ticket, token, notify_error),
            # Issue 17: once the visit is finished, the survey (one per visit).
            "feedback_url": feedback_link(office=office_obj, visit_token=token, ticket_id=ticket.pk)
            if ticket.state == TicketState.DONE
            else "",
        },
        status=status,
    )


def _notify_context(
    request: HttpRequest, ticket: Ticket, token: str, error: str
) -> dict[str, object]:
    appointment = ticket.appointment if ticket.appointment_id else None
    return {
        "notify_url": reverse(
            "public:ticket_notify", kwargs={"office": ticket.office.slug, "token": token}
        ),
        "notify_threshold": ticket.group.notify_when_ahead,
        "notify_from_booking": bool(appointment and appointment.phone),
        "notify_error": error,
        "notify_phone_given": request.POST.get("phone", "")[:30] if error else "",
    }


@require_POST
def ticket_notify(request: HttpRequest, office: str, token: str) -> HttpResponse:
    """Leave a mobile number for one text message when the turn is near, or take it back."""
    office_obj = office_selectors.office_by_slug(office)
    ticket = selectors.ticket_by_token(office_obj, token)  # an unknown token: 404
    now = timezone.now()
    action = request.POST.get("action", "set")
    try:
        ratelimit.hit(
            f"ticket-notify:ip:{ratelimit.client_address(request)}",
            limit=20,
            window_seconds=600,
            now=now,
        )
        ratelimit.hit(f"ticket-notify:ticket:{ticket.pk}", limit=10, window_seconds=3600, now=now)
        if action == "withdraw":
            services.ticket_notify_withdraw(ticket=ticket, acting_user=CLIENT)
        else:
            services.ticket_notify_set(
                ticket=ticket,
                phone=request.POST.get("phone", "")[:30],
                from_booking=action == "booking",
                acting_user=CLIENT,
            )
    except Refusal as error:
        return _ticket_live(
            request, office, token, notify_error=str(error.message), status=error.status
        )
    return redirect("public:ticket", office=office_obj.slug, token=token)
