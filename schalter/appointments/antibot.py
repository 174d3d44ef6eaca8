"""Against bots and hoarding: the checks every booking attempt and waiting-list entry passes,
whichever audience it comes through (the public pages and the API call `attempt_check`). The
limits are in `docs/anti-bot.md`."""

from datetime import datetime

from schalter.appointments import ratelimit
from schalter.appointments.challenge import challenge_verify
from schalter.appointments.errors import ChallengeFailed, RateLimited
from schalter.appointments.identity import normalise_email

# Booking attempts per client address.
ADDRESS_LIMIT = 30
ADDRESS_WINDOW_SECONDS = 600
# Without JavaScript there is no proof of work: e-mail confirmation and this tight limit remain.
NO_SCRIPT_LIMIT = 3
NO_SCRIPT_WINDOW_SECONDS = 86400
# Booking attempts per normalised e-mail address.
EMAIL_LIMIT = 5
EMAIL_WINDOW_SECONDS = 3600


def attempt_check(*, address: str, email: str, proof: str, script_ran: bool, now: datetime) -> None:
    """One booking attempt from `address` for `email`: the limit per address, the proof of work
    (`proof`, the ALTCHA payload) or, when the form was sent without script and without a
    proof, the daily no-script limit, then the limit per e-mail (when there is one). Raises
    RateLimited or ChallengeFailed. An API client always counts as running script: it must
    solve the proof of work."""
    ratelimit.hit(
        f"book:ip:{address}", limit=ADDRESS_LIMIT, window_seconds=ADDRESS_WINDOW_SECONDS, now=now
    )
    if proof or script_ran:
        challenge_verify(proof, now)
    else:
        try:
            ratelimit.hit(
                f"book:noscript:{address}",
                limit=NO_SCRIPT_LIMIT,
                window_seconds=NO_SCRIPT_WINDOW_SECONDS,
                now=now,
            )
        except RateLimited:
            raise ChallengeFailed from None
    if email:
        ratelimit.hit(
            f"book:email:{normalise_email(email)}",
            limit=EMAIL_LIMIT,
            window_seconds=EMAIL_WINDOW_SECONDS,
            now=now,
        )
