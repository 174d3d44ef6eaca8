"""Offices that exist before the survey became a part get it switched on, as new offices do
(its part is on by default, insights/parts.py)."""

from django.db import migrations


def switch_on(apps, schema_editor) -> None:
    Office = apps.get_model("offices", "Office")
    for office in Office.objects.all():
        if "feedback" not in office.parts:
            office.parts = [*office.parts, "feedback"]
            office.save(update_fields=["parts"])


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0003_part_b_figures_consent_offers"),
        ("offices", "0002_office_parts"),
    ]

    operations = [migrations.RunPython(switch_on, migrations.RunPython.noop)]
