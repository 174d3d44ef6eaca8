"""Wait anywhere: a client leaves her mobile number on the live ticket page and gets one text
message, through a real local HTTP gateway, when her turn is near."""

import re
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone, translation
from django_scopes import scopes_disabled
from django_tasks_db.models import DBTaskResult

from schalter.accounts.actors import CLIENT, COMMAND, SCHEDULER
from schalter.visits import errors, services
from schalter.visits.errors import InvalidMobile
from schalter.visits.models import ServiceGroup, Ticket, TicketState
from tests.visits.conftest import walk_in

pytestmark = pytest.mark.django_db

MOBILE = "0151 23456789"
MOBILE_E164 = "+4915123456789"


@pytest.fixture
def queue(office, groups, now):
    """Six walk-ins in group A, one minute apart; the last one took hers in Arabic."""
    issued = [
        services.ticket_issue_walk_in(
            office=office, group=groups["A"], now=now + timedelta(minutes=i), acting_user=CLIENT
        )
        for i in range(5)
    ]
    issued.append(
        services.ticket_issue_walk_in(
            office=office,
            group=groups["A"],
            now=now + timedelta(minutes=5),
            language="ar",
            acting_user=CLIENT,
        )
    )
    return issued


@pytest.fixture
def desk(sessions):
    return sessions(1)[0]


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run what the services queue for after the commit, as a real request would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def serve_next(desk, now):
    """Call the next client, serve and finish her: the queue moves up by one."""
    ticket = services.ticket_call_next(desk_session=desk, now=now, acting_user=COMMAND)
    services.ticket_start(desk_session=desk, ticket=ticket, now=now, acting_user=COMMAND)
    services.ticket_finish(
        desk_session=desk, ticket=ticket, outcome="completed", now=now, acting_user=COMMAND
    )
    return ticket


def fresh(ticket) -> Ticket:
    with scopes_disabled():
        return Ticket.objects.get(pk=ticket.pk)


def tell_when_ahead(group, clients: int) -> None:
    with scopes_disabled():
        ServiceGroup.objects.filter(pk=group.pk).update(notify_when_ahead=clients)


def csrf_token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_leaving_and_withdrawing_a_number_on_the_ticket_page(queue, now, sms_gateway, on_commit):
    issued = queue[-1]  # five clients ahead, more than the three the group tells at
    url = f"/en/giessen/ticket/{issued.token}/"
    client = Client(enforce_csrf_checks=True)
    with time_machine.travel(now + timedelta(minutes=6), tick=False):
        page = client.get(url).content.decode()
        assert "Text me when my turn is near" in page and 'type="tel"' in page
        assert client.post(f"{url}notify/", {"phone": MOBILE}).status_code == 403  # no CSRF
        with on_commit():
            left = client.post(
                f"{url}notify/", {"phone": MOBILE, "csrfmiddlewaretoken": csrf_token(page)}
            )
        assert (left.status_code, left["Location"]) == (302, url)
        assert fresh(issued.ticket).notify_phone == MOBILE_E164
        page = client.get(url).content.decode()
        assert "We will send you a text message when 3 clients are ahead of you." in page
        assert MOBILE_E164 not in page and "23456789" not in page  # nothing personal shown
        assert sms_gateway.received == []  # still five ahead
        withdrawn = client.post(
            f"{url}notify/", {"action": "withdraw", "csrfmiddlewaretoken": csrf_token(page)}
        )
        assert withdrawn.status_code == 302
    assert fresh(issued.ticket).notify_phone == ""


def test_an_invalid_number_is_refused_next_to_the_field_in_turkish(queue, now, sms_gateway):
    issued = queue[-1]
    with time_machine.travel(now + timedelta(minutes=6), tick=False):
        response = Client().post(f"/tr/giessen/ticket/{issued.token}/notify/", {"phone": "12345"})
    with translation.override("tr"):
        message = str(InvalidMobile.message)
    with translation.override("en"):
        assert message != str(InvalidMobile.message)  # really Turkish
    page = response.content.decode()
    assert response.status_code == 422
    assert re.search(r'id="notify-phone-error"[^>]*>' + re.escape(message), page)
    assert 'aria-invalid="true"' in page and 'value="12345"' in page
    assert fresh(issued.ticket).notify_phone == ""


def test_one_text_message_in_the_tickets_language_when_three_are_ahead(
    office, queue, now, desk, sms_gateway, on_commit
):
    office.name = {**office.name, "ar": "دائرة الأجانب في غيسن"}
    office.save(update_fields=["name"])
    issued = queue[-1]
    with on_commit():
        services.ticket_notify_set(ticket=issued.ticket, phone=MOBILE, acting_user=CLIENT)
    at = now + timedelta(minutes=10)
    with time_machine.travel(at, tick=False):
        with on_commit():
            serve_next(desk, at)  # four ahead
        assert sms_gateway.received == []
        with on_commit():
            serve_next(desk, at)  # three ahead: the message goes
        assert len(sms_gateway.received) == 1
        for _ in range(3):  # and never again
            with on_commit():
                serve_next(desk, at)
    assert len(sms_gateway.received) == 1
    authorization, message = sms_gateway.received[0]
    ticket = fresh(issued.ticket)
    assert authorization == "Bearer k3y" and message["to"] == MOBILE_E164
    assert message["text"] == services.near_text(ticket, 3, "ar")
    assert "دائرة الأجانب في غيسن" in message["text"] and "A-006" in message["text"]
    assert ticket.notify_phone == "" and ticket.notified_at is not None  # number erased
    with time_machine.travel(at, tick=False):
        page = Client().get(f"/en/giessen/ticket/{issued.token}/").content.decode()
    assert "We have sent you a text message." in page


def test_a_client_already_near_the_front_gets_the_message_at_once(
    queue, now, sms_gateway, on_commit
):
    with on_commit():
        services.ticket_notify_set(
            ticket=queue[2].ticket, phone=MOBILE, acting_user=CLIENT
        )  # two ahead
    assert len(sms_gateway.received) == 1
    assert "A-003" in sms_gateway.received[0][1]["text"]
    assert sms_gateway.received[0][1]["text"] == services.near_text(queue[2].ticket, 2, "de")
    # The message went: no second number on this ticket.
    with pytest.raises(errors.WrongState):
        services.ticket_notify_set(ticket=queue[2].ticket, phone=MOBILE, acting_user=CLIENT)


def test_a_gateway_down_never_breaks_the_call_and_the_next_change_tries_again(
    queue, now, desk, sms_gateway, on_commit, settings
):
    with socket.socket() as unused:  # a port nobody listens on: the gateway is down
        unused.bind(("127.0.0.1", 0))
        down = f"http://127.0.0.1:{unused.getsockname()[1]}/send"
    working, settings.SCHALTER_SMS_URL = settings.SCHALTER_SMS_URL, down
    issued = queue[3]  # three ahead
    with on_commit():
        services.ticket_notify_set(ticket=issued.ticket, phone=MOBILE, acting_user=CLIENT)
    ticket = fresh(issued.ticket)
    assert ticket.notify_phone == MOBILE_E164 and ticket.notified_at is None  # not sent, kept
    with on_commit():
        called = services.ticket_call_next(desk_session=desk, now=now, acting_user=COMMAND)
    assert called.pk == queue[0].ticket.pk and fresh(called).state == TicketState.CALLED
    settings.SCHALTER_SMS_URL = working
    with on_commit():  # the desk serves its client: nobody waiting moved, no new try
        started = services.ticket_start(
            desk_session=desk, ticket=called, now=now, acting_user=COMMAND
        )
        services.ticket_finish(
            desk_session=desk, ticket=started, outcome="completed", now=now, acting_user=COMMAND
        )
    assert sms_gateway.received == []
    with on_commit():
        services.ticket_call_next(desk_session=desk, now=now, acting_user=COMMAND)
    assert len(sms_gateway.received) == 1  # the queue moved again: tried once the gateway was back
    assert fresh(issued.ticket).notify_phone == ""


def test_a_failing_gateway_is_tried_three_times_then_the_number_is_erased(
    office, queue, now, desk, sms_gateway, on_commit
):
    sms_gateway.status = 503
    ticket = queue[1].ticket
    with time_machine.travel(now, tick=False):
        with on_commit():
            services.ticket_notify_set(ticket=ticket, phone=MOBILE, acting_user=CLIENT)  # try 1
        for _ in range(2):  # tries 2 and 3
            assert (
                services.tickets_notify_near(
                    office=office, group=ticket.group, now=now, acting_user=SCHEDULER
                )
                == 0
            )
        assert fresh(ticket).notify_phone == MOBILE_E164
        sms_gateway.status = 202
        assert (
            services.tickets_notify_near(
                office=office, group=ticket.group, now=now, acting_user=SCHEDULER
            )
            == 0
        )
    assert sms_gateway.received == []
    assert fresh(ticket).notify_phone == ""


def test_two_checks_at_once_send_once(queue, now, sms_gateway):
    ticket = queue[0].ticket
    with scopes_disabled():
        Ticket.objects.filter(pk=ticket.pk).update(notify_phone=MOBILE_E164)
    sent = [
        services.tickets_notify_near(
            office=ticket.office, group=ticket.group, now=now, acting_user=SCHEDULER
        )
        for _ in range(2)
    ]
    assert sent == [1, 0] and len(sms_gateway.received) == 1


def test_a_claim_left_by_a_process_that_died_before_sending_is_retried(queue, now, sms_gateway):
    ticket = queue[0].ticket
    claimed_at = now - timedelta(minutes=1)
    with scopes_disabled():  # claimed, the number still there: the send never finished
        Ticket.objects.filter(pk=ticket.pk).update(notify_phone=MOBILE_E164, notified_at=claimed_at)

    def check(at):
        return services.tickets_notify_near(
            office=ticket.office, group=ticket.group, now=at, acting_user=SCHEDULER
        )

    assert check(now) == 0  # a recent claim may still be sending
    assert check(claimed_at + services.SMS_CLAIM_EXPIRES + timedelta(seconds=1)) == 1
    assert len(sms_gateway.received) == 1 and fresh(ticket).notify_phone == ""
    assert check(now + timedelta(hours=1)) == 0  # sent: never again


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_eight_checks_in_parallel_send_once(queue, now, sms_gateway):
    if connection.vendor != "postgresql":
        pytest.skip("parallel claims need PostgreSQL; `make test` runs this there")
    ticket = queue[0].ticket
    with scopes_disabled():
        Ticket.objects.filter(pk=ticket.pk).update(notify_phone=MOBILE_E164)
    start = threading.Barrier(8)

    def check(_):
        try:
            start.wait()
            return services.tickets_notify_near(
                office=ticket.office, group=ticket.group, now=now, acting_user=SCHEDULER
            )
        finally:
            connection.close()  # this thread's own connection

    with ThreadPoolExecutor(max_workers=8) as pool:
        sent = list(pool.map(check, range(8)))
    assert sorted(sent) == [0] * 7 + [1] and len(sms_gateway.received) == 1


def test_unknown_or_other_offices_token_cannot_leave_a_number(
    queue, now, other_office, sms_gateway
):
    token = queue[-1].token
    with time_machine.travel(now + timedelta(minutes=6), tick=False):
        unknown = Client().post(f"/en/giessen/ticket/{token[:-1]}x/notify/", {"phone": MOBILE})
        elsewhere = Client().post(f"/en/darmstadt/ticket/{token}/notify/", {"phone": MOBILE})
        assert Client().get(f"/en/giessen/ticket/{token}/notify/").status_code == 405
    assert (unknown.status_code, elsewhere.status_code) == (404, 404)
    with scopes_disabled():
        assert not Ticket.objects.exclude(notify_phone="").exists()


def test_no_message_for_a_called_or_parked_ticket_and_the_number_goes_when_done(
    office, groups, queue, now, desk, sms_gateway, on_commit
):
    tell_when_ahead(groups["A"], 0)
    sms_gateway.status = 503  # the message for the first client fails …
    first = queue[0].ticket
    with on_commit():
        services.ticket_notify_set(ticket=first, phone=MOBILE, acting_user=CLIENT)
    sms_gateway.status = 202
    with on_commit():
        called = services.ticket_call_next(
            desk_session=desk, now=now, acting_user=COMMAND
        )  # … and she is called
    assert called.pk == first.pk
    with on_commit():
        services.ticket_park(desk_session=desk, ticket=called, now=now, acting_user=COMMAND)
    with on_commit():
        services.ticket_recall(desk_session=desk, ticket=called, now=now, acting_user=COMMAND)
    with on_commit():
        services.ticket_start(desk_session=desk, ticket=called, now=now, acting_user=COMMAND)
    assert sms_gateway.received == []  # called or parked: too late for "your turn is near"
    assert fresh(first).notify_phone == MOBILE_E164
    with on_commit():
        services.ticket_finish(
            desk_session=desk, ticket=called, outcome="completed", now=now, acting_user=COMMAND
        )
    assert fresh(first).notify_phone == ""  # the visit is over: the number goes
    with time_machine.travel(now, tick=False):
        page = Client().get(f"/en/giessen/ticket/{queue[0].token}/").content.decode()
    assert "Text me when my turn is near" not in page


def test_the_number_from_the_booking_can_be_used(office, groups, now, book, sms_gateway):
    appointment = book(now + timedelta(hours=2), "mehmet@example.org", phone=MOBILE)
    issued = services.ticket_check_in(
        office=office, code=appointment.code, now=now, acting_user=CLIENT
    )
    assert issued.ticket.group_id == groups["B"].pk
    tell_when_ahead(groups["B"], 1)
    for minutes in (5, 4):  # two walk-ins came earlier, so the message is not due yet
        walk_in(office, groups["B"], now - timedelta(minutes=minutes))
    url = f"/en/giessen/ticket/{issued.token}/"
    with time_machine.travel(now, tick=False):
        client = Client()
        assert "Use the mobile number from my booking" in client.get(url).content.decode()
        response = client.post(f"{url}notify/", {"action": "booking"})
    assert response.status_code == 302
    assert fresh(issued.ticket).notify_phone == MOBILE_E164
    assert MOBILE_E164 not in client.get(url).content.decode()


def test_numbers_left_on_past_days_are_erased_by_the_tick(queue, now):
    ticket = queue[-1].ticket
    with scopes_disabled():
        Ticket.objects.filter(pk=ticket.pk).update(notify_phone=MOBILE_E164)
    with time_machine.travel(now + timedelta(days=1), tick=False):
        call_command("appointments_tick")
    assert fresh(ticket).notify_phone == ""


def test_leaving_numbers_is_rate_limited_per_ticket(queue, now):
    url = f"/en/giessen/ticket/{queue[-1].token}/notify/"
    with time_machine.travel(now, tick=False):
        answers = [Client().post(url, {"phone": "12"}).status_code for _ in range(11)]
    assert answers == [422] * 10 + [429]


@pytest.mark.django_db(transaction=True)  # the worker takes its own connection
def test_with_a_worker_the_desk_request_only_queues_the_text_message(
    queue, desk, sms_gateway, on_commit, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    issued = queue[3]  # three ahead
    with on_commit():
        services.ticket_notify_set(ticket=issued.ticket, phone=MOBILE, acting_user=CLIENT)
    with on_commit():
        services.ticket_call_next(desk_session=desk, now=timezone.now(), acting_user=COMMAND)
    assert sms_gateway.received == []  # a broken gateway could not have held up the call
    assert DBTaskResult.objects.filter(task_path__endswith="tickets_notify_near_task").exists()
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert [message["to"] for _auth, message in sms_gateway.received] == [MOBILE_E164]
    assert sms_gateway.received[0][1]["text"] == services.near_text(issued.ticket, 3, "de")
    assert fresh(issued.ticket).notify_phone == ""
