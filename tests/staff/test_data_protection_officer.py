"""The data-protection officer of an office reads its audit log and the subject-access page
(who read client records, the export for a person who asked) and nothing else: every other
staff URL of the office answers 403 (or 404/405), by GET and by POST, and changes nothing
(issue 13, item 4)."""

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from schalter.accounts.roles import CAPABILITIES, Role
from schalter.accounts.roles import Capability as C
from tests.conftest import sign_in
from tests.staff.test_tenancy_walk import (
    MONDAY_9,
    STAFF_WALK,
    changed_tables,
    fingerprint,
    world_of,
)

pytestmark = pytest.mark.django_db

HERS = {C.VIEW_PRIVACY, C.VIEW_AUDIT, C.VIEW_RETENTION}


def test_her_role_holds_exactly_the_audit_log_and_the_privacy_and_retention_reports():
    assert CAPABILITIES[Role.DATA_PROTECTION_OFFICER] == HERS


def test_she_opens_the_audit_log_and_privacy_pages_and_nothing_else(office, make_staff):
    problems = []
    with time_machine.travel(MONDAY_9, tick=True):
        world = world_of(office, make_staff)
        officer = sign_in(Client(), make_staff(office, Role.DATA_PROTECTION_OFFICER))
        # Signed in, she lands on the first page she may open, not on the overview.
        landing = officer.get("/staff/")
        assert landing.status_code == 302 and landing.url == f"/staff/{office.slug}/audit/"
        before = fingerprint()
        for route, walks in STAFF_WALK.items():
            for walk in walks:
                url = reverse(route, kwargs={"office": office.slug, **walk.ids(world)}) + walk.query
                mine = walk.capability in HERS
                if "GET" in walk.methods:
                    status = officer.get(url).status_code
                    if status != (200 if mine else 403):
                        problems.append(f"GET {route}: {status}")
                if walk.bodies is not None and not mine:
                    for body in walk.bodies(world):
                        for value in body.values():
                            if hasattr(value, "seek"):
                                value.seek(0)
                        status = officer.post(url, body).status_code
                        if status not in {403, 404, 405}:
                            problems.append(f"POST {route} {body}: {status}")
        changed = changed_tables(before, fingerprint())
    assert problems == [], "\n".join(problems)
    assert changed == []
