"""Public pages: thin views that read through selectors and render."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from schalter.appointments.parts import BOOKING
from schalter.languages import spoken_language_name
from schalter.observability import health
from schalter.offices import selectors
from schalter.offices.localtime import local_time
from schalter.offices.parts import uses
from schalter.public.service_views import office_home_extras
from schalter.visits.parts import QUEUE


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: 503 only when the database does not answer (this
    process can do nothing useful then); otherwise 200, with each part's state in the body.
    Cheap, and exempt from load shedding (schalter.overload)."""
    database = health.database_state()
    if database != health.OK:
        return JsonResponse({"status": "down", "database": database}, status=503)
    worker = health.worker_state()
    parts = {"database": database, "cache": health.cache_state(), "worker": worker.state}
    degraded = any(state in {health.DOWN, health.STALE} for state in parts.values())
    response = JsonResponse(
        {
            "status": "degraded" if degraded else "ok",
            **parts,
            "worker_heartbeat_age_seconds": (
                None if worker.heartbeat_age is None else round(worker.heartbeat_age)
            ),
        }
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def office_chooser(request: HttpRequest) -> HttpResponse:
    language = get_language()
    offices = [
        {"office": office, "name": office.name_in(language)} for office in selectors.office_list()
    ]
    return render(request, "public/office_chooser.html", {"offices": offices})


@require_GET
def office_home(request: HttpRequest, office: str) -> HttpResponse:
    office_obj = selectors.office_by_slug(office)
    language = get_language()
    now = local_time(office_obj, timezone.now())
    week = selectors.week_schedule(office_obj, now.date(), language)
    return render(
        request,
        "public/office_home.html",
        {
            "office": office_obj,
            "office_name": office_obj.name_in(language),
            "directions": office_obj.directions_in(language),
            "transport": office_obj.transport_in(language),
            "accessibility_notes": office_obj.accessibility_notes_in(language),
            "today": week[0],
            "week": week,
            # Buildings with hours of their own: each building's week (else the office's only).
            "building_weeks": selectors.building_weeks(office_obj, now.date(), language),
            "closures": [
                {"first_day": c.first_day, "last_day": c.last_day, "reason": c.reason_in(language)}
                for c in selectors.upcoming_closures(office_obj, now.date())
            ],
            "languages_served": [
                spoken_language_name(code) for code in office_obj.languages_served
            ],
            "locations": [
                {"name": location.name_in(language), "step_free": location.step_free}
                for location in selectors.locations_of(office_obj)
            ],
            "books_online": uses(office_obj, BOOKING),
            "takes_walk_ins": uses(office_obj, QUEUE),
            **office_home_extras(office_obj, language),
        },
    )


def _static_page(template: str):
    @require_GET
    def view(request: HttpRequest) -> HttpResponse:
        language = get_language()
        offices = [{"office": o, "name": o.name_in(language)} for o in selectors.office_list()]
        return render(request, template, {"offices": offices})

    return view


help_page = _static_page("public/help.html")
accessibility = _static_page("public/accessibility.html")
imprint = _static_page("public/imprint.html")
privacy = _static_page("public/privacy.html")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
