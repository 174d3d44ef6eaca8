from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from schalter.accounts.actors import COMMAND
from schalter.accounts.models import AuditEvent
from schalter.appointments.models import Appointment, RateLimit, Status
from schalter.appointments.retention import personal_data_purge, rate_limits_prune
from tests.conftest import book_earliest_by_phone, make_bookable

pytestmark = pytest.mark.django_db


def test_personal_data_goes_after_the_retention_period_and_figures_stay(office):
    offered = make_bookable(office)
    appointment = book_earliest_by_phone(
        office,
        offered["short"],
        name="Olena Kovalenko",
        email="olena@example.org",
        phone="0151 23456789",
    )
    soon_after = appointment.end + timedelta(days=30)
    assert personal_data_purge(office=office, now=soon_after, acting_user=COMMAND) == 0
    later = appointment.end + timedelta(days=91)
    assert personal_data_purge(office=office, now=later, acting_user=COMMAND) == 1
    with scopes_disabled():
        kept = Appointment.objects.get(pk=appointment.pk)
    assert (kept.name, kept.email, kept.phone, kept.manage_token_hash) == ("", "", "", "")
    assert kept.anonymised_at == later
    assert (kept.service_id, kept.status, kept.start) == (
        offered["short"].pk,
        Status.CONFIRMED,
        appointment.start,
    )
    assert AuditEvent.objects.filter(action="appointments.retention.purged").exists()
    assert personal_data_purge(office=office, now=later, acting_user=COMMAND) == 0  # once


def test_old_rate_limit_windows_are_pruned_but_used_challenges_stay(db):
    now = timezone.now()
    RateLimit.objects.create(key="book:ip:1.2.3.4", window_start=now - timedelta(days=3))
    RateLimit.objects.create(key="book:ip:1.2.3.4", window_start=now)
    RateLimit.objects.create(key="altcha:abc", window_start=now - timedelta(days=300))
    assert rate_limits_prune(now=now) == 1
    assert RateLimit.objects.filter(key="altcha:abc").exists()
