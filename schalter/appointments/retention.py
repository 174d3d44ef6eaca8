"""Deletion on schedule: personal data goes `retention_days` after the appointment (90 by
default); the rows stay, anonymised, so figures survive."""

from datetime import datetime, timedelta

from django.db import transaction
from django_scopes import scope

from schalter.accounts.services import Actor, audit_record
from schalter.appointments.models import (
    Appointment,
    AppointmentLink,
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
        links_of_the_past_clear(office=office, now=now)
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


def links_of_the_past_clear(*, office: Office, now: datetime) -> None:
    """Links open an appointment until it has passed: then their hashes go, the hashes of
    tokens sent before links became random among them (docs/capabilities.md). Not personal
    data, so not counted or audited as such."""
    AppointmentLink.objects.filter(appointment__office=office, appointment__end__lte=now).delete()
    Appointment.objects.filter(office=office, end__lte=now).exclude(
        manage_token_hash="", confirm_token_hash=""
    ).update(manage_token_hash="", confirm_token_hash="")


def rate_limits_prune(*, now: datetime) -> int:
    """Old rate-limit windows are of no use (one-time challenge marks expire with them)."""
    return (
        RateLimit.objects.filter(window_start__lt=now - RATE_LIMIT_KEEP)
        .exclude(key__startswith="altcha:")
        .delete()[0]
    )
