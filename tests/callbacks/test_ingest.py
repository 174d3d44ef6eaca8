"""Voicemail mails in the Asterisk (both header sets), Swyx and generic formats, with real audio,
through `manage.py ingest_voicemail` with .eml files: the callback, its E.164 number, its audio
and its deadline; the same mail twice is one callback; hostile mails are flagged or rejected."""

import json
from datetime import UTC, datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from schalter.callbacks.formats.generic import PRESETS
from schalter.callbacks.ingest import message_ingest
from schalter.callbacks.models import Callback, VoicemailPattern
from tests.callbacks.conftest import ADDRESS, ARABIC_ADDRESS, callbacks_on
from tests.callbacks.mails import asterisk_mail, generic_mail, swyx_mail

pytestmark = pytest.mark.django_db
# Friday 5 June 2026, 14:00 in Giessen: the office (Mon, Tue, Thu, Fri 8-12) is next open on Monday.
FRIDAY_AFTERNOON = datetime(2026, 6, 5, 12, 0, tzinfo=UTC)
MONDAY_NOON = datetime(2026, 6, 8, 10, 0, tzinfo=UTC)


def ingest(tmp_path, *mails, office: str | None = None) -> list[dict]:
    files = []
    for number, mail in enumerate(mails):
        path = tmp_path / f"m{number}.eml"
        path.write_bytes(mail if isinstance(mail, bytes) else mail.as_bytes())
        files.append(str(path))
    out = StringIO()
    with time_machine.travel(FRIDAY_AFTERNOON, tick=False):
        call_command("ingest_voicemail", *files, *(["--office", office] if office else []),
                     stdout=out)  # fmt: skip
    return [json.loads(line) for line in out.getvalue().splitlines()]


def the_callback(line: dict) -> Callback:
    with scopes_disabled():
        return Callback.objects.select_related("audio").get(pk=line["callback"])


@pytest.fixture
def office(office):
    callbacks_on(office)
    return office


@pytest.mark.parametrize("imap_headers", [False, True])
def test_asterisk(tmp_path, office, recordings, imap_headers):
    [line] = ingest(
        tmp_path, asterisk_mail(recordings["wav"], to=ADDRESS, imap_headers=imap_headers)
    )
    assert line == {"callback": line["callback"], "office": "giessen", "caller": "+496119876543",
                    "status": "created", "reason": None}  # fmt: skip
    callback = the_callback(line)
    assert callback.caller_name == "Jane Doe"
    assert callback.vendor == "asterisk" and callback.pbx_mailbox == "100"
    assert callback.audio.data == recordings["wav"]
    assert callback.audio.content_type == "audio/wav"
    assert 3 < callback.audio.duration_seconds < 15
    assert callback.deadline == MONDAY_NOON
    assert not callback.needs_review
    if imap_headers:
        assert callback.recorded_at == datetime(2026, 6, 8, 9, 20, tzinfo=UTC)


def test_asterisk_body_template_when_the_headers_are_gone(tmp_path, office, recordings):
    mail = asterisk_mail(recordings["wav"], to=ADDRESS)
    del mail["X-Asterisk-CallerID"], mail["X-Asterisk-CallerIDName"]
    [line] = ingest(tmp_path, mail)
    assert line["caller"] == "+496119876543"
    assert the_callback(line).caller_name == "Jane Doe"


def test_swyx_opus_from_the_arabic_box(tmp_path, office, recordings):
    [line] = ingest(tmp_path, swyx_mail(recordings["opus"], to=ARABIC_ADDRESS))
    callback = the_callback(line)
    assert line["caller"] == "+4915123456789"
    assert (callback.vendor, callback.caller_name, callback.language) == ("swyx", "Jane Doe", "ar")
    assert callback.audio.content_type == "audio/ogg" and callback.audio.duration_seconds > 3
    assert callback.recorded_at == datetime(2026, 6, 8, 9, 20, tzinfo=UTC)  # 11:20 in Giessen


def test_generic_starface_preset_mp3(tmp_path, office, recordings):
    preset = PRESETS["starface"]
    VoicemailPattern.objects.create(
        office=office, name=preset.name, preset="starface", subject=preset.subject,
        attachment=preset.attachment,
    )  # fmt: skip
    [line] = ingest(tmp_path, generic_mail(recordings["mp3"], to=ADDRESS))
    callback = the_callback(line)
    assert line["caller"] == "+491701234567"
    assert callback.vendor == "STARFACE" and callback.caller_name == "Jane Doe"
    assert callback.audio.content_type == "audio/mpeg" and callback.audio.duration_seconds > 3


def test_the_same_mail_twice_is_one_callback(tmp_path, office, recordings):
    mail = asterisk_mail(recordings["wav"], to=ADDRESS)
    first, second = ingest(tmp_path, mail, mail)
    assert first["status"] == "created"
    assert second == {**first, "status": "duplicate"}
    with scopes_disabled():
        assert Callback.objects.count() == 1


def test_the_same_recording_under_a_new_message_id_is_one_callback(tmp_path, office, recordings):
    first = asterisk_mail(recordings["wav"], to=ADDRESS, imap_headers=True)
    again = asterisk_mail(recordings["wav"], to=ADDRESS, imap_headers=True)
    assert first["Message-ID"] != again["Message-ID"]
    lines = ingest(tmp_path, first, again)
    assert [line["status"] for line in lines] == ["created", "duplicate"]


@pytest.mark.parametrize(
    ("number", "caller", "reason"),
    [
        ("", None, "withheld"),
        ("anonymous", None, "withheld"),
        ("12", None, "unparseable"),
        ("004420 7946 0958", "+442079460958", None),  # abroad, with 00
        ("0049 (0)611-9876543", "+496119876543", None),
        ("6119876543", "+496119876543", None),  # the PBX dropped the trunk 0
    ],
)
def test_odd_and_withheld_numbers_are_kept(tmp_path, office, recordings, number, caller, reason):
    [line] = ingest(tmp_path, asterisk_mail(recordings["wav"], to=ADDRESS, number=number))
    assert (line["status"], line["caller"], line["reason"]) == ("created", caller, reason)
    callback = the_callback(line)
    assert callback.needs_review == bool(reason)
    assert callback.caller_raw == number


def test_hostile_mails(tmp_path, office, recordings):
    no_audio = asterisk_mail(None, to=ADDRESS)
    corrupt = asterisk_mail(b"\x00garbage" * 100, to=ADDRESS)
    spam = (
        b"From: x@spam.example\r\nTo: voicemail@giessen.example\r\nSubject: Cheap pills\r\n\r\nBuy!"
    )
    html_only = (
        b"To: voicemail@giessen.example\r\nSubject: =?unknown-8bit?Q?Nachricht?=\r\n"
        b"Message-ID: <html@x>\r\nContent-Type: text/html; charset=x-no-such-charset\r\n\r\n"
        b"<p>just wanted to let you know you were just left a 0:07 long message (number 1)<br>"
        b'in mailbox 100 from "J\xe4ne" &lt;0611 9876543&gt;, on Monday</p>'
    )
    broken_headers = (
        b"To: voicemail@giessen.example\r\nSubject: =?utf-8?B?broken\r\nX-Asterisk-CallerID: "
        b"\xff\xfe0611\r\nContent-Type: multipart/mixed; boundary=\r\n\r\n--\r\n"
    )
    huge = asterisk_mail(b"RIFF" + b"\0" * (21 * 1024 * 1024), to=ADDRESS)
    lines = ingest(tmp_path, no_audio, corrupt, spam, html_only, broken_headers, huge, b"", b"\x00")
    assert [(line["status"], line["reason"]) for line in lines] == [
        ("created", "no_audio"),
        ("created", "bad_audio"),
        ("rejected", "not_a_voicemail"),
        ("created", "no_audio"),
        ("created", "unparseable,no_audio"),
        ("rejected", "too_large"),
        ("rejected", "empty"),
        ("rejected", "unknown_mailbox"),  # no address to go by
    ]
    assert lines[3]["caller"] == "+496119876543"


def test_unknown_mailbox_and_office_part_off(tmp_path, office, recordings, other_office):
    mail = asterisk_mail(recordings["wav"], to="someone@elsewhere.example")
    assert ingest(tmp_path, mail)[0] == {
        "callback": None, "office": None, "caller": None, "status": "rejected",
        "reason": "unknown_mailbox",
    }  # fmt: skip
    assert ingest(tmp_path, mail, office="giessen")[0]["status"] == "created"
    assert ingest(tmp_path, mail, office="darmstadt")[0]["reason"] == "callbacks_off"


def test_the_command_fails_only_when_it_cannot_run(tmp_path, office):
    with pytest.raises(CommandError):
        call_command("ingest_voicemail", "x.eml", "--office", "nowhere")
    with pytest.raises(CommandError):
        call_command("ingest_voicemail")
    out = StringIO()
    call_command("ingest_voicemail", str(tmp_path / "missing.eml"), stdout=out)
    assert json.loads(out.getvalue())["reason"] == "unreadable_file"


def test_a_recording_sent_as_octet_stream_without_a_name_is_found(tmp_path, office, recordings):
    mail = asterisk_mail(None, to=ADDRESS)
    mail.add_attachment(recordings["wav"], maintype="application", subtype="octet-stream")
    [line] = ingest(tmp_path, mail)
    assert (line["status"], line["reason"]) == ("created", None)
    assert the_callback(line).audio.content_type == "audio/wav"


def test_a_mail_missing_its_headers_is_kept_once(tmp_path, office, recordings):
    # No Message-ID, Date, Subject or To: the office is named by --office, the caller by the
    # Asterisk header, and the mail's own bytes key it, so the same mail again is no second one.
    mail = asterisk_mail(recordings["wav"], to=ADDRESS, message_id=False)
    for header in ("Date", "Subject", "To", "From"):
        del mail[header]
    lines = ingest(tmp_path, mail, mail, office="giessen")
    assert [(line["status"], line["caller"]) for line in lines] == [
        ("created", "+496119876543"),
        ("duplicate", "+496119876543"),
    ]
    callback = the_callback(lines[0])
    assert callback.dedup_key.startswith("sha256:") and callback.audio.size > 0
    assert callback.deadline == MONDAY_NOON  # received Friday afternoon: Monday's close


def test_round_trips_per_voicemail_are_pinned(office, recordings):
    """Per message once the office's schedule is kept: the mailbox, the duplicate check, the
    savepoint, the office's revision with its policy (the deadline), the callback, its audio, its
    event, the audit row, the release. Before the schedule was kept: 12 (policy + 3 schedule)."""
    counts = []
    with time_machine.travel(FRIDAY_AFTERNOON, tick=False):
        for number in range(3):
            raw = asterisk_mail(recordings["wav"], to=ADDRESS, number=f"015120000{number}")
            with CaptureQueriesContext(connection) as queries:
                outcome = message_ingest(raw.as_bytes(), recipients=[ADDRESS])
            assert outcome.status == "created"
            counts.append(len(queries))
    assert counts[1:] == [9, 9]


def test_a_callers_name_is_one_line_of_plain_text(tmp_path, office, recordings):
    """The name comes from a stranger's phone (the mail's caller-id): it is kept by the one rule
    for typed text (schalter.text), one line without tags, overrides or invisible characters."""
    mail = asterisk_mail(recordings["wav"], to=ADDRESS, name="<b>Jane</b>\t\u202eDoe\u200b")
    [line] = ingest(tmp_path, mail)
    assert the_callback(line).caller_name == "Jane Doe"
