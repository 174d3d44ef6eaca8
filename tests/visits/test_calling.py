"""Calling at the desk: priority order, recall until missed, park, transfer, leaving a desk."""

from datetime import timedelta

import pytest
from django_scopes import scopes_disabled

from schalter.accounts.actors import CLIENT, COMMAND
from schalter.visits import errors, services
from schalter.visits.models import CallEvent, Priority, TicketState
from tests.visits.conftest import walk_in

pytestmark = pytest.mark.django_db


def call(session, now):
    return services.ticket_call_next(desk_session=session, now=now, acting_user=COMMAND)


def test_priority_order(office, groups, now, sessions, book):
    plain_1 = walk_in(office, groups["A"], now - timedelta(minutes=30))
    plain_2 = walk_in(office, groups["A"], now - timedelta(minutes=20))
    urgent = walk_in(office, groups["A"], now - timedelta(minutes=10), priority=Priority.URGENT)
    vulnerable = walk_in(
        office, groups["B"], now - timedelta(minutes=5), priority=Priority.VULNERABLE
    )
    later_appointment = services.ticket_check_in(
        office=office,
        code=book(now + timedelta(minutes=60), "l@example.org").code,
        now=now,
        acting_user=CLIENT,
    ).ticket
    due_appointment = services.ticket_check_in(
        office=office,
        code=book(now + timedelta(minutes=10), "d@example.org").code,
        now=now,
        acting_user=CLIENT,
    ).ticket
    session = sessions(1)[0]
    order = []
    for _ in range(6):
        ticket = call(session, now)
        order.append(ticket.code)
        services.ticket_start(desk_session=session, ticket=ticket, now=now, acting_user=COMMAND)
        services.ticket_finish(
            desk_session=session, ticket=ticket, outcome="completed", now=now, acting_user=COMMAND
        )
    expected = [due_appointment, urgent, vulnerable, plain_1, plain_2, later_appointment]
    assert order == [t.code for t in expected]
    assert call(session, now) is None


def test_a_desk_serves_one_client_at_a_time_and_desks_never_share(office, groups, now, sessions):
    first, second = walk_in(office, groups["A"], now), walk_in(office, groups["A"], now)
    desk_1, desk_2 = sessions(2)
    assert call(desk_1, now).pk == first.pk
    with pytest.raises(errors.DeskBusy):
        call(desk_1, now)
    assert call(desk_2, now).pk == second.pk
    # The same person taking her desk again keeps her session.
    again = services.desk_session_open(
        office=office, desk=desk_1.desk, user=desk_1.user, now=now, acting_user=desk_1.user
    )
    assert again.pk == desk_1.pk
    with pytest.raises(errors.NotAtDesk):
        services.ticket_start(desk_session=desk_2, ticket=first, now=now, acting_user=COMMAND)


def test_recall_three_times_then_missed(office, groups, now, sessions):
    walk_in(office, groups["A"], now)
    session = sessions(1)[0]
    ticket = call(session, now)
    for expected_calls in (2, 3):
        ticket = services.ticket_recall(
            desk_session=session, ticket=ticket, now=now, acting_user=COMMAND
        )
        assert (ticket.state, ticket.call_count) == (TicketState.CALLED, expected_calls)
    ticket = services.ticket_recall(
        desk_session=session, ticket=ticket, now=now, acting_user=COMMAND
    )
    assert ticket.state == TicketState.MISSED
    with scopes_disabled():
        kinds = list(CallEvent.objects.order_by("id").values_list("kind", "desk__number"))
    assert kinds == [("call", 1), ("recall", 1), ("recall", 1), ("missed", 1)]
    with pytest.raises(errors.WrongState):
        services.ticket_recall(desk_session=session, ticket=ticket, now=now, acting_user=COMMAND)


def test_park_and_recall_then_finish(office, groups, now, sessions):
    walk_in(office, groups["A"], now)
    session = sessions(1)[0]
    ticket = call(session, now)
    services.ticket_start(desk_session=session, ticket=ticket, now=now, acting_user=COMMAND)
    ticket = services.ticket_park(desk_session=session, ticket=ticket, now=now, acting_user=COMMAND)
    assert ticket.state == TicketState.PARKED
    walk_in(office, groups["A"], now)
    other = call(session, now)  # the desk serves the next client meanwhile
    services.ticket_no_show(desk_session=session, ticket=other, now=now, acting_user=COMMAND)
    ticket = services.ticket_recall(
        desk_session=session, ticket=ticket, now=now, acting_user=COMMAND
    )
    assert ticket.state == TicketState.CALLED
    services.ticket_start(desk_session=session, ticket=ticket, now=now, acting_user=COMMAND)
    ticket = services.ticket_finish(
        desk_session=session,
        ticket=ticket,
        outcome="documents_missing",
        now=now,
        acting_user=COMMAND,
    )
    assert (ticket.state, ticket.outcome) == (TicketState.DONE, "documents_missing")
    with pytest.raises(errors.WrongState):
        services.ticket_finish(
            desk_session=session, ticket=ticket, outcome="bogus", now=now, acting_user=COMMAND
        )


def test_transfer_to_a_desk_or_a_group(office, groups, now, sessions):
    walk_in(office, groups["A"], now)
    walk_in(office, groups["A"], now)
    desk_1, desk_2 = sessions(2)
    ticket = call(desk_1, now)
    services.ticket_transfer(
        desk_session=desk_1, ticket=ticket, to_desk=desk_2.desk, now=now, acting_user=COMMAND
    )
    # Desk 1 cannot call it back; desk 2 gets it before the next walk-in.
    assert call(desk_1, now).pk != ticket.pk
    assert call(desk_2, now).pk == ticket.pk
    services.ticket_transfer(
        desk_session=desk_2, ticket=ticket, to_group=groups["B"], now=now, acting_user=COMMAND
    )
    ticket.refresh_from_db()
    assert (ticket.state, ticket.group_id, ticket.desk_id) == (
        TicketState.TRANSFERRED,
        groups["B"].pk,
        None,
    )
    assert call(desk_2, now).pk == ticket.pk


def test_a_ticket_keeps_its_code_in_a_group_that_has_the_same_number(office, groups, now, sessions):
    walk_in(office, groups["A"], now)
    waiting_in_b = walk_in(office, groups["B"], now)
    (desk,) = sessions(1)
    ticket = call(desk, now)
    assert (ticket.number, waiting_in_b.number) == (1, 1)
    services.ticket_transfer(
        desk_session=desk, ticket=ticket, to_group=groups["B"], now=now, acting_user=COMMAND
    )
    ticket.refresh_from_db()
    assert (ticket.group_id, ticket.code) == (groups["B"].pk, "A-001")


def test_leaving_a_desk_mid_call_puts_the_client_back_in_the_queue(
    office, groups, now, sessions, make_staff
):
    walk_in(office, groups["A"], now)
    session = sessions(1)[0]
    ticket = call(session, now)
    someone_else = make_staff(office, "caseworker")
    with pytest.raises(errors.DeskTaken):
        services.desk_session_open(
            office=office, desk=session.desk, user=someone_else, now=now, acting_user=someone_else
        )
    services.desk_session_close(session=session, now=now, acting_user=COMMAND)
    ticket.refresh_from_db()
    assert (ticket.state, ticket.desk_id) == (TicketState.WAITING, None)
    with pytest.raises(errors.NotAtDesk):
        call(session, now)
