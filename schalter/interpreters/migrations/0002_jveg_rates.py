from datetime import date
from decimal import Decimal

from django.db import migrations

# JVEG § 9 (5) and § 5 (2) Nr. 2 as they stand; later versions are added as rows, not edits.
JVEG = [
    (date(2021, 1, 1), date(2025, 5, 31), Decimal(85)),
    (date(2025, 6, 1), None, Decimal(93)),
]


def seed(apps, schema_editor):
    FeeRate = apps.get_model("interpreters", "FeeRate")
    for valid_from, valid_until, hourly in JVEG:
        FeeRate.objects.get_or_create(
            office=None,
            valid_from=valid_from,
            defaults={"valid_until": valid_until, "hourly": hourly, "per_km": Decimal("0.42")},
        )


class Migration(migrations.Migration):
    dependencies = [("interpreters", "0001_fee_rates")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
