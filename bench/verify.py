"""Counts in the database, after the load: is any 10-minute unit held by more active appointments
than it has seats? Prints JSON. Run with the server's environment (DATABASE_URL, settings)."""

import argparse
import json
import os
from collections import Counter
from datetime import timedelta

import django


def verify(office_slug: str) -> dict:
    from django.db.models import Count
    from django_scopes import scopes_disabled

    from schalter.appointments.models import ACTIVE_STATUSES, Appointment, Seat
    from schalter.appointments.services import policy_for
    from schalter.offices.models import Office

    office = Office.objects.get(slug=office_slug)
    unit = timedelta(minutes=policy_for(office).slot_minutes)
    with scopes_disabled():
        seats = Counter(
            {
                row["start"]: row["n"]
                for row in Seat.objects.filter(office=office)
                .values("start")
                .annotate(n=Count("id"))
            }
        )
        active = list(
            Appointment.objects.filter(office=office, status__in=ACTIVE_STATUSES).values(
                "id", "start", "end", "email"
            )
        )
        holding = Counter(
            Seat.objects.filter(office=office, appointment__status__in=ACTIVE_STATUSES).values_list(
                "appointment_id", flat=True
            )
        )
    # Every unit an active appointment covers, whatever seat it holds (or fails to hold).
    demand: Counter = Counter()
    needs: dict[int, int] = {}
    for appointment in active:
        moment, covered = appointment["start"], 0
        while moment < appointment["end"]:
            demand[moment] += 1
            moment += unit
            covered += 1
        needs[appointment["id"]] = covered
    over = {start: n - seats[start] for start, n in demand.items() if n > seats[start]}
    by_tag = Counter(a["email"].split("-", 1)[0] for a in active)
    return {
        "active": len(active),
        "active_by_tag": dict(sorted(by_tag.items())),
        "rush_active": by_tag.get("rush", 0),
        "units_over_capacity": len(over),
        "overbookings": sum(over.values()),
        # An active appointment holding fewer seats than the units it covers is an overbooking
        # in disguise: it counts on capacity nobody reserved for it.
        "without_seat": sum(1 for pk, n in needs.items() if holding[pk] < n),
        "seats_per_slot": max(seats.values(), default=0),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--office", required=True)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    print(json.dumps(verify(args.office)))


if __name__ == "__main__":
    main()
