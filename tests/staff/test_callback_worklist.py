"""The callback worklist: by deadline with overdue ones on top (said in words, not colour alone),
50 a page at a pinned number of queries, take one, play the message (audited as a read of a client
record, with its content type and byte ranges), record calls until the office gives up, and book
an appointment for the caller in one step."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scopes_disabled

from schalter.accounts.actors import COMMAND
from schalter.accounts.models import AuditEvent
from schalter.accounts.roles import Role
from schalter.appointments import selectors
from schalter.appointments.models import Appointment, Channel
from schalter.callbacks.incoming import Audio, Incoming
from schalter.callbacks.models import Callback, CallbackAttempt, Outcome, State
from schalter.callbacks.services import callback_receive
from schalter.offices.localtime import local_time
from schalter.privacy.reads import record_reads

pytestmark = pytest.mark.django_db
AUDIO = b"RIFF" + bytes(range(256)) * 4


def voicemail(office, n, *, received=None, language=""):
    return callback_receive(
        office=office,
        incoming=Incoming(
            source="voicemail",
            dedup_key=f"msgid:<{n}@pbx>",
            caller_number=f"+49151234567{n % 100:02d}",
            language=language,
            audio=Audio(data=AUDIO, content_type="audio/wav", filename="msg.wav"),
        ),
        now=received or timezone.now(),
        acting_user=COMMAND,
    ).callback


def url(office, name="", pk=None):
    base = f"/staff/{office.slug}/callbacks/"
    return base + (f"{pk}/" if pk else "") + (f"{name}/" if name else "")


def test_the_list_is_by_deadline_with_overdue_ones_on_top_in_words(staff_client, office):
    now = timezone.now()
    late = voicemail(office, 1, received=now - timedelta(days=10))
    fresh = voicemail(office, 2, received=now)
    client = staff_client(office, Role.CALLBACK_AGENT)
    page = client.get(url(office)).content.decode()
    assert page.index(f'data-callback="{late.pk}"') < page.index(f'data-callback="{fresh.pk}"')
    row = page[page.index(f'data-callback="{late.pk}"') :].split("</tr>")[0]
    assert "Überfällig" in row and "⚠" in row
    fresh_row = page[page.index(f'data-callback="{fresh.pk}"') :].split("</tr>")[0]
    assert "Überfällig" not in fresh_row


def test_a_withheld_number_is_said_in_german_not_as_the_phone_system_wrote_it(staff_client, office):
    callback = callback_receive(
        office=office,
        incoming=Incoming(
            source="voicemail",
            dedup_key="msgid:<withheld@pbx>",
            caller_number="",
            caller_raw="anonymous",
            withheld=True,
            audio=Audio(data=AUDIO, content_type="audio/wav", filename="msg.wav"),
        ),
        now=timezone.now(),
        acting_user=COMMAND,
    ).callback
    client = staff_client(office, Role.CALLBACK_AGENT)
    for page in (client.get(url(office)), client.get(url(office, pk=callback.pk))):
        text = page.content.decode()
        assert "Nummer unterdrückt" in text and "anonymous" not in text


def test_only_callback_staff_see_the_list(staff_client, office):
    assert staff_client(office, Role.CASEWORKER).get(url(office)).status_code == 403
    assert staff_client(office, Role.TEAM_LEAD).get(url(office)).status_code == 200


def test_fifty_a_page_at_a_pinned_number_of_queries(staff_client, office):
    now = timezone.now()
    for n in range(120):
        voicemail(office, n, received=now - timedelta(minutes=n))
    client = staff_client(office, Role.CALLBACK_AGENT)
    counts = []
    for number in (1, 2, 3):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url(office) + f"?page={number}")
        assert response.status_code == 200
        counts.append(len(queries))
        rows = response.content.decode().count('class="callback-row')
        assert rows == (50 if number < 3 else 20)
    assert counts[0] == counts[1] == counts[2]
    assert counts[0] <= 12, counts


def test_taking_the_next_never_gives_two_agents_the_same(staff_client, office):
    first, second = voicemail(office, 1), voicemail(office, 2)
    agents = [staff_client(office, Role.CALLBACK_AGENT) for _ in range(3)]
    targets = [agent.post(url(office))["Location"] for agent in agents]
    assert targets[:2] == [url(office, pk=first.pk), url(office, pk=second.pk)]
    assert targets[2] == url(office)  # nothing left


def test_playing_is_audited_as_a_read_with_content_type_and_ranges(staff_client, office):
    callback = voicemail(office, 1)
    client = staff_client(office, Role.CALLBACK_AGENT)
    whole = client.get(url(office, "audio", callback.pk))
    assert whole.status_code == 200
    assert whole["Content-Type"] == "audio/wav"
    assert whole.content == AUDIO
    part = client.get(url(office, "audio", callback.pk), headers={"range": "bytes=4-9"})
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 4-9/{len(AUDIO)}"
    assert part.content == AUDIO[4:10]
    beyond = client.get(url(office, "audio", callback.pk), headers={"range": "bytes=99999-"})
    assert beyond.status_code == 416
    played = AuditEvent.objects.filter(action="callbacks.callback.played")
    assert played.count() == 1  # the ranges after the start of a playback are not new reads
    assert played.get().actor is not None
    assert [event.action for event in record_reads(office=office)] == ["callbacks.callback.played"]


def test_failed_calls_close_it_as_unreachable_after_the_offices_number(
    staff_client, office, sms_gateway, django_capture_on_commit_callbacks
):
    callback = voicemail(office, 1, language="ar")
    client = staff_client(office, Role.CALLBACK_AGENT)
    for _attempt in range(3):
        assert client.post(url(office, "claim", callback.pk)).status_code == 302
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                url(office, "attempt", callback.pk), {"outcome": "no_answer", "note": "x"}
            )
        assert response.status_code == 302
    with scopes_disabled():
        callback.refresh_from_db()
        assert CallbackAttempt.objects.filter(callback=callback).count() == 3
    assert (callback.state, callback.outcome) == (State.CLOSED, Outcome.UNREACHABLE)
    assert len(sms_gateway.received) == 1  # how else to reach the office


def test_an_attempt_without_the_claim_or_with_a_bad_outcome_is_refused(staff_client, office):
    callback = voicemail(office, 1)
    client = staff_client(office, Role.CALLBACK_AGENT)
    client.post(url(office, "attempt", callback.pk), {"outcome": "reached"})
    bad = client.post(url(office, "attempt", callback.pk), {"outcome": "hung_up"})
    assert bad.status_code == 400
    with scopes_disabled():
        assert not CallbackAttempt.objects.exists()


def test_booking_for_the_caller_closes_the_callback_as_reached(staff_client, office, bookable):
    callback = voicemail(office, 1, language="tr")
    client = staff_client(office, Role.CALLBACK_AGENT)
    client.post(url(office, "claim", callback.pk))
    detail = client.get(url(office, pk=callback.pk)).content.decode()
    assert f'href="tel:{callback.caller_number}"' in detail
    assert "<audio" in detail
    now = timezone.now()
    service = bookable["short"]
    free = selectors.free_times(
        office,
        selectors.offered_service(office, service.pk),
        now.date(),
        now.date() + timedelta(days=10),
        now=now,
        channel=Channel.STAFF,
        cached=False,
    )
    start = local_time(office, free[0].start)
    response = client.post(
        url(office, "book", callback.pk),
        {
            "service": service.pk,
            "day": start.date().isoformat(),
            "time": start.strftime("%H:%M"),
            "persons": 1,
            "name": "Ayşe Yılmaz",
            "phone": callback.caller_number,
            "language": "tr",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        appointment = Appointment.objects.get()
        callback.refresh_from_db()
        note = CallbackAttempt.objects.get(callback=callback).note
    assert response["Location"].endswith(f"/appointments/{appointment.pk}/")
    assert appointment.channel == Channel.STAFF
    assert (callback.state, callback.outcome) == (State.CLOSED, Outcome.REACHED)
    assert appointment.code in note


def test_another_offices_callback_is_404(staff_client, office, other_office):
    foreign = voicemail(other_office, 1)
    client = staff_client(office, Role.CALLBACK_AGENT)
    assert client.get(url(office, pk=foreign.pk)).status_code == 404
    assert client.get(url(office, "audio", foreign.pk)).status_code == 404
    assert client.post(url(office, "claim", foreign.pk)).status_code == 404
    with scopes_disabled():
        assert Callback.objects.get(pk=foreign.pk).state == State.OPEN
    assert not AuditEvent.objects.filter(action="callbacks.callback.played").exists()


def test_opening_a_callback_is_audited_as_a_read(staff_client, office):
    """A callback's page shows the caller's number, name and notes: a read of a client record,
    like an appointment's page, which the data protection officer sees."""
    callback = voicemail(office, 1)
    client = staff_client(office, Role.CALLBACK_AGENT)
    assert client.get(url(office, pk=callback.pk)).status_code == 200
    viewed = AuditEvent.objects.get(action="callbacks.callback.viewed")
    assert viewed.target_id == str(callback.pk) and viewed.actor is not None
    assert [event.action for event in record_reads(office=office)] == ["callbacks.callback.viewed"]
