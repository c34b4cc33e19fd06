"""PostgreSQL-only search indexes: trigram (typos) and full text (words, prefixes) on the
normalised search_text of contacts and organisations. Other databases skip this."""

from django.db import migrations

INDEXES = [
    ("crm_contact", "crm_contact_search_trgm",
     "USING gin (search_text gin_trgm_ops)"),
    ("crm_contact", "crm_contact_search_fts",
     "USING gin (to_tsvector('simple'::regconfig, COALESCE(search_text, '')))"),
    ("crm_organisation", "crm_org_search_trgm",
     "USING gin (search_text gin_trgm_ops)"),
    ("crm_organisation", "crm_org_search_fts",
     "USING gin (to_tsvector('simple'::regconfig, COALESCE(search_text, '')))"),
]  # fmt: skip


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, name, definition in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, name, _definition in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("crm", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
