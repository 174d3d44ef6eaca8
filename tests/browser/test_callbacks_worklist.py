"""An agent works through the callback worklist in Chromium, in order of deadline: takes the most
urgent, plays its message (a real recording, loaded by the audio element), records a failed call,
takes the next, and books an appointment for the caller in one step; axe-core on each page."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from schalter.accounts.actors import COMMAND
from schalter.accounts.models import AuditEvent
from schalter.accounts.roles import Role
from schalter.appointments.models import Appointment, Channel
from schalter.callbacks.incoming import Audio, Incoming
from schalter.callbacks.models import Callback, CallbackAttempt, Outcome, State
from schalter.callbacks.services import callback_receive
from tests.browser.conftest import assert_accessible
from tests.browser.test_staff_calendar import sign_in
from tests.callbacks.mails import recordings_in
from tests.conftest import build_office, make_bookable


@pytest.fixture
def waiting(transactional_db, tmp_path):
    office = build_office("giessen")
    make_bookable(office)
    wav = recordings_in(tmp_path)["wav"]
    now = timezone.now()
    made = []
    # Received longest ago first: the first is overdue, the last is due latest.
    for n, (days_ago, language) in enumerate([(9, "ar"), (0, "tr"), (-2, "")]):
        made.append(
            callback_receive(
                office=office,
                incoming=Incoming(
                    source="voicemail",
                    dedup_key=f"msgid:<{n}@pbx>",
                    caller_number=f"+4915123456{n:03d}",
                    language=language,
                    audio=Audio(data=wav, content_type="audio/wav", filename="msg.wav"),
                ),
                now=now - timedelta(days=days_ago),
                acting_user=COMMAND,
            ).callback
        )
    return office, made


def test_an_agent_works_through_the_list_in_order_of_deadline(open_page, make_staff, waiting):
    office, (overdue, soon, later) = waiting
    agent = make_staff(office, Role.CALLBACK_AGENT)
    page = open_page("/staff/giessen/callbacks/", "desktop", locale="de-DE")
    sign_in(page, agent)
    page.wait_for_url("**/staff/giessen/callbacks/")
    rows = page.locator("tr.callback-row")
    assert [rows.nth(i).get_attribute("data-callback") for i in range(3)] == [
        str(overdue.pk),
        str(soon.pk),
        str(later.pk),
    ]
    assert "Überfällig" in rows.nth(0).inner_text()
    assert_accessible(page)

    # Take the most urgent: the overdue one.
    page.get_by_role("button", name="Nächsten Rückruf übernehmen").click()
    page.wait_for_url(f"**/callbacks/{overdue.pk}/")
    assert page.locator(f"a[href='tel:{overdue.caller_number}']").is_visible()
    duration = page.evaluate(
        """() => new Promise((resolve, reject) => {
            const audio = document.querySelector('audio');
            audio.addEventListener('loadedmetadata', () => resolve(audio.duration));
            audio.addEventListener('error', () => reject(audio.error && audio.error.code));
            audio.load();
        })"""
    )
    assert duration > 0
    with scopes_disabled():
        assert AuditEvent.objects.filter(
            action="callbacks.callback.played", actor=agent, target_id=str(overdue.pk)
        ).exists()
    assert_accessible(page)
    page.locator("#id_outcome").select_option("no_answer")
    page.locator("#id_note").fill("Mailbox voll")
    page.get_by_role("button", name="Anruf erfassen").click()
    page.wait_for_url("**/staff/giessen/callbacks/")
    assert_accessible(page)

    # The next most urgent is still the overdue one (no follow-up time given): take the one
    # after it by hand, and book for the caller in one step.
    page.locator(f"a[href$='/callbacks/{soon.pk}/']").click()
    page.wait_for_url(f"**/callbacks/{soon.pk}/")
    page.get_by_role("button", name="Diesen Rückruf übernehmen").click()
    page.wait_for_url(f"**/callbacks/{soon.pk}/")
    assert_accessible(page)
    page.locator("#id_service").select_option(index=1)
    page.locator("#id_name").fill("Ayşe Yılmaz")
    # The earliest morning time the office offers, on the next weekday.
    day = timezone.localdate() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    page.locator("#id_day").fill(day.isoformat())
    page.locator("#id_time").fill("08:00")
    page.get_by_role("button", name="Buchen und Rückruf abschließen").click()
    page.wait_for_url("**/appointments/*/")
    assert_accessible(page)
    with scopes_disabled():
        appointment = Appointment.objects.get()
        done = Callback.objects.get(pk=soon.pk)
        first = Callback.objects.get(pk=overdue.pk)
        attempts = list(CallbackAttempt.objects.order_by("at").values_list("outcome", flat=True))
    assert appointment.channel == Channel.STAFF and appointment.language == "tr"
    assert appointment.phone == soon.caller_number
    assert (done.state, done.outcome) == (State.CLOSED, Outcome.REACHED)
    assert (first.state, first.failed_attempts) == (State.OPEN, 1)
    assert attempts == ["no_answer", "reached"]
