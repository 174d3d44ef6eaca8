"""Bench data, built through the same services the application uses: one office, one 10-minute
service bookable online, weekday appointment hours with 4 online seats per 10-minute slot for
`--days` days; and the bare booking table the ceiling view writes to. Prints a JSON summary.

    DJANGO_SETTINGS_MODULE=bench.settings python -m bench.seed --days 90 --bare-slots 2000
"""

import argparse
import json
import os
from datetime import date, time, timedelta

import django

OFFICE = "bench-office"
SEATS_PER_SLOT = 4


def seed(*, days: int, bare_slots: int) -> dict:
    from django.db import connection
    from django.utils import timezone

    from bench.views import BOOKING_TABLE, SLOT_TABLE
    from schalter.appointments import services as booking
    from schalter.appointments.models import BookingPolicy
    from schalter.catalog.models import Service
    from schalter.offices import services as offices

    office = offices.office_create(
        slug=OFFICE,
        name={"de": "Ausländerbehörde Lastprobe", "en": "Load test office"},
        street="Berliner Platz 1",
        postcode="35390",
        city="Gießen",
        phone="+496413060",
        email="abh@bench.example",
        languages_served=["de", "en"],
    )
    service = Service.objects.get_or_create(
        slug="card-pick-up", defaults={"name": {"de": "eAT-Abholung", "en": "Card pick-up"}}
    )[0]
    booking.office_service_set(
        office=office,
        service=service,
        duration_minutes=10,
        booking_window_start_days=1,
        booking_window_end_days=days,
    )
    # Every generated day is already released: the bench books, it does not wait for 7:00.
    booking.policy_for(office)
    BookingPolicy.objects.filter(office=office).update(
        slot_minutes=10, horizon_days=days + 30, release_hour=0, release_spread_minutes=0
    )
    for weekday in range(5):
        booking.availability_rule_add(
            office=office,
            weekday=weekday,
            start=time(8, 0),
            end=time(16, 0),
            capacity_online=SEATS_PER_SLOT,
            capacity_staff=0,
            services=[service],
            valid_from=date(2020, 1, 1),
        )
    today = timezone.localdate()
    seats = booking.seats_generate(
        office=office, first_day=today, last_day=today + timedelta(days=days)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {SLOT_TABLE} (id integer PRIMARY KEY, capacity integer NOT NULL)"
        )
        cursor.execute(
            f"CREATE TABLE {BOOKING_TABLE} (id bigserial PRIMARY KEY,"
            f" slot_id integer NOT NULL REFERENCES {SLOT_TABLE} (id), email text NOT NULL)"
        )
        cursor.execute(f"CREATE INDEX ON {BOOKING_TABLE} (slot_id)")
        # Room for every request: the ceiling counts inserts, not refusals.
        cursor.execute(
            f"INSERT INTO {SLOT_TABLE} (id, capacity)"  # noqa: S608
            " SELECT g, 1000000 FROM generate_series(1, %s) AS g",
            [bare_slots],
        )
    return {
        "office": office.slug,
        "service": service.pk,
        "seats": seats,
        "seats_per_slot": SEATS_PER_SLOT,
        "bare_slots": bare_slots,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--bare-slots", type=int, default=2000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    print(json.dumps(seed(days=args.days, bare_slots=args.bare_slots)))


if __name__ == "__main__":
    main()
