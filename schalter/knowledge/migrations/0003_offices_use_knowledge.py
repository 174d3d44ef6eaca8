"""Offices that exist before the knowledge base came get it switched on, as new offices do
(its part is on by default, offices/parts.py)."""

from django.db import migrations


def switch_on(apps, schema_editor) -> None:
    Office = apps.get_model("offices", "Office")
    for office in Office.objects.all():
        if "knowledge" not in office.parts:
            office.parts = [*office.parts, "knowledge"]
            office.save(update_fields=["parts"])


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0002_search_index"), ("offices", "0002_office_parts")]

    operations = [migrations.RunPython(switch_on, migrations.RunPython.noop)]
