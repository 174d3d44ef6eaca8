"""What one vendor format read from a voicemail mail, before numbers are normalised."""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Reading:
    vendor: str  # "asterisk", "swyx", or a generic pattern's name
    # The caller id as written; "" when the mail says none (withheld), None when not found.
    number: str | None = None
    name: str = ""
    recorded_at: datetime | None = None
    duration_seconds: float | None = None
    pbx_mailbox: str = ""
