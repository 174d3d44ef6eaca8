"""/metrics in Prometheus' text format: counts only, nothing personal. Only for whoever presents
SCHALTER_METRICS_TOKEN as a bearer token, from any address (behind a proxy on the same machine
every client would come from the loopback address); without a token set, there is no /metrics.

- schalter_http_responses_total: answers by status class, counted per process since it started
  (schalter.observability.requests); each app process reports its own.
- schalter_appointments: booking outcomes, from the database (by office and status: booked and
  waiting for confirmation, confirmed, cancelled, expired, arrived, missed).
- schalter_waitlist_waiting, schalter_queue_waiting: clients on the waiting lists, and tickets
  waiting today in each office's queue.
- schalter_task_lag_seconds: how long the oldest due task has waited for a worker (only with
  django_tasks_db's backend)."""

import secrets
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET
from django_scopes import scopes_disabled

from schalter.appointments.models import Appointment, WaitlistEntry, WaitlistStatus
from schalter.observability.health import task_lag_seconds
from schalter.observability.requests import RESPONSES
from schalter.offices.localtime import local_date
from schalter.offices.models import Office
from schalter.visits.models import Ticket, TicketState


def token_presented(request: HttpRequest, token: str) -> bool:
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and secrets.compare_digest(given.strip(), token)


def label(value: object) -> str:
    """A label value as Prometheus reads it (backslash, quote and line break escaped)."""
    return str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def family(
    name: str, kind: str, help_text: str, samples: Iterable[tuple[str, object]]
) -> list[str]:
    """One metric family: its HELP and TYPE lines and one line per (labels, value)."""
    return [
        f"# HELP {name} {help_text}",
        f"# TYPE {name} {kind}",
        *(f"{name}{labels} {value}" for labels, value in samples),
    ]


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    token = settings.SCHALTER_METRICS_TOKEN
    if not token:
        raise Http404
    if not token_presented(request, token):
        response = HttpResponse(status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    now = timezone.now()
    with scopes_disabled():
        appointments = list(
            Appointment.objects.values("office__slug", "status")
            .annotate(n=Count("id"))
            .order_by("office__slug", "status")
        )
        waitlist = list(
            WaitlistEntry.objects.filter(status=WaitlistStatus.WAITING)
            .values("office__slug")
            .annotate(n=Count("id"))
            .order_by("office__slug")
        )
        offices = list(Office.objects.order_by("slug"))
        # Tickets of earlier days that nobody closed are not in today's queue.
        waiting = {
            (row["office_id"], row["day"]): row["n"]
            for row in Ticket.objects.filter(state=TicketState.WAITING)
            .values("office_id", "day")
            .annotate(n=Count("id"))
            .order_by()
        }
    lines = family("schalter_up", "gauge", "The app answers.", [("", 1)])
    lines += family(
        "schalter_http_responses_total",
        "counter",
        "Answers of this app process since it started, by status class.",
        [(f'{{class="{status_class}"}}', n) for status_class, n in RESPONSES.snapshot().items()],
    )
    lines += family(
        "schalter_appointments",
        "gauge",
        "Appointments (booking outcomes) by office and status.",
        [
            (f'{{office="{label(row["office__slug"])}",status="{label(row["status"])}"}}', row["n"])
            for row in appointments
        ],
    )
    lines += family(
        "schalter_waitlist_waiting",
        "gauge",
        "Clients on the waiting list.",
        [(f'{{office="{label(row["office__slug"])}"}}', row["n"]) for row in waitlist],
    )
    lines += family(
        "schalter_queue_waiting",
        "gauge",
        "Tickets waiting in today's queue, by office.",
        [
            (
                f'{{office="{label(office.slug)}"}}',
                waiting.get((office.pk, local_date(office, now)), 0),
            )
            for office in offices
        ],
    )
    lag = task_lag_seconds(now)
    if lag is not None:
        lines += family(
            "schalter_task_lag_seconds",
            "gauge",
            "How long the oldest due background task has waited for a worker.",
            [("", round(lag, 3))],
        )
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain; version=0.0.4")
    response["Cache-Control"] = "no-store"
    return response
