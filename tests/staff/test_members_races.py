"""Two admins of an office step down at the same moment, each relying on the other: exactly one
succeeds and the office keeps an admin (accounts/members.py locks the office's row while it
checks). PostgreSQL only: SQLite has one writer at a time anyway."""

import threading

import pytest
from django.db import connection, connections

from schalter.accounts.members import MemberRefusal, member_roles_set
from schalter.accounts.roles import Role
from schalter.accounts.selectors import active_admins_of
from tests.conftest import build_office

ROUNDS = 6


@pytest.fixture(autouse=True)
def postgres_only(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("the last-admin race needs PostgreSQL's row locks; `make test` runs it there")


def test_two_admins_stepping_down_at_once_leave_one_admin(make_staff):
    office = build_office("giessen")
    for _round in range(ROUNDS):
        admins = [make_staff(office, Role.OFFICE_ADMIN) for _ in range(2)]
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def step_down(admin, barrier=barrier, outcomes=outcomes) -> None:
            try:
                barrier.wait()
                member_roles_set(
                    office=office, user=admin, roles={Role.CASEWORKER}, acting_user=admin
                )
                outcomes.append("done")
            except MemberRefusal:
                outcomes.append("refused")
            finally:
                connections.close_all()

        threads = [threading.Thread(target=step_down, args=(a,)) for a in admins]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["done", "refused"]
        assert len(active_admins_of(office=office)) == 1
        # The next round: the remaining admin steps aside for two new ones.
        for user_id in active_admins_of(office=office):
            office.memberships.filter(user_id=user_id).update(role=Role.CASEWORKER)
