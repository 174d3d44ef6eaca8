"""Real voicemail mails as phone systems write them, with real recordings: espeak-ng speaks a
message into a WAV, opusenc and lame make the OPUS and MP3 of it (Debian packages the Makefile
installs)."""

import shutil
import subprocess
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import pytest

SPOKEN = "Guten Tag, hier spricht Jane Doe. Bitte rufen Sie mich zurück, es geht um meinen Titel."


def recordings_in(directory: Path) -> dict[str, bytes]:
    for tool in ("espeak-ng", "opusenc", "lame"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is missing: `make install` installs it (SYSTEM_PACKAGES)")
    wav, opus, mp3 = directory / "m.wav", directory / "m.opus", directory / "m.mp3"
    subprocess.run(["espeak-ng", "-v", "de", "-w", str(wav), SPOKEN], check=True)
    subprocess.run(["opusenc", "--quiet", str(wav), str(opus)], check=True)
    subprocess.run(["lame", "--quiet", str(wav), str(mp3)], check=True)
    return {"wav": wav.read_bytes(), "opus": opus.read_bytes(), "mp3": mp3.read_bytes()}


TYPES = {"wav": ("audio", "x-wav"), "opus": ("audio", "ogg"), "mp3": ("audio", "mpeg")}


def _mail(subject: str, body: str, to: str, audio: bytes | None, filename: str, kind: str,
          headers: dict[str, str], message_id: bool = True) -> EmailMessage:  # fmt: skip
    mail = EmailMessage()
    mail["From"] = "PBX <asterisk@pbx.example>"
    mail["To"] = to
    mail["Subject"] = subject
    mail["Date"] = format_datetime(datetime(2026, 6, 8, 9, 30, tzinfo=UTC))
    if message_id:
        mail["Message-ID"] = make_msgid(domain="pbx.example")
    for name, value in headers.items():
        mail[name] = value
    mail.set_content(body)
    if audio is not None:
        maintype, subtype = TYPES[kind]
        mail.add_attachment(audio, maintype=maintype, subtype=subtype, filename=filename)
    return mail


def asterisk_mail(audio: bytes | None, *, to: str, number: str = "06119876543",
                  name: str = "Jane Doe", imap_headers: bool = False, kind: str = "wav",
                  **extra) -> EmailMessage:  # fmt: skip
    """app_voicemail's own mail: X-Asterisk-CallerID(Name); with IMAP storage the VM set too."""
    headers = {}
    if imap_headers:
        headers = {
            "X-Asterisk-VM-Message-Num": "1",
            "X-Asterisk-VM-Context": "default",
            "X-Asterisk-VM-Extension": "100",
            "X-Asterisk-VM-Caller-ID-Num": number,
            "X-Asterisk-VM-Caller-ID-Name": name,
            "X-Asterisk-VM-Duration": "7",
            "X-Asterisk-VM-Orig-time": "1780910400",  # 2026-06-08 09:20 UTC
        }
    else:
        if number:
            headers["X-Asterisk-CallerID"] = number
        if name:
            headers["X-Asterisk-CallerIDName"] = name
    body = (
        "Dear Ausländerbehörde:\n\n\tjust wanted to let you know you were just left a 0:07 long "
        f'message (number 1)\nin mailbox 100 from "{name}" <{number}>, on Monday, June 08, '
        "2026 at 11:20:00 AM so you might\nwant to check it when you get a chance.  Thanks!\n\n"
        "\t\t\t\t--Asterisk\n"
    )
    headers.update(extra.pop("headers", {}))
    return _mail("[PBX]: New message 1 in mailbox 100", body, to, audio, "msg0000." + kind,
                 kind, headers, **extra)  # fmt: skip


def swyx_mail(audio: bytes | None, *, to: str, number: str = "+4915123456789",
              name: str = "Jane Doe", kind: str = "opus", **extra) -> EmailMessage:  # fmt: skip
    filename = f"Voicemail-260608-112000-{number}-{name.replace(' ', '_')}.{kind}"
    return _mail(f"Voicemail von {name} ({number})", "Sie haben eine neue Voicemail.", to,
                 audio, filename, kind, {}, **extra)  # fmt: skip


def generic_mail(audio: bytes | None, *, to: str, number: str = "0170 1234567",
                 name: str = "Jane Doe", kind: str = "mp3", **extra) -> EmailMessage:  # fmt: skip
    """As a STARFACE writes it (the unverified preset's idea of it)."""
    return _mail(f"Neue Voicemail von {name} ({number})",
                 "Anrufer: {name}\nDauer: 0:07\n", to, audio, "voicemail.mp3", kind, {},
                 **extra)  # fmt: skip
