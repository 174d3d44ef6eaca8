"""ALTCHA proof of work (v1 challenges): costs a browser a second, a bot farm a lot. Each solved
challenge is accepted once."""

import base64
import json
from datetime import datetime, timedelta

import altcha
from django.conf import settings

from schalter.appointments import ratelimit
from schalter.appointments.challenge_solver import solve_for_tests  # noqa: F401 (its old home)
from schalter.appointments.errors import ChallengeFailed, RateLimited

CHALLENGE_MINUTES = 10
MAX_NUMBER = 25_000  # a second or two of hashing on an old phone, in the widget's worker


def challenge_new(now: datetime) -> dict:
    challenge = altcha.create_challenge_v1(
        hmac_key=settings.ALTCHA_HMAC_KEY,
        max_number=MAX_NUMBER,
        expires=now + timedelta(minutes=CHALLENGE_MINUTES),
    )
    return challenge.to_dict()


def challenge_verify(payload: str, now: datetime) -> None:
    """Raise ChallengeFailed unless the payload solves a fresh, unused challenge."""
    if not settings.SCHALTER_CAPTCHA:
        return
    if not payload or len(payload) > 4096:
        raise ChallengeFailed(field="altcha")
    try:
        ok, _error = altcha.verify_solution_v1(
            payload, settings.ALTCHA_HMAC_KEY, check_expires=True
        )
        signature = json.loads(base64.b64decode(payload))["signature"]
    except (ValueError, KeyError, TypeError):
        raise ChallengeFailed(field="altcha") from None
    if not ok:
        raise ChallengeFailed(field="altcha")
    try:
        # One window for all time: a solved challenge is never accepted twice.
        ratelimit.hit(f"altcha:{signature}", limit=1, window_seconds=10**10, now=now, always=True)
    except RateLimited:
        raise ChallengeFailed(field="altcha") from None
