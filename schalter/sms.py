"""Text messages leave through a gateway outside this machine, behind this small interface.

Backends: `ConsoleSms` (demo: prints), `HttpSms` (a provider's HTTP API: POST JSON
{"to", "text"} with a bearer key). Tests run a real local HTTP server as the gateway."""

import json
import logging
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


class ConsoleSms:
    def send(self, *, to: str, text: str) -> None:
        log.warning("SMS to %s: %s", to, text)


class HttpSms:
    def __init__(self, url: str | None = None, key: str | None = None, timeout: float = 5):
        self.url = url or settings.SCHALTER_SMS_URL
        self.key = key or settings.SCHALTER_SMS_KEY
        self.timeout = timeout

    def send(self, *, to: str, text: str) -> None:
        request = urllib.request.Request(  # noqa: S310 (the URL is the operator's setting)
            self.url,
            data=json.dumps({"to": to, "text": text}).encode(),
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.key}"},
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
            response.read()


def gateway():
    return import_string(settings.SCHALTER_SMS_BACKEND)()


def send_sms(*, to: str, text: str) -> bool:
    """Send; a failing gateway is logged, never turned into a failed request."""
    try:
        gateway().send(to=to, text=text)
    except OSError:
        log.exception("SMS to %s not sent", to[:6])
        return False
    return True
