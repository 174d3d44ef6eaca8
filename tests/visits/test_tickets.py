"""Issuing and checking in: numbering per group and day, quotas, hours, booking-code errors."""

from datetime import timedelta

import pytest
from django_scopes import scopes_disabled

from schalter.accounts.actors import CLIENT, COMMAND
from schalter.accounts.models import AuditEvent
from schalter.appointments.models import Status
from schalter.visits import errors, selectors, services
from schalter.visits.models import Priority, Ticket, TicketState
from tests.conftest import build_office
from tests.visits.conftest import walk_in

pytestmark = pytest.mark.django_db


def test_numbers_have_the_group_prefix_count_per_group_and_reset_daily(office, groups, now):
    codes = [walk_in(office, groups["A"], now).code for _ in range(3)]
    codes.append(walk_in(office, groups["B"], now).code)
    assert codes == ["A-001", "A-002", "A-003", "B-001"]
    tomorrow = now + timedelta(days=1)  # Tuesday, also open
    assert walk_in(office, groups["A"], tomorrow).code == "A-001"
    with scopes_disabled():
        assert AuditEvent.objects.filter(action="visits.ticket.issued").count() == 5


def test_walk_ins_respect_opening_hours_quota_and_appointment_only_groups(office, groups, now):
    with pytest.raises(errors.OfficeClosed):
        walk_in(office, groups["A"], now.replace(hour=12, minute=30))
    with pytest.raises(errors.OfficeClosed):
        walk_in(office, groups["A"], now + timedelta(days=2))  # Wednesday: closed all day
    walk_in(office, groups["B"], now)
    walk_in(office, groups["B"], now)
    with pytest.raises(errors.QuotaReached):
        walk_in(office, groups["B"], now)
    with scopes_disabled():
        groups["A"].walk_ins_allowed = False
        groups["A"].save()
    with pytest.raises(errors.WalkInsNotAllowed):
        walk_in(office, groups["A"], now)


def test_a_repeated_kiosk_post_returns_the_same_ticket(office, groups, now):
    kiosk, _ = services.kiosk_create(office=office, name="Eingang", acting_user=COMMAND)
    first = services.ticket_issue_walk_in(
        office=office, group=groups["A"], now=now, kiosk=kiosk, issue_key="k1", acting_user=CLIENT
    )
    again = services.ticket_issue_walk_in(
        office=office, group=groups["A"], now=now, kiosk=kiosk, issue_key="k1", acting_user=CLIENT
    )
    assert first.created and not again.created
    assert again.ticket.pk == first.ticket.pk
    # The token is random and only its hash is kept, so the repeat's answer carries one of its
    # own; the first answer's token opens the same ticket still.
    for token in (first.token, again.token):
        assert selectors.ticket_by_token(office, token).pk == first.ticket.pk
    with scopes_disabled():
        assert Ticket.objects.count() == 1


def test_token_opens_the_live_page_and_only_its_hash_is_stored(office, other_office, groups, now):
    issued = services.ticket_issue_walk_in(
        office=office, group=groups["A"], now=now, acting_user=CLIENT
    )
    assert issued.token not in issued.ticket.token_hash
    assert selectors.ticket_by_token(office, issued.token).pk == issued.ticket.pk
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.ticket_by_token(other_office, issued.token)


def test_check_in_by_booking_code(office, groups, now, book):
    appointment = book(now.replace(hour=9, minute=10))
    issued = services.ticket_check_in(
        office=office, code=appointment.code.lower(), now=now, language="tr", acting_user=CLIENT
    )
    ticket = issued.ticket
    assert ticket.code == "B-001"  # the residence-permit group
    assert ticket.appointment_id == appointment.pk and ticket.language == "tr"
    appointment.refresh_from_db()
    assert appointment.status == Status.ARRIVED
    with pytest.raises(errors.AlreadyCheckedIn):
        services.ticket_check_in(office=office, code=appointment.code, now=now, acting_user=CLIENT)


def test_check_in_errors(office, groups, now, book):
    with pytest.raises(errors.CodeUnknown):
        services.ticket_check_in(office=office, code="NOPE2345", now=now, acting_user=CLIENT)
    tomorrow = book(now.replace(hour=9, minute=0) + timedelta(days=1), "t@example.org")
    with pytest.raises(errors.CodeOtherDay):
        services.ticket_check_in(office=office, code=tomorrow.code, now=now, acting_user=CLIENT)
    today = book(now.replace(hour=9, minute=30), "o@example.org")
    elsewhere = build_office("wiesbaden")
    with pytest.raises(errors.CodeOtherOffice):
        services.ticket_check_in(office=elsewhere, code=today.code, now=now, acting_user=CLIENT)
    from schalter.appointments import services as booking

    booking.appointment_cancel(appointment=today, now=now - timedelta(days=1), acting_user=COMMAND)
    with pytest.raises(errors.CodeNotConfirmed):
        services.ticket_check_in(office=office, code=today.code, now=now, acting_user=CLIENT)
    with scopes_disabled():
        assert not Ticket.objects.exists()


def test_expected_wait_comes_from_open_desks_and_todays_service_times(
    office, groups, now, sessions
):
    # No desk open and nothing served yet: the booked length (15 min default) per client ahead.
    tickets = [walk_in(office, groups["A"], now) for _ in range(4)]
    assert [t.predicted_wait_minutes for t in tickets] == [0, 15, 30, 45]
    desk_sessions = sessions(2)
    position = selectors.ticket_position(tickets[3], now)
    assert (position.ahead, position.open_desks) == (3, 2)
    assert position.expected_wait_minutes == 23  # ceil(3 / 2 * 15)
    # Today's real service times replace the fallback: one client served in 6 minutes.
    called = services.ticket_call_next(desk_session=desk_sessions[0], now=now, acting_user=COMMAND)
    services.ticket_start(
        desk_session=desk_sessions[0], ticket=called, now=now, acting_user=COMMAND
    )
    services.ticket_finish(
        desk_session=desk_sessions[0],
        ticket=called,
        outcome="completed",
        now=now + timedelta(minutes=6),
        acting_user=COMMAND,
    )
    position = selectors.ticket_position(tickets[3], now)
    assert position.ahead == 2 and position.mean_service_minutes == 6
    assert position.expected_wait_minutes == 6  # ceil(2 / 2 * 6)
    assert selectors.prediction_errors(office, now.date()) == [0.0]


def test_state_starts_waiting(office, groups, now):
    assert walk_in(office, groups["A"], now).state == TicketState.WAITING


def test_the_place_shown_is_the_order_in_which_desks_call(office, groups, now, sessions, book):
    """Positions are counted in the database by the same rules the desks call by: a booked
    client due now first, then urgent and vulnerable clients, then everyone in order."""
    due_now = book(now.replace(hour=9, minute=10))
    groups["B"].daily_walk_in_quota = 0  # no limit
    groups["B"].save()
    tickets = [
        walk_in(office, groups["B"], now),
        walk_in(office, groups["B"], now + timedelta(minutes=1), priority=Priority.URGENT),
        walk_in(office, groups["B"], now + timedelta(minutes=2)),
        services.ticket_check_in(
            office=office, code=due_now.code, now=now, acting_user=CLIENT
        ).ticket,
        walk_in(office, groups["B"], now + timedelta(minutes=3), priority=Priority.VULNERABLE),
        walk_in(office, groups["B"], now + timedelta(minutes=4)),
    ]
    at = now + timedelta(minutes=5)
    shown = {selectors.ticket_position(t, at).ahead: t.code for t in tickets}
    assert sorted(shown) == list(range(len(tickets)))  # every place once
    (desk,) = sessions(1)
    called = []
    for _ in tickets:
        ticket = services.ticket_call_next(desk_session=desk, now=at, acting_user=COMMAND)
        called.append(ticket.code)
        services.ticket_start(desk_session=desk, ticket=ticket, now=at, acting_user=COMMAND)
        services.ticket_finish(
            desk_session=desk, ticket=ticket, outcome="completed", now=at, acting_user=COMMAND
        )
    assert called == [shown[place] for place in range(len(tickets))]
    assert called[:3] == [tickets[3].code, tickets[1].code, tickets[4].code]
