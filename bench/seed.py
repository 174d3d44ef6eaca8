"""Bench data, built through the same services the application uses: one office, one 10-minute
service bookable online, weekday appointment hours with 4 online seats per 10-minute slot for
`--days` days; and the bare booking table the ceiling view writes to. For the day of the visit
(`seed_visits`): a second office open around the clock with desks, caseworkers already at their
desks and signed in (session cookies made here, two factors done), kiosks unlocked, call
displays and tickets waiting. Prints a JSON summary.

    DJANGO_SETTINGS_MODULE=bench.settings python -m bench.seed --days 90 --bare-slots 2000
"""

import argparse
import json
import os
from datetime import date, time, timedelta

import django

OFFICE = "bench-office"
SEATS_PER_SLOT = 4
VISITS_OFFICE = "bench-visits"


def seed(*, days: int, bare_slots: int) -> dict:
    from django.db import connection
    from django.utils import timezone

    from bench.views import BOOKING_TABLE, SLOT_TABLE
    from schalter.accounts.actors import COMMAND
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
        acting_user=COMMAND,
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
        acting_user=COMMAND,
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
            acting_user=COMMAND,
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


def _signed_in(user, device, csrf_secret: str) -> str:
    """A Cookie header for a staff member who passed both sign-in steps: the session holds what
    auth.login and django_otp.login put there (tests sign in through the real forms; 100
    caseworkers through the login pages would only slow the set-up)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    return _cookie(session.session_key, csrf_secret)


def _cookie(session_key: str | None, csrf_secret: str) -> str:
    from django.conf import settings

    return (
        f"{settings.SESSION_COOKIE_NAME}={session_key}; {settings.CSRF_COOKIE_NAME}={csrf_secret}"
    )


def seed_visits(*, desks: int, kiosks: int, screens: int, waiting: int) -> dict:
    """The day of the visit: an office open around the clock (so the bench runs at any hour),
    three walk-in groups, `desks` desks each with a caseworker at it, `kiosks` unlocked kiosks,
    `screens` call displays and `waiting` walk-in tickets already waiting (the fan-out calls the
    first; phones follow the last)."""
    from datetime import time as clock

    from django.contrib.sessions.backends.db import SessionStore
    from django.test import override_settings
    from django.utils import timezone
    from django.utils.crypto import get_random_string
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from schalter.accounts.actors import CLIENT, COMMAND
    from schalter.accounts.roles import Role
    from schalter.accounts.services import membership_grant, staff_user_create
    from schalter.offices import services as offices
    from schalter.public.kiosk_views import SESSION_KEY as KIOSKS_UNLOCKED
    from schalter.visits import services as visits

    office = offices.office_create(
        slug=VISITS_OFFICE,
        name={"de": "Ausländerbehörde Lastprobe Vorsprache", "en": "Load test walk-ins"},
        street="Berliner Platz 1",
        postcode="35390",
        city="Gießen",
        phone="+496413060",
        email="vorsprache@bench.example",
        languages_served=["de", "en"],
        acting_user=COMMAND,
    )
    offices.opening_hours_set(
        office=office,
        weekly={d: [(clock(0, 0), clock(23, 59, 59))] for d in range(7)},
        acting_user=COMMAND,
    )
    building = offices.location_create(
        office=office,
        name={"de": "Hauptgebäude"},
        street="Berliner Platz 1",
        highest_floor=2,
        acting_user=COMMAND,
    )
    groups = [
        visits.service_group_create(
            office=office, name={"de": name}, prefix=prefix, services=[], acting_user=COMMAND
        )
        for prefix, name in (("A", "Abholung"), ("B", "Beratung"), ("C", "Sonstiges"))
    ]
    for n in range(1, screens + 1):
        visits.screen_create(
            office=office, name=f"Anzeige {n}", public_id=f"screen-{n}", acting_user=COMMAND
        )
    csrf_secret = get_random_string(32)
    kiosk_cookies = []
    for n in range(1, kiosks + 1):
        kiosk, _key = visits.kiosk_create(
            office=office, name=f"Kiosk {n}", public_id=f"kiosk-{n}", acting_user=COMMAND
        )
        session = SessionStore()  # what the kiosk view stores once the key unlocked it
        session[KIOSKS_UNLOCKED] = [kiosk.public_id]
        session.create()
        kiosk_cookies.append(
            {"kiosk": kiosk.public_id, "cookie": _cookie(session.session_key, csrf_secret)}
        )
    now = timezone.now()
    staff = []
    # The bench never signs in with a password: a cheap hasher keeps 100 accounts quick to make.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        for n in range(1, desks + 1):
            desk = offices.desk_create(
                office=office,
                location=building,
                number=n,
                colour="blue",
                floor=n % 3,
                acting_user=COMMAND,
            )
            user = staff_user_create(
                username=f"bench-caseworker-{n}",
                password=get_random_string(20),
                acting_user=COMMAND,
            )
            membership_grant(user=user, office=office, role=Role.CASEWORKER, acting_user=COMMAND)
            device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
            visits.desk_session_open(office=office, desk=desk, user=user, now=now, acting_user=user)
            staff.append({"desk": n, "cookie": _signed_in(user, device, csrf_secret)})
    # All in one group: each call then moves the queue of every phone (the most frames).
    tokens = [
        visits.ticket_issue_walk_in(
            office=office, group=groups[0], now=now, acting_user=CLIENT
        ).token
        for n in range(waiting)
    ]
    return {
        "office": office.slug,
        "groups": [g.pk for g in groups],
        "screens": [f"screen-{n}" for n in range(1, screens + 1)],
        "kiosks": kiosk_cookies,
        "staff": staff,
        "csrf": csrf_secret,
        "waiting_tokens": tokens,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--bare-slots", type=int, default=2000)
    parser.add_argument("--visits-out", help="write the day-of-visit data (cookies) to this file")
    parser.add_argument("--desks", type=int, default=100)
    parser.add_argument("--kiosks", type=int, default=10)
    parser.add_argument("--screens", type=int, default=10)
    parser.add_argument("--waiting", type=int, default=600)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    summary = seed(days=args.days, bare_slots=args.bare_slots)
    if args.visits_out:
        data = seed_visits(
            desks=args.desks, kiosks=args.kiosks, screens=args.screens, waiting=args.waiting
        )
        with open(args.visits_out, "w") as out:
            json.dump(data, out)
        summary["visits_office"] = data["office"]
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
