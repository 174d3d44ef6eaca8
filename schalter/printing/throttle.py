"""Rate limits on PDFs per client address (schalter.appointments.ratelimit, shared by every app
process). Every PDF request counts against a generous limit (a kept PDF costs little: building
its HTML and reading a file); each render, seconds of CPU, against a tight one. An office that
prints its arrow signs for every desk stays well within them over an afternoon; a script that
walks languages and desks is told to wait (429 with Retry-After)."""

from datetime import datetime

from schalter.appointments import ratelimit

WINDOW_SECONDS = 600
# PDF requests per address and window, kept or rendered.
REQUEST_LIMIT = 120
# Renders (PDFs not kept yet) per address and window.
RENDER_LIMIT = 20


def retry_after_seconds(now: datetime) -> int:
    """Seconds until the current window ends (the limits use fixed windows)."""
    return max(1, WINDOW_SECONDS - int(now.timestamp()) % WINDOW_SECONDS)


def pdf_request_check(*, address: str, now: datetime) -> None:
    """Count one PDF request; raise RateLimited above REQUEST_LIMIT."""
    ratelimit.hit(f"pdf:ip:{address}", limit=REQUEST_LIMIT, window_seconds=WINDOW_SECONDS, now=now)


def pdf_render_check(*, address: str, now: datetime) -> None:
    """Count one render; raise RateLimited above RENDER_LIMIT."""
    ratelimit.hit(
        f"pdf-render:ip:{address}", limit=RENDER_LIMIT, window_seconds=WINDOW_SECONDS, now=now
    )
