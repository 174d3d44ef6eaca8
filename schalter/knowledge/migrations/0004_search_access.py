"""Who may find a revision, kept beside its search terms (knowledge/models.py SearchEntry): the
search filters the full-text index's matches on the same row instead of joining revisions and
articles for every match. Filled from the revisions here; the services keep it in step.

SQLite rebuilds the table to make the columns required, which drops the triggers that feed the
FTS5 table (migration 0002): they are made again at the end."""

import django.db.models.deletion
from django.db import migrations, models

PUBLIC_STATES = ("published", "archived")
SQLITE_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS knowledge_search_inserted AFTER INSERT ON knowledge_searchentry "
    "BEGIN INSERT INTO knowledge_search_fts(rowid, terms) VALUES (new.revision_id, new.terms); END",
    "CREATE TRIGGER IF NOT EXISTS knowledge_search_deleted AFTER DELETE ON knowledge_searchentry "
    "BEGIN INSERT INTO knowledge_search_fts(knowledge_search_fts, rowid, terms) "
    "VALUES ('delete', old.revision_id, old.terms); END",
    "CREATE TRIGGER IF NOT EXISTS knowledge_search_updated AFTER UPDATE ON knowledge_searchentry "
    "BEGIN INSERT INTO knowledge_search_fts(knowledge_search_fts, rowid, terms) "
    "VALUES ('delete', old.revision_id, old.terms); "
    "INSERT INTO knowledge_search_fts(rowid, terms) VALUES (new.revision_id, new.terms); END",
]


def fill(apps, schema_editor) -> None:
    SearchEntry = apps.get_model("knowledge", "SearchEntry")
    for entry in SearchEntry.objects.select_related("revision__article"):
        article = entry.revision.article
        entry.article_id = article.pk
        entry.office_id = article.office_id
        entry.shared = article.visibility == "shared" and entry.revision.state in PUBLIC_STATES
        entry.save(update_fields=["article", "office", "shared"])


def triggers(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_TRIGGERS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0003_offices_use_knowledge"),
        ("offices", "0002_office_parts"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="article",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="knowledge.article",
            ),
        ),
        migrations.AddField(
            model_name="searchentry",
            name="office",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="offices.office",
            ),
        ),
        migrations.AddField(
            model_name="searchentry",
            name="shared",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="searchentry",
            name="article",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="knowledge.article",
            ),
        ),
        migrations.AlterField(
            model_name="searchentry",
            name="office",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="offices.office",
            ),
        ),
        migrations.RunPython(triggers, migrations.RunPython.noop),
    ]
