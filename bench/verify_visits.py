"""Counts in the database after the ticket phase: how many tickets were issued, called, started
and finished since a moment, and whether any ticket was called by two desks or any desk holds
two clients. Prints JSON. Run with the server's environment (DATABASE_URL, settings)."""

import argparse
import json
import os
from datetime import datetime

import django


def verify(office_slug: str, since: datetime) -> dict:
    from django.db.models import Count, Q
    from django_scopes import scopes_disabled

    from schalter.offices.models import Office
    from schalter.visits.models import CallEvent, CallKind, Ticket, TicketState

    office = Office.objects.get(slug=office_slug)
    with scopes_disabled():
        tickets = Ticket.objects.filter(office=office)
        events = CallEvent.objects.filter(office=office, at__gte=since)
        kinds = dict(events.values_list("kind").annotate(n=Count("id")).order_by())
        called_twice = (
            CallEvent.objects.filter(office=office, kind=CallKind.CALL)
            .values("ticket_id")
            .annotate(n=Count("id"))
            .filter(n__gt=1)
            .count()
        )
        busy = (
            tickets.filter(state__in=(TicketState.CALLED, TicketState.IN_SERVICE))
            .values("desk_id")
            .annotate(n=Count("id"))
            .filter(n__gt=1)
            .count()
        )
        return {
            "issued": tickets.filter(created_at__gte=since).count(),
            "called": kinds.get(CallKind.CALL, 0),
            "started": tickets.filter(started_at__gte=since).count(),
            "finished": kinds.get(CallKind.FINISH, 0),
            "waiting": tickets.filter(Q(state=TicketState.WAITING)).count(),
            "tickets_called_twice": called_twice,
            "desks_with_two_clients": busy,
        }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--office", required=True)
    parser.add_argument("--since", required=True, help="ISO time with offset")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    print(json.dumps(verify(args.office, datetime.fromisoformat(args.since))))


if __name__ == "__main__":
    main()
