"""Polling a real mailbox: Dovecot (Debian's dovecot-imapd), started by the test with a config of
its own in a temporary directory (a passwd-file user, maildir, plain login on 127.0.0.1 at a free
port). The poller ingests each voicemail and moves it out of the inbox only after the commit: to
the done folder, or the rejected folder when it is no voicemail; a message already ingested
(a crash between commit and move) is found a duplicate and moved on the next poll."""

import imaplib
import json
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled

from schalter.callbacks.imap import DONE_FOLDER, REJECTED_FOLDER
from schalter.callbacks.models import Callback
from tests.callbacks.conftest import ADDRESS, ARABIC_ADDRESS, callbacks_on
from tests.callbacks.mails import asterisk_mail, swyx_mail

pytestmark = pytest.mark.django_db
USER, PASSWORD = ADDRESS, "geheim"

CONFIG = """
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%u
first_valid_uid = {uid}
first_valid_gid = {gid}
default_login_user = {login_user}
default_internal_user = {internal_user}
namespace inbox {{
  inbox = yes
  separator = /
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def dovecot():
    binary = shutil.which("dovecot") or "/usr/sbin/dovecot"
    if not Path(binary).exists():
        pytest.fail("dovecot is missing: `make install` installs dovecot-imapd")
    root = Path(tempfile.mkdtemp(prefix="schalter-dovecot-"))
    root.chmod(0o755)  # the login process runs as another user and must reach base_dir
    if os.getuid() == 0:  # Dovecot gives no mail access as root: the mail belongs to `dovecot`
        account = pwd.getpwnam("dovecot")
        uid, gid, login_user, internal_user = account.pw_uid, account.pw_gid, "dovenull", "dovecot"
    else:
        me = pwd.getpwuid(os.getuid())
        uid, gid, login_user, internal_user = me.pw_uid, me.pw_gid, me.pw_name, me.pw_name
    for sub in ("mail", "home"):
        (root / sub).mkdir()
        os.chown(root / sub, uid, gid)
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
    port = free_port()
    config = root / "dovecot.conf"
    users = {"login_user": login_user, "internal_user": internal_user}
    config.write_text(CONFIG.format(root=root, uid=uid, gid=gid, port=port, **users))
    process = subprocess.Popen(
        [binary, "-F", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
                pytest.fail(f"dovecot did not start: {process.stderr.read()!r} {log}")
            time.sleep(0.1)
    yield port
    process.terminate()
    process.wait(timeout=10)
    shutil.rmtree(root, ignore_errors=True)


def mailbox(port: int) -> imaplib.IMAP4:
    connection = imaplib.IMAP4("127.0.0.1", port)
    connection.login(USER, PASSWORD)
    return connection


def count(connection: imaplib.IMAP4, folder: str) -> int:
    status, data = connection.select(f'"{folder}"', readonly=True)
    return int(data[0]) if status == "OK" else 0


def poll(port: int) -> list[dict]:
    out = StringIO()
    url = f"imap://{USER.replace('@', '%40')}:{PASSWORD}@127.0.0.1:{port}/INBOX"
    call_command("ingest_voicemail", "--imap", url, "--once", stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_the_poller_moves_each_message_after_its_commit(dovecot, office, recordings, tmp_path):
    callbacks_on(office)
    asterisk = asterisk_mail(recordings["wav"], to=ADDRESS)
    already = asterisk_mail(recordings["wav"], to=ADDRESS, number="0611 555 0123")
    spam = b"From: a@spam.example\r\nTo: voicemail@giessen.example\r\nSubject: Win\r\n\r\nNow!\r\n"
    with mailbox(dovecot) as connection:
        for mail in (asterisk, swyx_mail(recordings["opus"], to=ARABIC_ADDRESS), spam, already):
            raw = mail if isinstance(mail, bytes) else mail.as_bytes()
            connection.append("INBOX", None, None, raw)
    # `already` was ingested before (the poller died between the commit and the move).
    (tmp_path / "already.eml").write_bytes(already.as_bytes())
    call_command("ingest_voicemail", str(tmp_path / "already.eml"), stdout=StringIO())

    lines = poll(dovecot)
    assert [(line["status"], line["caller"], line["reason"]) for line in lines] == [
        ("created", "+496119876543", None),
        ("created", "+4915123456789", None),
        ("rejected", None, "not_a_voicemail"),
        ("duplicate", "+496115550123", None),
    ]
    with scopes_disabled():
        assert Callback.objects.count() == 3
        assert Callback.objects.get(pk=lines[1]["callback"]).language == "ar"
    with mailbox(dovecot) as connection:
        assert count(connection, "INBOX") == 0
        assert count(connection, DONE_FOLDER) == 3
        assert count(connection, REJECTED_FOLDER) == 1
    assert poll(dovecot) == []  # nothing left to do
