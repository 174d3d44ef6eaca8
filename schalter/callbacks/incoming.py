"""What arrives: a message read from a voicemail e-mail (formats/) or a request from the
website, before it is a callback. Plain data; `services.callback_receive` writes it."""

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Audio:
    data: bytes
    content_type: str  # audio/wav, audio/mpeg, audio/ogg
    filename: str = ""
    duration_seconds: float | None = None  # None: not derivable from the file


@dataclass(frozen=True)
class Incoming:
    source: str  # models.Source
    # One message, one callback (models.Callback.dedup_key).
    dedup_key: str
    recording_key: str = ""  # models.Callback.recording_key
    caller_number: str = ""  # E.164, or "" when not understood
    caller_raw: str = ""  # as written
    withheld: bool = False
    review_reasons: tuple[str, ...] = ()  # models.ReviewReason values; any: flagged for review
    caller_name: str = ""
    language: str = ""
    mailbox: str = ""  # the receiving address or IMAP mailbox
    pbx_mailbox: str = ""  # the phone system's box number
    vendor: str = ""  # the format that read it: "asterisk", "swyx", a pattern's name, "web"
    recorded_at: datetime | None = None
    duration_seconds: float | None = None  # as the phone system says; the audio's own wins
    audio: Audio | None = None
    service_id: int | None = None
    preferred_windows: tuple[dict, ...] = field(default_factory=tuple)
    status_token_hash: str = ""
