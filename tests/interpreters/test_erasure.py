"""Retention of interpreting assignments: after the office's retention period (its rule for
appointment data) a finished assignment loses the client's first name and the joining details;
the fee statement and the insights roll-ups give the same figures afterwards."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django_scopes import scopes_disabled

from schalter.accounts.models import AuditEvent
from schalter.appointments.selectors import policy_of
from schalter.insights.part_figures import interpreter_months
from schalter.insights.part_rollups import interpreters_day_rollup
from schalter.interpreters import actions
from schalter.interpreters.models import Assignment, AssignmentState, Interpreter
from schalter.interpreters.selectors import assignment_fee, cost_report
from schalter.offices import retention
from schalter.privacy.retention import retention_report

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
DAY = date(2026, 3, 3)


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, 3, hour, minute, tzinfo=BERLIN)


def assignment(office, interpreter, start, end, state, **extra):
    with scopes_disabled():
        made = Assignment.objects.create(
            office=office,
            interpreter=interpreter,
            language="fa",
            mode="phone",
            start=start,
            end=end,
            engaged_on=start.date(),
            reported_start=start,
            reported_end=end,
            state=state,
            client_first_name="Farid",
            joining_details="+49 151 2345678",
            place="Raum 2",
            **extra,
        )
        made.refresh_from_db()  # the figures compare the values as read back
        return made


def test_finished_assignments_lose_the_clients_data_and_keep_their_figures(office):
    office.parts = [*office.parts, "interpreters"]
    office.save(update_fields=["parts"])
    amina = Interpreter.objects.create(name="Amina", email="amina@example.org", languages=["fa"])
    reported = assignment(
        office, amina, at(9), at(10, 20), AssignmentState.REPORTED, km=Decimal(12)
    )
    cancelled = assignment(
        office, amina, at(11), at(12), AssignmentState.CANCELLED, cancelled_on=DAY
    )
    waiting = assignment(office, amina, at(14), at(15), AssignmentState.CONFIRMED)  # unreported
    interpreters_day_rollup(office=office, day=DAY)
    fee, report = assignment_fee(reported), cost_report(office, DAY)
    (month,) = interpreter_months(office, DAY, DAY)

    days = policy_of(office).retention_days
    early = at(16) + timedelta(days=days - 1)
    assert retention.personal_data_erase(office=office, now=early) == 0  # not yet due
    later = at(16) + timedelta(days=days + 1)
    (row,) = [
        row
        for row in retention_report(office=office, now=later, erasers=retention.eraser_names())
        if row.eraser == "interpreters"
    ]
    assert row.due == 2
    assert retention.personal_data_erase(office=office, now=later) == 2

    with scopes_disabled():
        for done in (reported, cancelled):
            done.refresh_from_db()
            assert (done.client_first_name, done.joining_details) == ("", "")
            assert (
                done.language == "fa"
                and done.mode == "phone"
                and done.start == at(11 if done == cancelled else 9)
            )
        waiting.refresh_from_db()
        assert waiting.client_first_name == "Farid"  # she has still to report it
        assert AuditEvent.objects.filter(action=actions.ASSIGNMENTS_ERASED).count() == 1
    assert assignment_fee(reported) == fee
    assert cost_report(office, DAY) == report
    interpreters_day_rollup(office=office, day=DAY)
    assert interpreter_months(office, DAY, DAY) == [month]
    assert retention.personal_data_erase(office=office, now=later) == 0  # nothing left
