"""The demo's interpreter request stays proposed after the first minute's tick whatever
weekday the demo is seeded on (a proposal dated before a weekend seeding expired at once)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django_scopes import scopes_disabled

from schalter.accounts.actors import COMMAND
from schalter.demo.interpreters import seed_interpreters
from schalter.interpreters.models import Assignment, AssignmentState
from schalter.interpreters.tasks import interpreters_tick
from schalter.offices.localtime import local_date
from schalter.offices.services import office_part_switch

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize("day", [2, 5, 6])  # Wednesday, Saturday, Sunday
def test_the_demo_proposal_outlives_the_first_tick(office, day):
    office_part_switch(office=office, name="interpreters", on=True, acting_user=COMMAND)
    seeded_at = datetime(2031, 3, 3, 15, tzinfo=BERLIN) + timedelta(days=day)
    with time_machine.travel(seeded_at, tick=False):
        seed_interpreters([office], local_date(office, seeded_at))
        interpreters_tick(now=seeded_at + timedelta(minutes=1))
    with scopes_disabled():
        assert Assignment.across_offices.get().state == AssignmentState.PROPOSED
