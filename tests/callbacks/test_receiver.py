"""Nothing lost, over real SMTP: smtplib sends real MIME voicemails (espeak-ng audio) to the
receiver, `manage.py ingest_voicemail --smtp`, running as a process of its own on the test
database. Killed in the middle of a message, or after the commit but before its 250 (the
test-only fault point), the receiver is started again, the phone system sends again, and there is
exactly one callback each time.

PostgreSQL only: SQLite's test database lives in pytest's memory, where no other process reaches
it; scripts/run-tests runs these in its PostgreSQL pass."""

import email.policy
import os
import signal
import smtplib
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django_scopes import scopes_disabled

from schalter.callbacks.formats.generic import PRESETS
from schalter.callbacks.ingest import FAULT_EXIT_CODE
from schalter.callbacks.models import Callback, VoicemailPattern
from schalter.callbacks.selectors import deadline_for
from tests.callbacks.conftest import ADDRESS, ARABIC_ADDRESS, callbacks_on
from tests.callbacks.mails import asterisk_mail, generic_mail, swyx_mail
from tests.conftest import build_office

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def postgres_only(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("the receiver runs in its own process: PostgreSQL only (see the docstring)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    db = settings.DATABASES["default"]
    return (
        f"postgresql://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or 'localhost'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


def wire(mail) -> bytes:
    """A mail as it goes over SMTP: CRLF line ends (smtplib leaves bytes as they are)."""
    return mail if isinstance(mail, bytes) else mail.as_bytes(policy=email.policy.SMTP)


class Receiver:
    """`manage.py ingest_voicemail --smtp` in a process of its own."""

    def __init__(self, tmp_path: Path, extra_env: dict[str, str] | None = None):
        self.port = free_port()
        self.log = tmp_path / f"receiver-{self.port}.out"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "schalter.config.settings.test",
            "DATABASE_URL": database_url(),
            "SCHALTER_SMS_BACKEND": settings.SCHALTER_SMS_BACKEND,
            "SCHALTER_SMS_URL": settings.SCHALTER_SMS_URL or "",
            "SCHALTER_SMS_KEY": settings.SCHALTER_SMS_KEY or "",
            **(extra_env or {}),
        }
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "ingest_voicemail", "--smtp",
                 f"127.0.0.1:{self.port}"],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("the receiver did not start")

    def smtp(self) -> smtplib.SMTP:
        return smtplib.SMTP("127.0.0.1", self.port, timeout=60)

    def send(self, mail, to: str = ADDRESS) -> tuple[int, bytes]:
        """MAIL, RCPT, DATA: the answer to DATA."""
        with self.smtp() as client:
            client.ehlo()
            client.mail("pbx@pbx.example")
            code, answer = client.rcpt(to)
            if code != 250:
                return code, answer
            return client.data(wire(mail))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def receivers(tmp_path):
    started: list[Receiver] = []

    def start(**extra_env: str) -> Receiver:
        receiver = Receiver(tmp_path, extra_env)
        started.append(receiver)
        return receiver

    yield start
    for receiver in started:
        receiver.stop()


@pytest.fixture
def office():
    office = build_office("giessen")
    callbacks_on(office)
    return office


def callbacks() -> list[Callback]:
    with scopes_disabled():
        return list(Callback.objects.select_related("audio").order_by("id"))


def test_every_format_over_smtp(office, receivers, recordings, sms_gateway):
    preset = PRESETS["starface"]
    VoicemailPattern.objects.create(
        office=office, name=preset.name, subject=preset.subject, attachment=preset.attachment
    )
    receiver = receivers()
    sent = [
        (asterisk_mail(recordings["wav"], to=ADDRESS), ADDRESS, "+496119876543", "audio/wav"),
        (asterisk_mail(recordings["wav"], to=ADDRESS, imap_headers=True, number="+4961131234"),
         ADDRESS, "+4961131234", "audio/wav"),
        (swyx_mail(recordings["opus"], to=ARABIC_ADDRESS), ARABIC_ADDRESS, "+4915123456789",
         "audio/ogg"),
        (generic_mail(recordings["mp3"], to=ADDRESS), ADDRESS, "+491701234567", "audio/mpeg"),
    ]  # fmt: skip
    for mail, to, _, _ in sent:
        code, answer = receiver.send(mail, to)
        assert code == 250, answer
        assert answer.startswith(b"OK callback ")
    found = callbacks()
    assert [(c.caller_number, c.audio.content_type) for c in found] == [
        (number, kind) for _, _, number, kind in sent
    ]
    for callback in found:
        assert callback.audio.duration_seconds > 3
        assert callback.deadline is not None
        assert callback.deadline == deadline_for(office, callback.received_at)
    assert bytes(found[2].audio.data) == recordings["opus"]
    assert found[2].language == "ar"
    # The two mobile numbers were told when to expect the call; the Arabic box's caller in
    # German and Arabic, in one message.
    texts = {body["to"]: body["text"] for _, body in sms_gateway.received}
    assert set(texts) == {"+4915123456789", "+491701234567"}
    assert "zurück" in texts["+4915123456789"]
    assert any("\u0600" <= ch <= "\u06ff" for ch in texts["+4915123456789"])
    # One JSON line per message on the receiver's output.
    receiver.stop()
    lines = [line for line in receiver.log.read_text().splitlines() if line.startswith("{")]
    assert len(lines) == 4


def test_refusals_at_the_door_and_the_receiver_keeps_serving(office, receivers, recordings):
    receiver = receivers()
    code, _ = receiver.send(
        asterisk_mail(recordings["wav"], to="nobody@x.example"), "nobody@x.example"
    )
    assert code == 550
    with receiver.smtp() as client:
        client.ehlo()
        client.mail("pbx@pbx.example")
        client.rcpt(ADDRESS)
        huge = asterisk_mail(b"RIFF" + b"\0" * (21 * 1024 * 1024), to=ADDRESS)
        code, _ = client.data(wire(huge))
    assert code == 552  # more than 20 MB: refused at DATA
    code, answer = receiver.send(b"Subject: Viagra\r\nTo: voicemail@giessen.example\r\n\r\nBuy")
    assert (code, answer) == (550, b"5.6.0 Not taken: not_a_voicemail")
    code, _ = receiver.send(b"Subject: =?x?Q?\xff\r\nContent-Type: multipart/mixed\r\n\r\n\xff")
    assert code == 550
    assert receiver.process.poll() is None
    assert receiver.send(asterisk_mail(recordings["wav"], to=ADDRESS))[0] == 250
    assert len(callbacks()) == 1


def test_killed_in_the_middle_of_a_message(office, receivers, recordings):
    mail = wire(asterisk_mail(recordings["wav"], to=ADDRESS))
    receiver = receivers()
    with socket.create_connection(("127.0.0.1", receiver.port), timeout=10) as raw:
        reader = raw.makefile("rb")
        reader.readline()
        for command in (
            b"HELO pbx",
            b"MAIL FROM:<pbx@pbx.example>",
            f"RCPT TO:<{ADDRESS}>".encode(),
            b"DATA",
        ):
            raw.sendall(command + b"\r\n")
            assert reader.readline()[:1] in (b"2", b"3")
        raw.sendall(mail[: len(mail) // 2])
        time.sleep(0.3)
        receiver.process.send_signal(signal.SIGKILL)
        receiver.process.wait(timeout=10)
    assert callbacks() == []  # nothing half-written
    again = receivers()
    assert again.send(mail)[0] == 250
    assert again.send(mail)[0] == 250  # and once more, as a phone system that retries might
    [callback] = callbacks()
    assert bytes(callback.audio.data) == recordings["wav"]


def test_killed_after_the_commit_before_the_250(office, receivers, recordings):
    mail = wire(asterisk_mail(recordings["wav"], to=ADDRESS))
    dying = receivers(SCHALTER_CALLBACK_FAULT="after_commit")
    with pytest.raises(smtplib.SMTPServerDisconnected):
        dying.send(mail)
    assert dying.process.wait(timeout=10) == FAULT_EXIT_CODE
    assert len(callbacks()) == 1  # committed, but the phone system never heard 250
    again = receivers()
    code, answer = again.send(mail)
    assert code == 250
    [callback] = callbacks()
    assert answer == f"OK callback {callback.pk}".encode()


def test_the_receiver_serves_others_while_a_bad_message_is_coming_in(office, receivers, recordings):
    receiver = receivers()
    slow = socket.create_connection(("127.0.0.1", receiver.port), timeout=60)
    replies = slow.makefile("rb")

    def answer() -> bytes:
        line = replies.readline()
        while line[3:4] == b"-":  # a multi-line reply (EHLO)
            line = replies.readline()
        return line

    assert answer().startswith(b"220")
    for command in (b"EHLO pbx.example", b"MAIL FROM:<pbx@pbx.example>",
                    f"RCPT TO:<{ADDRESS}>".encode(), b"DATA"):  # fmt: skip
        slow.sendall(command + b"\r\n")
        assert answer()[:1] in (b"2", b"3")
    # Half of a hostile message: broken headers, undecodable bytes, and no end yet.
    slow.sendall(b"Subject: =?x?Q?\xff\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n")
    for _ in range(3000):
        slow.sendall(b"\xff\xfe" * 35 + b"\r\n")
    # Meanwhile a voicemail on another line is taken, committed and answered.
    assert receiver.send(asterisk_mail(recordings["wav"], to=ADDRESS))[0] == 250
    assert len(callbacks()) == 1
    slow.sendall(b"\r\n.\r\n")
    assert answer().startswith(b"550")  # the bad one is refused with its reason, nothing kept
    slow.close()
    assert receiver.process.poll() is None
    assert receiver.send(asterisk_mail(recordings["wav"], to=ADDRESS))[0] == 250
    assert len(callbacks()) == 2
