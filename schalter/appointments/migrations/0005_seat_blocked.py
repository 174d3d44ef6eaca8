"""Blocked seats get an explicit flag: until now a time block moved a seat's release time
365,000 days ahead (anything released from 2500 on counted as blocked). Such seats are marked
blocked and get their own release time back."""

from datetime import UTC, datetime, timedelta

from django.db import migrations, models
from django.db.models import F

SEAT_SHIFT = timedelta(days=365_000)
BLOCKED_FROM = datetime(2500, 1, 1, tzinfo=UTC)


def flag_shifted_seats(apps, schema_editor):
    Seat = apps.get_model("appointments", "Seat")
    Seat.objects.filter(released_at__gte=BLOCKED_FROM).update(
        blocked=True, released_at=F("released_at") - SEAT_SHIFT
    )


def shift_flagged_seats(apps, schema_editor):
    Seat = apps.get_model("appointments", "Seat")
    Seat.objects.filter(blocked=True).update(released_at=F("released_at") + SEAT_SHIFT)


class Migration(migrations.Migration):
    dependencies = [
        ("appointments", "0004_retention"),
    ]

    operations = [
        migrations.AddField(
            model_name="seat",
            name="blocked",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(flag_shifted_seats, shift_flagged_seats),
    ]
