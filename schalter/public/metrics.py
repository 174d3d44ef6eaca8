"""/metrics in Prometheus' text format: counts only, nothing personal. Open to the loopback
address, or to anyone presenting SCHALTER_METRICS_TOKEN as a bearer token."""

import secrets

from django.conf import settings
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from django_scopes import scopes_disabled

from schalter.appointments.models import Appointment, WaitlistEntry, WaitlistStatus

LOOPBACK = {"127.0.0.1", "::1"}


def _allowed(request: HttpRequest) -> bool:
    token = settings.SCHALTER_METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ")
        return secrets.compare_digest(given, token)
    return request.META.get("REMOTE_ADDR") in LOOPBACK


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        return HttpResponse(status=403)
    lines = [
        "# HELP schalter_up The app answers.",
        "# TYPE schalter_up gauge",
        "schalter_up 1",
        "# HELP schalter_appointments Appointments by office and status.",
        "# TYPE schalter_appointments gauge",
    ]
    with scopes_disabled():
        appointments = (
            Appointment.objects.values("office__slug", "status")
            .annotate(n=Count("id"))
            .order_by("office__slug", "status")
        )
        waiting = (
            WaitlistEntry.objects.filter(status=WaitlistStatus.WAITING)
            .values("office__slug")
            .annotate(n=Count("id"))
            .order_by("office__slug")
        )
    lines += [
        f'schalter_appointments{{office="{row["office__slug"]}",status="{row["status"]}"}} '
        f"{row['n']}"
        for row in appointments
    ]
    lines += [
        "# HELP schalter_waitlist_waiting Clients on the waiting list.",
        "# TYPE schalter_waitlist_waiting gauge",
    ]
    lines += [
        f'schalter_waitlist_waiting{{office="{row["office__slug"]}"}} {row["n"]}' for row in waiting
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; version=0.0.4")
