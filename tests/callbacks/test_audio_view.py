"""A recording plays in the browser for staff who work callbacks, and each playback is audited as
a read of a client record; other offices' and other roles' requests are refused."""

from datetime import UTC, datetime

import pytest

from schalter.accounts.actors import COMMAND
from schalter.accounts.models import AuditEvent
from schalter.callbacks import services
from schalter.callbacks.incoming import Audio, Incoming
from schalter.privacy.reads import record_reads
from tests.callbacks.conftest import callbacks_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def callback(office, recordings):
    callbacks_on(office)
    return services.callback_receive(
        office=office,
        incoming=Incoming(
            source="voicemail",
            dedup_key="msgid:<1@pbx>",
            caller_number="+4915123456789",
            audio=Audio(data=recordings["opus"], content_type="audio/ogg"),
        ),
        now=datetime(2026, 6, 8, 7, 0, tzinfo=UTC),
        acting_user=COMMAND,
    ).callback


def test_an_agent_plays_a_message_and_the_playback_is_audited(callback, staff_client, recordings):
    agent = staff_client(callback.office, "callback_agent")
    response = agent.get(f"/staff/giessen/callbacks/{callback.pk}/audio/")
    assert response.status_code == 200
    assert response["Content-Type"] == "audio/ogg"
    assert response["Cache-Control"] == "private, no-store"
    assert response.content == recordings["opus"]
    played = AuditEvent.objects.get(action="callbacks.callback.played")
    assert played.target_id == str(callback.pk) and played.actor is not None
    assert played in record_reads(office=callback.office)  # the data protection officer sees it


def test_other_roles_and_offices_are_refused(callback, staff_client, other_office):
    assert (
        staff_client(callback.office, "knowledge_editor")
        .get(f"/staff/giessen/callbacks/{callback.pk}/audio/")
        .status_code
        == 403
    )
    elsewhere = staff_client(other_office, "callback_agent")
    assert elsewhere.get(f"/staff/giessen/callbacks/{callback.pk}/audio/").status_code == 404
    callbacks_on_other = f"/staff/darmstadt/callbacks/{callback.pk}/audio/"
    assert elsewhere.get(callbacks_on_other).status_code == 404
    assert not AuditEvent.objects.filter(action="callbacks.callback.played").exists()
