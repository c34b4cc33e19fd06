"""Rows of a realistic customer record, built in memory without touching a database.

Everything here is pure Python and deterministic for a given `CrmPlan` (seeded
`random.Random` instances, string seeds, a fixed time window), so the same plan gives
byte-identical rows on every machine with the same Faker version. Faker is used only for
its bundled vocabularies (French and British names, job titles), never for its random
generator. `bench.loader` writes the rows (COPY on PostgreSQL, bulk_create elsewhere).

Ids are explicit and start at 1 in every table, so rows can reference each other without
a round trip; the generator empties the tables first and resets the sequences afterwards.

One module per concern; `__init__` re-exports their names (`from bench.crm_rows import
CrmPlan, Table`).

- `plan`: the generation window and rates, `CrmPlan`, the COPY `Table`, the build results.
- `vocabulary`: names, cities, streets, notes and call topics in French and English, and
  small helpers (SIREN, phone numbers, moments).
- `parties`: organisation and contact rows (with emails, phones, identifiers, tags).
- `timeline`: timeline rows and the notes, calls and consents they point to.
"""

from .parties import CONTACT_COLUMNS, ORGANISATION_COLUMNS, build_contacts, build_organisations
from .plan import (
    FRENCH_RATE,
    ORGANISATION_ATTACH_RATE,
    WINDOW_DAYS,
    WINDOW_END,
    WINDOW_START,
    ContactsBuild,
    CrmPlan,
    OrganisationsBuild,
    Row,
    SourceTypes,
    Table,
)
from .timeline import (
    ACTIVITY_COLUMNS,
    CALL_COLUMNS,
    CONSENT_COLUMNS,
    NOTE_COLUMNS,
    iter_timeline_batches,
)
from .vocabulary import (
    BRITISH_CITIES,
    BRITISH_COMPANY_FORMS,
    BRITISH_FIRST_NAMES_F,
    BRITISH_FIRST_NAMES_M,
    BRITISH_LAST_NAMES,
    BRITISH_STREETS,
    CALL_OUTCOMES,
    CALL_TOPICS,
    CONSENT_CHANNELS,
    CONSENT_SOURCES,
    CONTACT_TAGS,
    ENGLISH_JOBS,
    FREE_MAIL_DOMAINS_EN,
    FREE_MAIL_DOMAINS_FR,
    FRENCH_CITIES,
    FRENCH_COMPANY_FORMS,
    FRENCH_FIRST_NAMES_F,
    FRENCH_FIRST_NAMES_M,
    FRENCH_JOBS,
    FRENCH_LAST_NAMES,
    FRENCH_STREETS,
    IMPORT_FILES,
    NOTES_EN,
    NOTES_FR,
    ORGANISATION_SIZES,
    ORGANISATION_TAGS,
    SECTORS_EN,
    SECTORS_FR,
    TAGS,
)

__all__ = [
    "ACTIVITY_COLUMNS",
    "BRITISH_CITIES",
    "BRITISH_COMPANY_FORMS",
    "BRITISH_FIRST_NAMES_F",
    "BRITISH_FIRST_NAMES_M",
    "BRITISH_LAST_NAMES",
    "BRITISH_STREETS",
    "CALL_COLUMNS",
    "CALL_OUTCOMES",
    "CALL_TOPICS",
    "CONSENT_CHANNELS",
    "CONSENT_COLUMNS",
    "CONSENT_SOURCES",
    "CONTACT_COLUMNS",
    "CONTACT_TAGS",
    "ENGLISH_JOBS",
    "FREE_MAIL_DOMAINS_EN",
    "FREE_MAIL_DOMAINS_FR",
    "FRENCH_CITIES",
    "FRENCH_COMPANY_FORMS",
    "FRENCH_FIRST_NAMES_F",
    "FRENCH_FIRST_NAMES_M",
    "FRENCH_JOBS",
    "FRENCH_LAST_NAMES",
    "FRENCH_RATE",
    "FRENCH_STREETS",
    "IMPORT_FILES",
    "NOTES_EN",
    "NOTES_FR",
    "NOTE_COLUMNS",
    "ORGANISATION_ATTACH_RATE",
    "ORGANISATION_COLUMNS",
    "ORGANISATION_SIZES",
    "ORGANISATION_TAGS",
    "SECTORS_EN",
    "SECTORS_FR",
    "TAGS",
    "WINDOW_DAYS",
    "WINDOW_END",
    "WINDOW_START",
    "ContactsBuild",
    "CrmPlan",
    "OrganisationsBuild",
    "Row",
    "SourceTypes",
    "Table",
    "build_contacts",
    "build_organisations",
    "iter_timeline_batches",
]
