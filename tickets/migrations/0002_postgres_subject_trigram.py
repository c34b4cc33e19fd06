"""PostgreSQL-only: a trigram index so the inbox's subject search (`icontains`) uses an
index instead of scanning a million subjects. Other databases skip this."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS tickets_subject_trgm ON tickets_ticket "
        "USING gin (UPPER(subject) gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS tickets_subject_trgm")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial"), ("crm", "0002_postgres_search_indexes")]

    operations = [migrations.RunPython(create, drop)]
