"""Callbacks in the demo: Wiesbaden (which let callers leave a message after five rings) and the
practice office take voicemails from their phone systems; each gets its receiving addresses (one
per phone-menu language), its promise and a few voicemails on the worklist, with small generated
recordings. Wiesbaden also has a few callback requests from its website (topic, times)."""

import io
import math
import struct
import wave
from collections.abc import Iterable
from datetime import datetime, timedelta

from schalter.accounts.actors import CLIENT, COMMAND
from schalter.accounts.members import profile_of
from schalter.accounts.models import Membership
from schalter.accounts.roles import Role
from schalter.appointments.selectors import offered_services
from schalter.callbacks import services
from schalter.callbacks.formats.audio import WAV
from schalter.callbacks.incoming import Audio, Incoming
from schalter.callbacks.models import CallbackMailbox, CallbackPolicy
from schalter.callbacks.numbers import number_read
from schalter.callbacks.parts import CALLBACKS
from schalter.callbacks.requests import callback_request, windows_from_keys
from schalter.offices.models import Office
from schalter.offices.services import office_part_switch

# Phone-menu boxes: "press 2 for Arabic, 3 for Turkish, 4 for Ukrainian".
BOX_LANGUAGES = ("", "ar", "tr", "uk")
# (caller id as the phone system wrote it, caller name, box language, hours ago)
VOICEMAILS = (
    ("01512 3456789", "Amira Haddad", "ar", 30),
    ("0611 9876543", "Mehmet Yilmaz", "tr", 20),
    ("anonymous", "", "", 6),
    ("+380 67 123 4567", "Olena Koval", "uk", 2),
    ("0176 55501234", "Jane Doe", "", 1),
)

# What the offices' callback agents speak besides German (routing by language): Ukrainian
# voicemails then say that nobody speaks it and suggest a phone interpreter.
AGENT_LANGUAGES = ["ar", "tr"]

# Requests from the website, Wiesbaden only: (number as typed, language, preferred times,
# with a topic, hours ago).
WEB_OFFICES = ("wiesbaden",)
WEB_REQUESTS = (
    ("0157 33344455", "ar", ("morning",), True, 26),
    ("+40 721 234 567", "ro", ("afternoon",), False, 5),
    ("0049 160 7654321", "fa-af", ("morning", "midday"), True, 3),
)


def tone(seconds: float, pitch: float) -> bytes:
    """A small WAV (8 kHz, 16 bit, mono) standing in for a recording."""
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(8000)
        writer.writeframes(
            b"".join(
                struct.pack("<h", int(6000 * math.sin(2 * math.pi * pitch * n / 8000)))
                for n in range(int(8000 * seconds))
            )
        )
    return out.getvalue()


def seed_callbacks(offices: Iterable[Office], now: datetime) -> None:
    """Switch callbacks on for `offices` and give each its boxes and a few voicemails."""
    for office in offices:
        office_part_switch(office=office, name=CALLBACKS, on=True, acting_user=COMMAND)
        office.refresh_from_db()
        CallbackPolicy.objects.update_or_create(office=office, defaults={"retention_days": 30})
        for membership in Membership.objects.filter(office=office, role=Role.CALLBACK_AGENT):
            profile = profile_of(membership.user)
            profile.spoken_languages = AGENT_LANGUAGES
            profile.save(update_fields=["spoken_languages"])
        for language in BOX_LANGUAGES:
            CallbackMailbox.objects.create(
                office=office,
                address=f"voicemail{'-' + language if language else ''}@{office.slug}"
                ".demo.schalter.example",
                language=language,
            )
        for number, (caller, name, language, hours_ago) in enumerate(VOICEMAILS):
            reading = number_read(caller)
            services.callback_receive(
                office=office,
                incoming=Incoming(
                    source="voicemail",
                    dedup_key=f"msgid:<demo-{office.slug}-{number}@pbx.demo>",
                    caller_number=reading.e164,
                    caller_raw=reading.raw,
                    withheld=reading.withheld,
                    review_reasons=("withheld",) if reading.withheld else (),
                    caller_name=name,
                    language=language,
                    vendor="asterisk",
                    pbx_mailbox="100",
                    recorded_at=now - timedelta(hours=hours_ago),
                    audio=Audio(
                        data=tone(1.5 + number / 2, 330 + 55 * number),
                        content_type=WAV,
                        filename="msg0000.wav",
                        duration_seconds=1.5 + number / 2,
                    ),
                ),
                now=now - timedelta(hours=hours_ago),
                acting_user=COMMAND,
            )
        if office.slug in WEB_OFFICES:
            seed_web_requests(office, now)


def seed_web_requests(office: Office, now: datetime) -> None:
    """A few requests as clients make them on the callback form."""
    topics = sorted(o.service_id for o in offered_services(office, online_only=False))
    for index, (number, language, windows, with_topic, hours_ago) in enumerate(WEB_REQUESTS):
        callback_request(
            office=office,
            number=number,
            language=language,
            service_id=topics[index % len(topics)] if with_topic and topics else None,
            windows=windows_from_keys(list(windows)),
            now=now - timedelta(hours=hours_ago),
            acting_user=CLIENT,
        )
