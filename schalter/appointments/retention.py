"""Deletion on schedule: personal data goes `retention_days` after the appointment (90 by
default); the rows stay, anonymised, so figures survive."""

from datetime import datetime, timedelta

from django.db import transaction
from django_scopes import scope

from schalter.accounts.services import Actor, audit_record
from schalter.appointments.models import (
    Appointment,
    RateLimit,
    WaitlistEntry,
    WaitlistStatus,
)
from schalter.appointments.selectors import policy_of
from schalter.offices.models import Office

RATE_LIMIT_KEEP = timedelta(days=2)


@transaction.atomic
def personal_data_purge(*, office: Office, now: datetime, acting_user: Actor) -> int:
    """Anonymise past appointments and closed waiting-list entries beyond the retention period.
    Returns how many records were cleared."""
    cutoff = now - timedelta(days=policy_of(office).retention_days)
    with scope(office=office):
        appointments = Appointment.objects.filter(
            office=office, end__lt=cutoff, anonymised_at__isnull=True
        )
        cleared = appointments.update(
            name="",
            email="",
            email_normalised="",
            phone="",
            manage_token_hash="",
            confirm_token_hash="",
            anonymised_at=now,
        )
        entries = WaitlistEntry.objects.filter(office=office, created_at__lt=cutoff).exclude(
            status__in=(WaitlistStatus.WAITING, WaitlistStatus.OFFERED)
        )
        cleared += entries.count()
        entries.delete()
    if cleared:
        audit_record(
            office=office,
            acting_user=acting_user,
            action="appointments.retention.purged",
            data={"records": cleared, "before": cutoff.isoformat()},
        )
    return cleared


def rate_limits_prune(*, now: datetime) -> int:
    """Old rate-limit windows are of no use (one-time challenge marks expire with them)."""
    return (
        RateLimit.objects.filter(window_start__lt=now - RATE_LIMIT_KEEP)
        .exclude(key__startswith="altcha:")
        .delete()[0]
    )
