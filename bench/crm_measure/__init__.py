"""`python -m bench crm-measure`: time the customer record against a generated database.

Over HTTP under gunicorn, as `bench.harness` measures every page (2 sync workers, DEBUG
off, persistent connections, the timing middleware's server time, SQL count and SQL
time, one request at a time, nearest-rank p50/p95): the contact page, the timeline's
htmx pages, the searches and the contacts API.

`--selectors` also times the selectors alone, in process (the reads without HTTP, session
or rendering); the EXPLAIN section shows the plans of the searches, the keyset timeline
and the consents.

One module per concern; `__init__` re-exports their names, so `bench.crm_measure.main` and
the other modules' imports keep working.

- `config`: the scenarios' shape, the command-line options and the subjects (names,
  phones, typos) taken from the data.
- `scenarios`: the pages, searches and selector calls measured, and how each is run.
- `plans`: EXPLAIN of the search, keyset and consent queries, and which code was measured.
- `report`: the tables, the quiet-machine wait and `main`, which runs it all.
"""

from .config import (
    BENCH_USER_EMAIL,
    DEEP_ROW,
    PREFERRED_SURNAME,
    RESULTS_DIR,
    TARGETS,
    TIMELINE_PAGE_SIZE,
    Measurement,
    Scenario,
    Subjects,
    add_arguments,
    find_subjects,
    misspell,
)
from .plans import code_version, consent_report, explain_sql, keyset_report, search_index_report
from .report import machine, main, markdown_table, wait_for_quiet_machine
from .scenarios import bench_user, http_pages, measure, selector_scenarios

__all__ = [
    "BENCH_USER_EMAIL",
    "DEEP_ROW",
    "PREFERRED_SURNAME",
    "RESULTS_DIR",
    "TARGETS",
    "TIMELINE_PAGE_SIZE",
    "Measurement",
    "Scenario",
    "Subjects",
    "add_arguments",
    "bench_user",
    "code_version",
    "consent_report",
    "explain_sql",
    "find_subjects",
    "http_pages",
    "keyset_report",
    "machine",
    "main",
    "markdown_table",
    "measure",
    "misspell",
    "search_index_report",
    "selector_scenarios",
    "wait_for_quiet_machine",
]
