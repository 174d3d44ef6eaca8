"""The callback an assignment serves becomes a real foreign key (same column, `callback_id`);
the time the client was told that nobody has been found yet."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("callbacks", "0002_callback_recording_key_and_more"),
        ("interpreters", "0004_budget"),
    ]

    operations = [
        # Rename, then retype: the column stays `callback_id`, its values are kept.
        migrations.RenameField(model_name="assignment", old_name="callback_id", new_name="callback"),
        migrations.AlterField(
            model_name="assignment",
            name="callback",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="interpreter_assignments",
                to="callbacks.callback",
            ),
        ),
        migrations.AddField(
            model_name="assignment",
            name="client_told_nobody_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
