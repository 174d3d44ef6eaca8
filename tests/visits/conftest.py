"""A giessen office with two service groups and three open-able desks, on a Monday morning."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django_scopes import scopes_disabled

from schalter.accounts.actors import CLIENT, COMMAND
from schalter.catalog.models import Service
from schalter.offices.models import Desk
from schalter.visits import services

BERLIN = ZoneInfo("Europe/Berlin")
# A Monday in term time, 09:00 local: giessen (tests/conftest.py) opens 08:00-12:00.
MONDAY_9 = datetime(2031, 3, 3, 9, 0, tzinfo=BERLIN)


@pytest.fixture
def now():
    return MONDAY_9


@pytest.fixture
def groups(office):
    card = Service.objects.get(slug="card-pick-up")
    permit = Service.objects.get_or_create(
        slug="residence-permit", defaults={"name": {"de": "Aufenthaltserlaubnis"}}
    )[0]
    pick_up = services.service_group_create(
        office=office,
        name={"de": "Abholung", "en": "Pick-up"},
        prefix="A",
        services=[card],
        waiting_zone={"de": "Wartebereich A, Erdgeschoss", "en": "Waiting area A, ground floor"},
        acting_user=COMMAND,
    )
    permits = services.service_group_create(
        office=office,
        name={"de": "Aufenthalt", "en": "Residence"},
        prefix="B",
        services=[permit],
        daily_walk_in_quota=2,
        waiting_zone={"de": "Wartebereich B, 1. OG"},
        position=1,
        acting_user=COMMAND,
    )
    return {"A": pick_up, "B": permits}


@pytest.fixture
def desks(office):
    with scopes_disabled():
        found = list(Desk.objects.filter(office=office).order_by("number"))
        for desk in found:
            desk.services.clear()  # serve every group
    return found


@pytest.fixture
def sessions(office, desks, make_staff, now):
    """sessions(n) -> n open desk sessions, one caseworker each."""

    def open_one(desk):
        user = make_staff(office, "caseworker")
        return services.desk_session_open(
            office=office, desk=desk, user=user, now=now, acting_user=user
        )

    def open_(n: int):
        return [open_one(desk) for desk in desks[:n]]

    return open_


def walk_in(office, group, now, **extra):
    extra.setdefault("acting_user", CLIENT)
    return services.ticket_issue_walk_in(office=office, group=group, now=now, **extra).ticket


def later(now, minutes):
    return now + timedelta(minutes=minutes)


@pytest.fixture
def book(office, now):
    """book(start, email) -> a confirmed appointment booked a week ahead through the services."""
    import time_machine

    from schalter.appointments import services as booking
    from schalter.appointments.models import Channel
    from tests.conftest import make_bookable

    week_before = now - timedelta(days=7)
    with time_machine.travel(week_before, tick=False):
        offered = make_bookable(office, days=14)

    def make(start: datetime, email: str = "client@example.org", **extra):
        return booking.appointment_book(
            office=office,
            service=offered["long"],
            start=start,
            name="Ayşe Yılmaz",
            email=email,
            channel=Channel.STAFF,
            now=week_before,
            acting_user=COMMAND,
            **extra,
        ).appointment

    return make
