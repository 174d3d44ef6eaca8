"""A team lead applies a reviewed plan to a weekday's availability rules."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django_scopes import scopes_disabled

from schalter.accounts.actors import COMMAND
from schalter.accounts.models import AuditEvent
from schalter.appointments.models import AvailabilityRule
from schalter.planning.actions import PLAN_APPLIED
from schalter.planning.errors import PlanError
from schalter.planning.optimiser import Plan, ServicePlan, plan_from_rules
from schalter.planning.selectors import rule_specs_on, slot_minutes_by_service
from schalter.planning.services import plan_apply
from tests.conftest import make_bookable

NOW = datetime(2031, 3, 3, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))  # a Monday
NEXT_MONDAY = date(2031, 3, 10)


@pytest.mark.django_db
def test_applying_a_plan_ends_todays_rules_and_adds_the_plans(office):
    offered = make_bookable(office, days=0)
    long = str(offered["long"].pk)
    today = plan_from_rules(rule_specs_on(office, NEXT_MONDAY), slot_minutes_by_service(office))
    assert today.services[long] == ServicePlan(30, 2, 1, False, 0, 240)

    plan = Plan({long: ServicePlan(30, 1, reserve=1, opening_double=True, until_minute=210)})
    applied = plan_apply(
        office=office,
        weekday=0,
        plan=plan,
        valid_from=NEXT_MONDAY,
        now=NOW,
        acting_user=COMMAND,
    )
    assert applied.ended == 1 and len(applied.added) == 2
    rules = rule_specs_on(office, NEXT_MONDAY)
    assert plan_from_rules(rules, slot_minutes_by_service(office)).services == plan.services
    with scopes_disabled():
        old = AvailabilityRule.objects.get(office=office, weekday=0, valid_until__isnull=False)
        assert old.valid_until == date(2031, 3, 9)
        assert {(r.start, r.end) for r in applied.added} == {
            (time(8, 0), time(11, 30)),
            (time(8, 0), time(8, 30)),
        }
        event = AuditEvent.objects.get(action=PLAN_APPLIED)
    assert event.data["weekday"] == 0 and "2 at opening" in event.data["plan"]
    # Tuesday keeps its rule.
    assert len(rule_specs_on(office, date(2031, 3, 11))) == 1


@pytest.mark.django_db
def test_a_plan_for_a_closed_day_or_the_wrong_weekday_is_refused(office):
    make_bookable(office, days=0)
    plan = Plan({})
    with pytest.raises(PlanError):
        plan_apply(
            office=office,
            weekday=2,
            plan=plan,
            valid_from=date(2031, 3, 12),
            now=NOW,
            acting_user=COMMAND,
        )  # giessen is closed on Wednesdays
    with pytest.raises(PlanError):
        plan_apply(
            office=office,
            weekday=0,
            plan=plan,
            valid_from=date(2031, 3, 11),
            now=NOW,
            acting_user=COMMAND,
        )
