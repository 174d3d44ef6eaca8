"""The full-text index of the analysed terms (knowledge/analysis.py), one per database:

- PostgreSQL: a tsvector column generated from the terms with the 'simple' configuration (the
  terms are already stemmed and split in Python) and a GIN index on it;
- SQLite: an FTS5 table over the terms, kept in step with knowledge_searchentry by triggers.

Each statement runs only on its own database (connection.vendor)."""

from django.db import migrations

POSTGRESQL = [
    "ALTER TABLE knowledge_searchentry ADD COLUMN document tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, terms)) STORED",
    "CREATE INDEX knowledge_search_document ON knowledge_searchentry USING GIN (document)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS knowledge_search_document",
    "ALTER TABLE knowledge_searchentry DROP COLUMN IF EXISTS document",
]
SQLITE = [
    "CREATE VIRTUAL TABLE knowledge_search_fts USING fts5(terms, content='knowledge_searchentry', "
    "content_rowid='revision_id', tokenize='unicode61')",
    "CREATE TRIGGER knowledge_search_inserted AFTER INSERT ON knowledge_searchentry BEGIN "
    "INSERT INTO knowledge_search_fts(rowid, terms) VALUES (new.revision_id, new.terms); END",
    "CREATE TRIGGER knowledge_search_deleted AFTER DELETE ON knowledge_searchentry BEGIN "
    "INSERT INTO knowledge_search_fts(knowledge_search_fts, rowid, terms) "
    "VALUES ('delete', old.revision_id, old.terms); END",
    "CREATE TRIGGER knowledge_search_updated AFTER UPDATE ON knowledge_searchentry BEGIN "
    "INSERT INTO knowledge_search_fts(knowledge_search_fts, rowid, terms) "
    "VALUES ('delete', old.revision_id, old.terms); "
    "INSERT INTO knowledge_search_fts(rowid, terms) VALUES (new.revision_id, new.terms); END",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS knowledge_search_inserted",
    "DROP TRIGGER IF EXISTS knowledge_search_deleted",
    "DROP TRIGGER IF EXISTS knowledge_search_updated",
    "DROP TABLE IF EXISTS knowledge_search_fts",
]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor) -> None:
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
    ]
