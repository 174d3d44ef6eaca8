"""The one rule against bots that the public pages and the API share (docs/anti-bot.md)."""

from datetime import UTC, datetime

import pytest

from schalter.appointments import antibot
from schalter.appointments.challenge import challenge_new, solve_for_tests
from schalter.appointments.errors import ChallengeFailed, RateLimited
from schalter.appointments.models import RateLimit

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


def attempt(*, address="203.0.113.7", email="a@example.org", proof="", script_ran=False):
    antibot.attempt_check(address=address, email=email, proof=proof, script_ran=script_ran, now=NOW)


def counts() -> dict[str, int]:
    return {row.key: row.count for row in RateLimit.objects.all()}


def test_the_limits_keys_and_refusals(settings):
    settings.SCHALTER_CAPTCHA = True
    # Without script and without a proof: three a day per address, then "not solved".
    for n in range(3):
        attempt(email=f"p{n}@example.org")
    with pytest.raises(ChallengeFailed) as refused:
        attempt(email="p3@example.org")
    assert refused.value.field is None
    assert counts()["book:noscript:203.0.113.7"] == 4
    assert counts()["book:ip:203.0.113.7"] == 4

    # With script, the proof of work is required (and one solution is accepted once).
    with pytest.raises(ChallengeFailed) as unsolved:
        attempt(address="198.51.100.1", script_ran=True)
    assert unsolved.value.field == "altcha"
    proof = solve_for_tests(challenge_new(NOW))
    attempt(address="198.51.100.1", proof=proof, email="B.Person+x@Example.org")
    with pytest.raises(ChallengeFailed):
        attempt(address="198.51.100.1", proof=proof)

    # Five attempts an hour per normalised e-mail address; an empty address is not counted.
    settings.SCHALTER_CAPTCHA = False
    for _ in range(4):
        attempt(address="198.51.100.2", email="b.person@example.org", script_ran=True)
    with pytest.raises(RateLimited):
        attempt(address="198.51.100.2", email="b.person@example.org", script_ran=True)
    attempt(address="198.51.100.3", email="", script_ran=True)
    assert not any(key == "book:email:" for key in counts())

    # Thirty attempts in ten minutes per address.
    for _ in range(30 - counts()["book:ip:198.51.100.3"]):
        attempt(address="198.51.100.3", email="", script_ran=True)
    with pytest.raises(RateLimited):
        attempt(address="198.51.100.3", email="", script_ran=True)
