"""Reads for interpreters; never writes, never imports services."""

from schalter.interpreters.fees import Rate
from schalter.interpreters.models import FeeRate
from schalter.offices.models import Office


def statutory_rates() -> tuple[Rate, ...]:
    """The JVEG versions in the table (seeded by a migration; an operator may add more)."""
    rows = tuple(rate.as_rate() for rate in FeeRate.objects.filter(office__isnull=True))
    return rows


def rates_for(office: Office | None) -> tuple[Rate, ...]:
    """The office's framework agreement where it has one, else JVEG."""
    if office is not None:
        own = tuple(rate.as_rate() for rate in FeeRate.objects.filter(office=office))
        if own:
            return own
    return statutory_rates()
