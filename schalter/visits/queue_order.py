"""The order in which waiting clients are called: which groups a desk serves and the priority
rules, as queries and one SQL expression (`queue_rank`), the one place the order lives
(docs/on-the-day.md). Reads only; calling (services.calling) and the wait estimates use them."""

from datetime import date, datetime, timedelta

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django_scopes import scope

from schalter.offices.localtime import local_date
from schalter.offices.models import Desk, Office
from schalter.visits.models import QUEUED_STATES, Priority, ServiceGroup, Ticket, TicketState

DUE_NOW = timedelta(minutes=15)  # an appointment starting within this much is "due now"


def served_groups(desk: Desk) -> QuerySet[ServiceGroup]:
    """Groups a desk calls from: those sharing a service with it (all, for a desk or group
    without services). A query, so that calling the next client can use it as a subquery."""
    desk_services = Desk.services.through.objects.filter(desk_id=desk.pk).values("service_id")
    group_services = ServiceGroup.services.through.objects.filter(servicegroup_id=OuterRef("pk"))
    with scope(office=desk.office_id):
        return ServiceGroup.objects.filter(office_id=desk.office_id).filter(
            ~Exists(desk_services)
            | ~Exists(group_services)
            | Exists(group_services.filter(service_id__in=desk_services))
        )


def groups_served_by(desk: Desk) -> list[int]:
    return list(served_groups(desk).values_list("pk", flat=True))


def queue_rank(*, now: datetime, desk: Desk | None = None) -> Case:
    """The priority rules as an SQL expression, lower first: a ticket transferred to this desk,
    an appointment due now, urgent or vulnerable clients and transfers to the group, then
    everyone else in order of arrival."""
    whens = []
    if desk is not None:
        whens.append(When(state=TicketState.TRANSFERRED, desk=desk, then=Value(0)))
    whens += [
        When(appointment__start__range=(now - DUE_NOW, now + DUE_NOW), then=Value(1)),
        When(priority__gt=Priority.NORMAL, then=Value(2)),
        When(state=TicketState.TRANSFERRED, then=Value(2)),
    ]
    return Case(*whens, default=Value(3), output_field=IntegerField())


def callable_by(desk: Desk, now: datetime) -> QuerySet[Ticket]:
    """The tickets this desk may call, first to call first. Use inside the office's scope."""
    return (
        Ticket.objects.filter(
            Q(desk__isnull=True) | Q(desk=desk),
            office=desk.office,
            day=local_date(desk.office, now),
            state__in=QUEUED_STATES,
            group_id__in=served_groups(desk).values("pk"),
        )
        .annotate(rank=queue_rank(now=now, desk=desk))
        .order_by("rank", "created_at", "id")
    )


def queue_of(office: Office, group: ServiceGroup, day: date, now: datetime) -> QuerySet[Ticket]:
    """The group's waiting tickets in calling order, as no particular desk sees them (the rules
    are `queue_rank`). Use inside the office's scope."""
    return (
        Ticket.objects.filter(office=office, group=group, day=day, state__in=QUEUED_STATES)
        .annotate(rank=queue_rank(now=now))
        .order_by("rank", "created_at", "id")
    )
