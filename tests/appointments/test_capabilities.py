"""Links handed to people are random and kept only as hashes (docs/capabilities.md): the secret
key computes none of them, each mail carries a link issued for it, a confirmation link works
once, links sent before links became random work until their appointment has passed, and no
raw token waits in a task's arguments."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_scopes import scopes_disabled
from django_tasks_db.models import DBTaskResult

from schalter.accounts.actors import COMMAND
from schalter.appointments import selectors, services
from schalter.appointments.errors import TokenInvalid
from schalter.appointments.models import Appointment, AppointmentLink, Status
from schalter.appointments.reminders import reminders_send
from schalter.appointments.retention import personal_data_purge
from schalter.tokens import token_hash
from tests.appointments.links import mail_token

pytestmark = pytest.mark.django_db


def old_token(purpose: str, code: str) -> str:
    """How manage and confirm tokens were made before: an HMAC of the booking code under the
    secret key, which anyone who knows the key could compute."""
    salt = f"schalter.appointments.{purpose}"
    return salted_hmac(salt, code, algorithm="sha256").hexdigest()[:40]


def free_starts(office, service, now):
    offered = selectors.offered_service(office, service.pk)
    return [
        f.start
        for f in selectors.free_times(
            office, offered, now.date(), now.date() + timedelta(days=14), now=now
        )
    ]


def book(office, service, now, *, start=None):
    return services.appointment_book(
        office=office,
        service=service,
        start=start or free_starts(office, service, now)[0],
        name="Lina Haddad",
        email="lina@example.org",
        now=now,
        acting_user=COMMAND,
    )


def opens(appointment: Appointment, token: str, now=None) -> bool:
    try:
        selectors.appointment_by_token(code=appointment.code, manage_token=token, now=now)
    except TokenInvalid:
        return False
    return True


def test_the_secret_key_computes_no_token_of_a_new_booking(office, bookable):
    now = timezone.now()
    booked = book(office, bookable["short"], now)
    code = booked.appointment.code
    assert not opens(booked.appointment, old_token("manage", code))
    with pytest.raises(TokenInvalid):
        selectors.appointment_by_confirm_token(code=code, confirm_token=old_token("confirm", code))
    assert opens(booked.appointment, booked.manage_token)
    # Nothing but hashes is stored, and the tokens are not derived from the code.
    with scopes_disabled():
        stored = list(AppointmentLink.objects.values_list("token_hash", flat=True))
    assert sorted(stored) == sorted(
        token_hash(t) for t in (booked.manage_token, booked.confirm_token)
    )
    assert code not in booked.manage_token and booked.manage_token != booked.confirm_token
    page = Client().get(f"/de/giessen/book/manage/{code}/{old_token('manage', code)}/")
    assert page.status_code == 403


def test_every_later_mail_carries_a_link_of_its_own_that_opens_the_appointment(
    office, bookable, mailoutbox, django_capture_on_commit_callbacks
):
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        booked = book(office, bookable["short"], now)
    appointment = booked.appointment
    request = mailoutbox[-1]
    confirm = mail_token(request, "confirm")
    assert confirm != booked.confirm_token
    with django_capture_on_commit_callbacks(execute=True):
        shown_next = services.appointment_confirm(
            appointment=appointment, confirm_token=confirm, now=now, acting_user=COMMAND
        )
    later = free_starts(office, bookable["short"], now)[5]
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_reschedule(
            appointment=appointment, start=later, now=now, acting_user=COMMAND
        )
    with django_capture_on_commit_callbacks(execute=True):  # reminders go after their commit
        assert reminders_send(office=office, now=later - timedelta(hours=1)) == 1
    assert len(mailoutbox) == 4  # asked to confirm, confirmed, moved, reminded
    tokens = [booked.manage_token, shown_next] + [mail_token(m, "manage") for m in mailoutbox]
    assert len(set(tokens)) == len(tokens)  # each answer and each mail its own
    for token in tokens:
        assert opens(appointment, token)
        response = Client().get(f"/de/giessen/book/manage/{appointment.code}/{token}/")
        assert response.status_code == 200


def test_a_confirmation_link_works_once(
    office, bookable, mailoutbox, django_capture_on_commit_callbacks
):
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        booked = book(office, bookable["short"], now)
    token = mail_token(mailoutbox[-1], "confirm")
    path = f"/de/giessen/book/confirm/{booked.appointment.code}/{token}/"
    client = Client()
    assert client.post(path).status_code == 302
    assert client.post(path).status_code == 403
    with pytest.raises(TokenInvalid):  # nor does the booking's own, once one was used
        services.appointment_confirm(
            appointment=booked.appointment,
            confirm_token=booked.confirm_token,
            now=now,
            acting_user=COMMAND,
        )
    with scopes_disabled():
        assert Appointment.objects.get().status == Status.CONFIRMED
        assert not AppointmentLink.objects.filter(purpose="confirm", used_at=None).exists()


def test_a_link_sent_before_links_became_random_works_until_the_appointment_has_passed(
    office, bookable
):
    now = timezone.now()
    appointment = book(office, bookable["short"], now).appointment
    legacy = old_token("manage", appointment.code)
    with scopes_disabled():  # as a booking made before the change stored it
        Appointment.objects.filter(pk=appointment.pk).update(manage_token_hash=token_hash(legacy))
        appointment.refresh_from_db()
    assert opens(appointment, legacy, now)
    assert opens(appointment, legacy, appointment.end - timedelta(seconds=1))
    after = appointment.end + timedelta(seconds=1)
    assert not opens(appointment, legacy, after)
    personal_data_purge(office=office, now=after, acting_user=COMMAND)  # the tick clears it
    with scopes_disabled():
        appointment.refresh_from_db()
        assert appointment.manage_token_hash == ""
        assert not AppointmentLink.objects.filter(appointment=appointment).exists()
    assert not opens(appointment, legacy, now)


@pytest.fixture
def tasks_in_database(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_no_raw_token_waits_in_a_tasks_arguments(office, bookable, tasks_in_database, mailoutbox):
    now = timezone.now()
    booked = book(office, bookable["short"], now)
    services.appointment_confirm(
        appointment=booked.appointment,
        confirm_token=booked.confirm_token,
        now=now,
        acting_user=COMMAND,
    )
    services.appointment_cancel(appointment=booked.appointment, now=now, acting_user=COMMAND)
    with scopes_disabled():
        queued = list(DBTaskResult.objects.values_list("args_kwargs", flat=True))
    assert [q["args"][:2] for q in queued] == [
        [booked.appointment.pk, "confirm_request"],
        [booked.appointment.pk, "confirmed"],
        [booked.appointment.pk, "cancelled"],
    ]
    stored = json.dumps(queued)
    assert booked.manage_token not in stored and booked.confirm_token not in stored
    assert not mailoutbox  # the mails, and their tokens, are made by the worker
