"""Side by side with django-helpdesk: the peer's data shape in Relais, the same endpoints.

`python -m bench peer-generate` loads the shape `../shared/peer-helpdesk/generate.py`
gives django-helpdesk into a Relais database: 100,000 tickets created uniformly over 365
days (ids in creation order), 5 messages each except ticket 1 with 20, 10 queues,
25 agents plus the measuring one, 5,000 customers; 35 % of the tickets open (the peer's
open 30 % + reopened 5 %), the rest resolved or closed; 15 % of the open ones unassigned
(the peer: 20 % of all).
Relais keeps what it always has and the peer does not: an SLA policy per queue and
priority (so open tickets carry deadlines), the customers as CRM contacts (with an
organisation for 70 % of them and their creation on the timeline).

`python -m bench peer-measure` starts the same server as every other measurement
(gunicorn, 2 sync workers, DEBUG off, persistent connections, `--timeout 300`, the
timing middleware) and requests the peer's endpoints with the peer's procedure (4
warm-up requests, then up to 100 measured, at most 90 s per endpoint, at least 3):

- ticket_list_rows: the inbox rows htmx swaps in, view "all" (the active tickets of every
  visible queue: the measuring agent's team works all ten);
- ticket_view: `/tickets/1/`, the ticket with 20 messages;
- dashboard: the agent's home, `/workspace/agent/`;
- api_tickets: `GET /api/v1/tickets/` with the session, as the peer's is requested;
- admin_tickets: `/admin/tickets/ticket/`, as an administrator;
- ticket_list: the whole inbox page (the peer's is a shell without rows).

`python -m bench peer-compare` reads both result files and writes the side-by-side table
(p50 and p95 from the raw samples of both, nearest rank, and their ratios).

One module per concern; `__init__` re-exports their names, so `bench.peer.run` and the
other modules' imports keep working.

- `config`: the command-line options and the peer's description.
- `generation`: the peer's database filled with the same data.
- `measuring`: the same pages measured on both, and the side-by-side tables.
- `interleaved`: both servers measured in turn (`run`).
"""

from .config import (
    ADMIN_EMAIL,
    AGENT_EMAIL,
    AGENTS,
    COLLEAGUE_EMAIL,
    CUSTOMERS,
    DAYS,
    DETAIL_MESSAGES,
    ENDPOINTS,
    MESSAGES_PER_TICKET,
    OPEN_SHARE,
    ORGANISATIONS,
    PEER_ROOT,
    QUEUES,
    SEED,
    TARGET_RATIOS,
    TEAM_NAME,
    TICKETS,
    add_compare_arguments,
    add_generate_arguments,
    add_measure_arguments,
)
from .generation import desk_setup, generate, load_tickets_with_skeleton, peer_skeleton, verify
from .interleaved import add_run_arguments, peer_harness_dir, run
from .measuring import HTMX, compare, measure, peer_pages, side_by_side, side_by_side_table

__all__ = [
    "ADMIN_EMAIL",
    "AGENTS",
    "AGENT_EMAIL",
    "COLLEAGUE_EMAIL",
    "CUSTOMERS",
    "DAYS",
    "DETAIL_MESSAGES",
    "ENDPOINTS",
    "HTMX",
    "MESSAGES_PER_TICKET",
    "OPEN_SHARE",
    "ORGANISATIONS",
    "PEER_ROOT",
    "QUEUES",
    "SEED",
    "TARGET_RATIOS",
    "TEAM_NAME",
    "TICKETS",
    "add_compare_arguments",
    "add_generate_arguments",
    "add_measure_arguments",
    "add_run_arguments",
    "compare",
    "desk_setup",
    "generate",
    "load_tickets_with_skeleton",
    "measure",
    "peer_harness_dir",
    "peer_pages",
    "peer_skeleton",
    "run",
    "side_by_side",
    "side_by_side_table",
    "verify",
]
