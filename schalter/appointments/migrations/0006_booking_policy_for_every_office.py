"""Every office has its booking policy from now on (created with the office; until now on first
read): create the missing ones, with the defaults they would have been read with."""

from django.db import migrations


def create_missing_policies(apps, schema_editor):
    Office = apps.get_model("offices", "Office")
    BookingPolicy = apps.get_model("appointments", "BookingPolicy")
    BookingPolicy.objects.bulk_create(
        [
            BookingPolicy(office=office)
            for office in Office.objects.filter(booking_policy__isnull=True)
        ]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("appointments", "0005_seat_blocked"),
        ("offices", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_missing_policies, migrations.RunPython.noop),
    ]
