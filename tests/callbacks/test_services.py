"""The callback services: receive once (idempotent by the dedup key, all or nothing with the
audio), claim, attempts, closing and retention."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django_scopes import scopes_disabled

from schalter.accounts.actors import CLIENT, COMMAND
from schalter.accounts.models import AuditEvent
from schalter.callbacks import services
from schalter.callbacks.errors import AlreadyClosed, NotClaimable, NotYours
from schalter.callbacks.incoming import Audio, Incoming
from schalter.callbacks.models import (
    Callback,
    CallbackAttempt,
    CallbackEvent,
    CallbackPolicy,
    Outcome,
    State,
    VoicemailAudio,
)
from schalter.offices import retention

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 8, 7, 0, tzinfo=UTC)  # Monday 9:00 in Wiesbaden


def voicemail(key="msgid:<1@pbx>", number="+4915123456789", audio=b"RIFF....WAVE", **extra):
    return Incoming(
        source="voicemail",
        dedup_key=key,
        caller_number=number,
        caller_raw=number,
        vendor="asterisk",
        audio=Audio(data=audio, content_type="audio/wav", filename="msg0000.wav"),
        **extra,
    )


def receive(office, incoming=None, now=NOW):
    return services.callback_receive(
        office=office, incoming=incoming or voicemail(), now=now, acting_user=COMMAND
    )


def test_a_message_received_twice_is_one_callback(office):
    first = receive(office)
    again = receive(office, now=NOW + timedelta(minutes=5))
    assert first.created and not again.created
    assert again.callback.pk == first.callback.pk
    with scopes_disabled():
        assert Callback.objects.count() == 1
        assert VoicemailAudio.objects.get().data == b"RIFF....WAVE"
        assert CallbackEvent.objects.filter(kind="received").count() == 1
    assert AuditEvent.objects.filter(action="callbacks.callback.received").count() == 1
    assert first.callback.deadline == datetime(2026, 6, 9, 10, 0, tzinfo=UTC)  # Tue 12:00


def test_a_failing_audio_write_leaves_nothing_half_written(office):
    # The audio row is refused after the callback row was written: neither stays.
    bad = Audio(data=b"x", content_type="a" * 41)  # longer than the column
    with pytest.raises(ValidationError):
        receive(office, replace(voicemail(), audio=bad))
    with scopes_disabled():
        assert not Callback.objects.exists()
        assert not CallbackEvent.objects.exists()


def test_same_key_in_two_offices_is_two_callbacks(office, other_office):
    receive(office)
    receive(other_office)
    with scopes_disabled():
        assert Callback.objects.count() == 2


def test_claim_takes_the_most_urgent_and_never_twice(office, make_staff):
    late = receive(office, voicemail(key="a"), now=NOW + timedelta(days=2)).callback
    early = receive(office, voicemail(key="b")).callback
    agent, other = make_staff(office, "caseworker"), make_staff(office, "caseworker")
    assert services.callback_claim(office=office, now=NOW, acting_user=agent) == early
    assert services.callback_claim(office=office, now=NOW, acting_user=other) == late
    assert services.callback_claim(office=office, now=NOW, acting_user=other) is None
    with pytest.raises(NotClaimable):
        services.callback_claim(office=office, now=NOW, acting_user=other, callback=early)


def test_failed_attempts_give_it_back_then_close_unreachable(
    office, make_staff, sms_gateway, django_capture_on_commit_callbacks
):
    CallbackPolicy.objects.create(office=office, max_failed_attempts=2, acknowledge=False)
    callback = receive(office).callback
    agent = make_staff(office, "caseworker")
    services.callback_claim(office=office, now=NOW, acting_user=agent)
    later = NOW + timedelta(hours=2)
    done = services.callback_attempt_record(
        callback=callback, outcome="busy", now=NOW, acting_user=agent, follow_up_at=later
    )
    assert done.callback.state == State.OPEN and done.callback.failed_attempts == 1
    # Not claimable before its follow-up time.
    assert services.callback_claim(office=office, now=NOW, acting_user=agent) is None
    services.callback_claim(office=office, now=later, acting_user=agent)
    with django_capture_on_commit_callbacks(execute=True):
        done = services.callback_attempt_record(
            callback=callback, outcome="no_answer", now=later, acting_user=agent, note="voll"
        )
    assert done.callback.state == State.CLOSED and done.callback.outcome == Outcome.UNREACHABLE
    # She is told how else to reach the office, once.
    assert len(sms_gateway.received) == 1
    assert office.phone in sms_gateway.received[0][1]["text"]
    with scopes_disabled():
        assert list(CallbackEvent.objects.values_list("kind", "outcome").order_by("id")) == [
            ("received", ""),
            ("attempt", "busy"),
            ("attempt", "no_answer"),
            ("closed", "unreachable"),
        ]


def test_only_the_claimant_records_or_closes(office, make_staff):
    callback = receive(office).callback
    agent, other = make_staff(office, "caseworker"), make_staff(office, "caseworker")
    with pytest.raises(NotYours):
        services.callback_attempt_record(
            callback=callback, outcome="reached", now=NOW, acting_user=agent
        )
    services.callback_claim(office=office, now=NOW, acting_user=agent, callback=callback)
    with pytest.raises(NotYours):
        services.callback_close(callback=callback, outcome="reached", now=NOW, acting_user=other)
    done = services.callback_attempt_record(
        callback=callback, outcome="reached", now=NOW, acting_user=agent
    )
    assert done.callback.outcome == Outcome.REACHED
    with pytest.raises(AlreadyClosed):
        services.callback_close(callback=callback, outcome="withdrawn", now=NOW, acting_user=CLIENT)


def test_retention_erases_audio_number_and_name_and_keeps_the_figures(office, make_staff):
    CallbackPolicy.objects.create(office=office, retention_days=30)
    callback = receive(office, voicemail(caller_name="Jane")).callback
    kept = receive(office, voicemail(key="other")).callback
    agent = make_staff(office, "caseworker")
    services.callback_claim(office=office, now=NOW, acting_user=agent, callback=callback)
    services.callback_attempt_record(
        callback=callback, outcome="reached", now=NOW, acting_user=agent, note="Termin gebucht"
    )
    assert retention.personal_data_erase(office=office, now=NOW + timedelta(days=29)) == 0
    assert retention.personal_data_erase(office=office, now=NOW + timedelta(days=31)) >= 1
    with scopes_disabled():
        callback.refresh_from_db()
        assert (callback.caller_number, callback.caller_raw, callback.caller_name) == ("", "", "")
        assert callback.anonymised_at is not None
        assert not VoicemailAudio.objects.filter(callback=callback).exists()
        assert CallbackAttempt.objects.get(callback=callback).note == ""
        assert CallbackEvent.objects.filter(callback=callback).count() == 3
        kept.refresh_from_db()
        assert kept.caller_number and VoicemailAudio.objects.filter(callback=kept).exists()


def test_dedup_key_is_unique_per_office_in_the_database(office):
    receive(office)
    with pytest.raises(IntegrityError), scopes_disabled():
        Callback.objects.create(
            office=office, source="voicemail", dedup_key="msgid:<1@pbx>", received_at=NOW
        )


def test_an_attempts_note_is_kept_by_the_rule_for_typed_text(office, make_staff):
    callback = receive(office).callback
    agent = make_staff(office, "caseworker")
    services.callback_claim(office=office, now=NOW, acting_user=agent)
    done = services.callback_attempt_record(
        callback=callback,
        outcome="busy",
        now=NOW,
        acting_user=agent,
        note="<i>besetzt</i>\u202e, später\r\nnochmal\x00",
    )
    assert done.attempt.note == "besetzt, später\nnochmal"
