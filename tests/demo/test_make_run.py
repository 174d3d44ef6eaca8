"""`make run` as a newcomer meets it: links follow the port it serves on, e-mails are readable."""

import io
import os
import subprocess
import sys
from pathlib import Path

from django.core.mail.message import EmailMessage

from schalter.demo.mail import ReadableConsoleBackend


def test_links_name_the_port_make_run_serves_on():
    environment = {
        **os.environ,
        "PORT": "9000",
        "DJANGO_SETTINGS_MODULE": "schalter.config.settings.local",
    }
    environment.pop("SCHALTER_PUBLIC_URL", None)
    script = (
        "import django; django.setup(); from schalter.links import public_url; "
        "print(public_url('/de/giessen/'))"
    )
    shown = subprocess.run(
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert shown == "http://127.0.0.1:9000/de/giessen/"
    makefile = Path("Makefile").read_text(encoding="utf-8")
    assert "\nexport PORT\n" in makefile  # make hands PORT to runserver's settings


def test_demo_mails_are_readable_in_the_terminal():
    stream = io.StringIO()
    link = "http://127.0.0.1:9000/ar/giessen/book/manage/ABCD1234/x-y_z/"
    message = EmailMessage(
        subject="موعدك مؤكد", body=f"مرحبًا ليلى،\n{link}\n", to=["laila@example.org"]
    )
    ReadableConsoleBackend(stream=stream).send_messages([message])
    text = stream.getvalue()
    assert "Subject: موعدك مؤكد" in text and link in text and "base64" not in text
