"""The topology's own office, made through the services (`python -m tests.topology.seed`, with the
topology's environment): open around the clock so that walk-ins and desk calls work whenever the
test runs, bookable on weekday mornings, a kiosk, a call display and a caseworker already at her
desk. Prints what the browser flows need as JSON."""

import json
from datetime import time

import django

django.setup()

from django.utils import timezone  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402

from schalter.accounts.actors import COMMAND  # noqa: E402
from schalter.accounts.services import membership_grant, staff_user_create  # noqa: E402
from schalter.catalog.models import Service  # noqa: E402
from schalter.offices.models import Desk  # noqa: E402
from schalter.offices.services import opening_hours_set  # noqa: E402
from schalter.visits import services as visits  # noqa: E402
from tests.conftest import PASSWORD, build_office, make_bookable  # noqa: E402

OFFICE = "neustadt"


def seed() -> dict:
    office = build_office(OFFICE, desks=1)
    make_bookable(office)
    opening_hours_set(
        office=office,
        weekly={day: [(time(0, 0), time(23, 59))] for day in range(7)},
        acting_user=COMMAND,
    )
    visits.service_group_create(
        office=office,
        name={"de": "Abholung", "en": "Pick-up"},
        prefix="A",
        services=[Service.objects.get(slug="card-pick-up")],
        acting_user=COMMAND,
    )
    _kiosk, key = visits.kiosk_create(
        office=office, name="Eingang", public_id="eingang", acting_user=COMMAND
    )
    visits.screen_create(
        office=office, name="Wartebereich", public_id="wartebereich", acting_user=COMMAND
    )
    caseworker = staff_user_create(
        username="neustadt.case", password=PASSWORD, full_name="Test Person", acting_user=COMMAND
    )
    device = TOTPDevice.objects.create(user=caseworker, name="topology", confirmed=True)
    membership_grant(user=caseworker, office=office, role="caseworker", acting_user=COMMAND)
    with scopes_disabled():
        desk = Desk.objects.get(office=office)
        desk.services.clear()  # a desk without services serves every group
    visits.desk_session_open(
        office=office, desk=desk, user=caseworker, now=timezone.now(), acting_user=caseworker
    )
    return {
        "office": OFFICE,
        "kiosk": "eingang",
        "kiosk_key": key,
        "screen": "wartebereich",
        "username": caseworker.username,
        "password": PASSWORD,
        "totp_key": device.key,
        "desk": desk.number,
    }


if __name__ == "__main__":
    print(json.dumps(seed()))
