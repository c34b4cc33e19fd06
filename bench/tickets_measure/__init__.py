"""`python -m bench tickets-measure`: the agent's pages at scale, over HTTP under gunicorn.

Against a database filled by `crm-generate` then `tickets-generate` (1,000,000 tickets,
5,000,000 messages, 100,000 customers). `bench.harness` starts gunicorn (2 sync workers,
DEBUG off, persistent connections, `--timeout 300`) with the timing middleware and
requests every agent-facing page one at a time: the inbox in every view (whole page and
the rows fragment htmx swaps), the ticket page with 500 messages, the customer page, each
role's home, the admin changelists, and the API lists. Per page: server time, SQL time
and their ratio (the budget: server <= 2x SQL), queries, p50/p95 (nearest rank).

Then, on the same server:
- ticket creation through the API: a separate client process POSTs from
  `--create-threads` keep-alive connections for `--create-seconds` (tickets per second);
  the tickets it created are deleted afterwards;
and in this process:
- the SLA sweep (`services.sla_sweep`) at a moment chosen so that `--sweep-fraction` of
  the active tickets come due, rolled back after each run (repeatable);
- EXPLAIN (ANALYZE, BUFFERS) of each inbox view's page query and capped count.

One module per concern; `__init__` re-exports their names, so `bench.tickets_measure.main`
and the other modules' imports keep working.

- `config`: who is measured, the targets, the command-line options and the subjects taken
  from the data.
- `pages`: the pages requested: inbox views and fragments, ticket, customer, homes, admin,
  API.
- `batch`: the SLA sweep and ticket creation through the API (a separate client process).
- `plans`: EXPLAIN (ANALYZE, BUFFERS) of each inbox view's queries.
- `report`: the tables and `main`, which runs it all.
"""

from .batch import (
    creation_payloads,
    delete_created,
    flush_broker,
    load_client,
    max_ticket_id,
    measure_api_create,
    measure_sweep,
    sweep_moment,
)
from .config import (
    ADMIN_CHANGELISTS,
    AGENT_EMAIL,
    API_AGENTS,
    INBOX_CASES,
    IT_EMAIL,
    ROLE_EMAIL,
    SEARCH_WORD,
    TARGETS,
    add_arguments,
    add_server_arguments,
    ensure_role_users,
    find_subjects,
    server_config,
)
from .pages import (
    HTMX,
    admin_pages,
    all_pages,
    api_pages,
    customer_pages,
    home_pages,
    inbox_pages,
    ticket_pages,
)
from .plans import inbox_plans
from .report import batch_table, main

__all__ = [
    "ADMIN_CHANGELISTS",
    "AGENT_EMAIL",
    "API_AGENTS",
    "HTMX",
    "INBOX_CASES",
    "IT_EMAIL",
    "ROLE_EMAIL",
    "SEARCH_WORD",
    "TARGETS",
    "add_arguments",
    "add_server_arguments",
    "admin_pages",
    "all_pages",
    "api_pages",
    "batch_table",
    "creation_payloads",
    "customer_pages",
    "delete_created",
    "ensure_role_users",
    "find_subjects",
    "flush_broker",
    "home_pages",
    "inbox_pages",
    "inbox_plans",
    "load_client",
    "main",
    "max_ticket_id",
    "measure_api_create",
    "measure_sweep",
    "server_config",
    "sweep_moment",
    "ticket_pages",
]
