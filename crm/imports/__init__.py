"""CSV import of contacts and organisations.

An import goes through three steps, each a function the views, the tasks and the
benchmarks call:

1. `import_job_create` checks the file before parsing any row (size, binary content,
   encoding, header), stores it and queues the dry run.
2. `import_job_validate` (the dry run, in `import_validate_task`) reads every row and
   checks it with the rules the services apply one contact at a time, in batches so that
   100,000 rows take a few seconds; errors are kept per row.
3. `import_job_commit` (in `import_commit_task`, once the user asked for it through
   `import_job_commit_schedule`) checks the rows again, since the data may have changed,
   and writes them all in one transaction, or none.

The commit writes with `bulk_create` rather than `contact_create` per row (see
`writers`): the rows written are the ones `contact_create` / `organisation_create` would
write, except that the timeline row is an "imported" one pointing at the import job and
django-simple-history records no history row for them.

One module per step of the work; this package re-exports their public names:

- `columns`: the column vocabulary (headers in both languages), the template, the help
- `files`: checking and reading the file (size, encoding, delimiter, header)
- `cells`: cleaning one cell (choices, dates, countries, sizes, tags...)
- `rows`: checking rows batch by batch, in the file and against the database
  (`lookups`: the bulk reads those checks make)
- `writers`: writing checked rows in bulk
- `jobs`: the job's steps, its progress and its error report

The CSV/XLSX export of a contact list is `crm.exports`; the list of jobs is
`crm.selectors.import_job_list`.
"""

from __future__ import annotations

from .cells import (
    ERROR_BOOLEAN,
    ERROR_CHOICE,
    ERROR_COUNTRY,
    ERROR_DATE,
    ERROR_DATE_FUTURE,
    ERROR_LANGUAGE,
    ERROR_TOO_LONG,
    ERROR_URL,
)
from .columns import (
    COLUMNS,
    CONTACT_COLUMNS,
    ERROR_DUPLICATE_COLUMN,
    ERROR_MISSING_COLUMNS,
    EXTERNAL_ID_DEFAULT_SYSTEM,
    EXTERNAL_ID_PREFIXES,
    MULTI_VALUE_FIELDS,
    ORGANISATION_COLUMNS,
    PHONE_KINDS,
    REQUIRED_COLUMNS,
    Column,
    ColumnHelp,
    HeaderMap,
    import_column_help,
    import_template_csv,
    map_header,
)
from .files import (
    CSV_DELIMITERS,
    ERROR_FILE_BINARY,
    ERROR_FILE_EMPTY,
    ERROR_FILE_NO_HEADER,
    ERROR_FILE_SPREADSHEET,
    ERROR_FILE_TOO_LARGE,
    ERROR_UNKNOWN_KIND,
    READ_CHUNK_BYTES,
    SNIFF_BYTES,
    FileCheck,
    import_file_check,
    import_job_columns,
)
from .jobs import (
    BATCH_SIZE,
    ERROR_COMMIT_FAILED,
    ERROR_NO_ROWS,
    ERROR_NOT_READY,
    ERROR_UNREADABLE,
    PROGRESS_TIMEOUT_SECONDS,
    RUNNING_STATUSES,
    ImportProgress,
    import_job_commit,
    import_job_commit_schedule,
    import_job_create,
    import_job_errors_csv,
    import_job_progress,
    import_job_validate,
)
from .rows import (
    ERROR_DUPLICATE_CONTACT,
    ERROR_DUPLICATE_IN_FILE,
    ERROR_EMAIL_OR_PHONE,
    ERROR_EXTERNAL_ID_TAKEN,
    ERROR_LEGAL_ID_TAKEN,
    ERROR_ORGANISATION_AMBIGUOUS,
    ERROR_ORGANISATION_EXISTS,
    ERROR_ORGANISATION_NOT_FOUND,
    ERROR_OWNER_NOT_FOUND,
    ERROR_REQUIRED,
    ERROR_TOO_MANY_CELLS,
    MAX_STORED_ERRORS,
)

__all__ = [
    "BATCH_SIZE",
    "COLUMNS",
    "CONTACT_COLUMNS",
    "CSV_DELIMITERS",
    "ERROR_BOOLEAN",
    "ERROR_CHOICE",
    "ERROR_COMMIT_FAILED",
    "ERROR_COUNTRY",
    "ERROR_DATE",
    "ERROR_DATE_FUTURE",
    "ERROR_DUPLICATE_COLUMN",
    "ERROR_DUPLICATE_CONTACT",
    "ERROR_DUPLICATE_IN_FILE",
    "ERROR_EMAIL_OR_PHONE",
    "ERROR_EXTERNAL_ID_TAKEN",
    "ERROR_FILE_BINARY",
    "ERROR_FILE_EMPTY",
    "ERROR_FILE_NO_HEADER",
    "ERROR_FILE_SPREADSHEET",
    "ERROR_FILE_TOO_LARGE",
    "ERROR_LANGUAGE",
    "ERROR_LEGAL_ID_TAKEN",
    "ERROR_MISSING_COLUMNS",
    "ERROR_NOT_READY",
    "ERROR_NO_ROWS",
    "ERROR_ORGANISATION_AMBIGUOUS",
    "ERROR_ORGANISATION_EXISTS",
    "ERROR_ORGANISATION_NOT_FOUND",
    "ERROR_OWNER_NOT_FOUND",
    "ERROR_REQUIRED",
    "ERROR_TOO_LONG",
    "ERROR_TOO_MANY_CELLS",
    "ERROR_UNKNOWN_KIND",
    "ERROR_UNREADABLE",
    "ERROR_URL",
    "EXTERNAL_ID_DEFAULT_SYSTEM",
    "EXTERNAL_ID_PREFIXES",
    "MAX_STORED_ERRORS",
    "MULTI_VALUE_FIELDS",
    "ORGANISATION_COLUMNS",
    "PHONE_KINDS",
    "PROGRESS_TIMEOUT_SECONDS",
    "READ_CHUNK_BYTES",
    "REQUIRED_COLUMNS",
    "RUNNING_STATUSES",
    "SNIFF_BYTES",
    "Column",
    "ColumnHelp",
    "FileCheck",
    "HeaderMap",
    "ImportProgress",
    "import_column_help",
    "import_file_check",
    "import_job_columns",
    "import_job_commit",
    "import_job_commit_schedule",
    "import_job_create",
    "import_job_errors_csv",
    "import_job_progress",
    "import_job_validate",
    "import_template_csv",
    "map_header",
]
