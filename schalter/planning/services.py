"""Writing an accepted plan back (docs/planning.md, "Optimiser"): a team lead applies a plan to
one weekday's availability rules after review. The rules themselves are written by the
appointments services (ending the rules in force without dropping booked seats, adding the new
ones), each with its own audit row; this adds one row for the plan as a whole."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_scopes import scope

from schalter.accounts.services import Actor, audit_record
from schalter.appointments.models import AvailabilityRule
from schalter.appointments.services import rules as rule_services
from schalter.catalog.models import Service
from schalter.offices.models import Office
from schalter.planning import selectors
from schalter.planning.actions import PLAN_APPLIED
from schalter.planning.errors import PlanError, PlanStale
from schalter.planning.optimiser import Plan, rules_from_plan


@dataclass(frozen=True)
class PlanApplied:
    ended: int  # rules in force that now end the day before
    added: list[AvailabilityRule]
    seats_kept: int  # booked seats of the ended rules, kept with their appointments


def _at(opens: time, minutes: int) -> time:
    moment = datetime.combine(date(2000, 1, 3), opens) + timedelta(minutes=minutes)
    return moment.time()


@transaction.atomic
def plan_apply(
    *,
    office: Office,
    weekday: int,
    plan: Plan,
    valid_from: date,
    now: datetime,
    acting_user: Actor,
    based_on: str | None = None,
) -> PlanApplied:
    """From `valid_from` on, the weekday's appointments follow `plan`. `based_on`: the
    weekday's `selectors.rules_fingerprint` when the plan was computed; refused when the rules
    have changed since."""
    if based_on is not None and based_on != selectors.rules_fingerprint(office, weekday):
        raise PlanStale()
    opening = selectors.opening_by_weekday(office).get(weekday)
    if opening is None:
        raise PlanError(_("The office is closed on this weekday."), field="weekday")
    if valid_from.weekday() != weekday:
        raise PlanError(_("The first day must fall on the planned weekday."), field="valid_from")
    opens, open_minutes = opening
    specs = rules_from_plan(plan, open_minutes)
    wanted = {int(s) for spec in specs for s in spec.services}
    with scope(office=office.pk):
        services = {s.pk: s for s in Service.objects.filter(pk__in=wanted)}
    if len(services) != len(wanted):
        raise PlanError(_("The plan names a service this office does not know."))
    ended = kept = 0
    for rule in selectors.rules_on(office, valid_from):
        result = rule_services.availability_rule_end(
            rule=rule, last_day=valid_from - timedelta(days=1), now=now, acting_user=acting_user
        )
        ended += 1
        kept += result.seats_kept
    added = [
        rule_services.availability_rule_add(
            office=office,
            weekday=weekday,
            start=_at(opens, spec.start_minute),
            end=_at(opens, spec.end_minute),
            capacity_online=spec.capacity_online,
            capacity_staff=spec.capacity_staff,
            services=[services[int(s)] for s in sorted(spec.services)],
            valid_from=valid_from,
            acting_user=acting_user,
        )
        for spec in specs
    ]
    audit_record(
        office=office,
        acting_user=acting_user,
        action=PLAN_APPLIED,
        data={
            "weekday": weekday,
            "valid_from": valid_from.isoformat(),
            "plan": plan.describe(),
            "rules_ended": ended,
            "rules_added": [r.pk for r in added],
        },
    )
    return PlanApplied(ended, added, kept)
