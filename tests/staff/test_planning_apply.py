"""The optimiser's best plans beside today's, and a team lead applying one after review
(docs/planning.md, "Optimiser"): the applied rules are the plan's, a stale plan is refused,
only team leads and office admins may apply."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from schalter.accounts.actors import COMMAND
from schalter.accounts.models import AuditEvent
from schalter.accounts.roles import Role
from schalter.appointments import services as booking
from schalter.appointments.models import AvailabilityRule
from schalter.offices.services import office_part_switch
from schalter.planning.actions import PLAN_APPLIED
from schalter.planning.optimiser import plan_from_rules
from schalter.planning.selectors import rule_specs_on, service_names, slot_minutes_by_service
from schalter.planning.words import plan_words
from tests.conftest import make_bookable

pytestmark = pytest.mark.django_db


@pytest.fixture
def planning_on(office):
    make_bookable(office, days=0)
    office_part_switch(office=office, name="planning", on=True, acting_user=COMMAND)


def plans_url(office) -> str:
    return f"/staff/{office.slug}/planning/plans/?weekday=0"


def apply_url(office) -> str:
    return f"/staff/{office.slug}/planning/apply/"


def first_payload(page: str) -> str:
    found = re.search(r'name="payload" value="([^"]+)"', page)
    assert found, page[:2000]
    return unescape(found.group(1))


def next_monday():
    today = timezone.localdate()
    return today + timedelta(days=(0 - today.weekday() - 1) % 7 + 1)


def test_the_best_plans_beside_todays_then_review_and_apply(office, planning_on, staff_client):
    client = staff_client(office, Role.TEAM_LEAD)
    page = client.get(plans_url(office), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'role="img"' in page and "<caption>" in page and "Today" in page
    payload = first_payload(page)
    review = client.post(apply_url(office), {"payload": payload}, HTTP_ACCEPT_LANGUAGE="en")
    assert review.status_code == 200
    text = review.content.decode()
    assert "New availability rules" in text and 'name="valid_from"' in text
    assert AuditEvent.objects.filter(action=PLAN_APPLIED).count() == 0  # a review writes nothing
    monday = next_monday()
    done = client.post(
        apply_url(office),
        {"payload": payload, "confirm": "1", "valid_from": monday.isoformat()},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert done.status_code == 303, done.content.decode()[:3000]
    event = AuditEvent.objects.get(action=PLAN_APPLIED)
    applied = plan_from_rules(rule_specs_on(office, monday), slot_minutes_by_service(office))
    assert applied.describe() == event.data["plan"]  # the rules are what the plan says
    shown = re.search(r'<p class="kern-body" id="plan-reviewed">([^<]+)</p>', text)
    assert shown and unescape(shown.group(1)) == plan_words(applied, service_names(office, "en"))


def test_a_stale_plan_is_refused_with_a_clear_message(office, planning_on, staff_client):
    client = staff_client(office, Role.OFFICE_ADMIN)
    payload = first_payload(client.get(plans_url(office)).content.decode())
    with scopes_disabled():
        rule = AvailabilityRule.objects.filter(office=office, weekday=0).first()
    booking.availability_rule_end(
        rule=rule, last_day=next_monday() + timedelta(days=14), now=timezone.now(),
        acting_user=COMMAND,
    )  # fmt: skip
    answer = client.post(
        apply_url(office),
        {"payload": payload, "confirm": "1", "valid_from": next_monday().isoformat()},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert answer.status_code == 409
    assert "have changed since this plan was computed" in answer.content.decode()
    assert not AuditEvent.objects.filter(action=PLAN_APPLIED).exists()


def test_only_team_leads_and_admins_apply_and_a_forged_plan_is_refused(
    office, planning_on, staff_client
):
    payload = first_payload(
        staff_client(office, Role.TEAM_LEAD).get(plans_url(office)).content.decode()
    )
    body = {"payload": payload, "confirm": "1", "valid_from": next_monday().isoformat()}
    for role in (Role.CASEWORKER, Role.FRONT_DESK):
        assert staff_client(office, role).post(apply_url(office), body).status_code == 403
    assert not AuditEvent.objects.filter(action=PLAN_APPLIED).exists()
    forged = {**body, "payload": payload[:-4] + ("AAAA" if payload[-4:] != "AAAA" else "BBBB")}
    client = staff_client(office, Role.TEAM_LEAD)
    assert client.post(apply_url(office), forged).status_code == 400
    assert not AuditEvent.objects.filter(action=PLAN_APPLIED).exists()
