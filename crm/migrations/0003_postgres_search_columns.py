"""PostgreSQL search, tuned at 100,000 contacts (docs/benchmarks.md):

- A stored generated tsvector column, so a full-text match costs no to_tsvector() per
  row whatever plan the planner picks; GIN-indexed. The ORM does not know the column:
  selectors query it with SQL, inserts and updates never write it.
- Typo tolerance on the first 64 characters of search_text (names and job title come
  first): trigram rechecks on short text instead of names plus emails and ids.
Other databases skip this migration's work.
"""

from django.db import migrations

FORWARD = [
    "DROP INDEX IF EXISTS crm_contact_search_trgm",
    "DROP INDEX IF EXISTS crm_contact_search_fts",
    "DROP INDEX IF EXISTS crm_org_search_trgm",
    "DROP INDEX IF EXISTS crm_org_search_fts",
    "ALTER TABLE crm_contact ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED",
    "ALTER TABLE crm_organisation ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED",
    "CREATE INDEX IF NOT EXISTS crm_contact_search_vector ON crm_contact USING gin (search_vector)",
    "CREATE INDEX IF NOT EXISTS crm_org_search_vector ON crm_organisation USING gin (search_vector)",
    "CREATE INDEX IF NOT EXISTS crm_contact_search_head_trgm ON crm_contact "
    "USING gin ((left(search_text, 64)) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS crm_org_search_head_trgm ON crm_organisation "
    "USING gin ((left(search_text, 64)) gin_trgm_ops)",
]

BACKWARD = [
    "DROP INDEX IF EXISTS crm_contact_search_head_trgm",
    "DROP INDEX IF EXISTS crm_org_search_head_trgm",
    "ALTER TABLE crm_contact DROP COLUMN IF EXISTS search_vector",
    "ALTER TABLE crm_organisation DROP COLUMN IF EXISTS search_vector",
    "CREATE INDEX IF NOT EXISTS crm_contact_search_trgm ON crm_contact "
    "USING gin (search_text gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS crm_org_search_trgm ON crm_organisation "
    "USING gin (search_text gin_trgm_ops)",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("crm", "0002_postgres_search_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]
