"""The command-line options and the peer's description."""

from __future__ import annotations

import argparse
from pathlib import Path

TICKETS = 100_000
MESSAGES_PER_TICKET = 5
DETAIL_MESSAGES = 20  # ticket 1
QUEUES = 10
AGENTS = 25
CUSTOMERS = 5_000
ORGANISATIONS = 1_000
DAYS = 365
OPEN_SHARE = 0.35  # the peer's open 30 % + reopened 5 %
SEED = 20240601
# The peer harness's own default (its README): its venv, site and results live there.
PEER_ROOT = Path("/tmp") / "peer-helpdesk"  # noqa: S108 - the peer harness's fixed path

AGENT_EMAIL = "bench-peer-agent@relais.example"
COLLEAGUE_EMAIL = "bench-peer-{n:02d}@relais.example"
ADMIN_EMAIL = "bench-peer-admin@relais.example"
TEAM_NAME = "Support (bench peer)"

# The peer's endpoint names, the Relais page that answers the same need, and the label of
# the side-by-side table (in the order).
ENDPOINTS = [
    ("ticket_list_rows", "rows", "agent's ticket rows"),
    ("ticket_view", "ticket_page", "ticket page, 20 messages"),
    ("dashboard", "home", "agent's home"),
    ("api_tickets", "api_tickets", "REST ticket list"),
    ("admin_tickets", "admin_tickets", "Django admin ticket changelist"),
    ("ticket_list", "inbox_page", "ticket list page (peer: a shell without rows)"),
]
TARGET_RATIOS = {"rows": 20.0, "home": 20.0, "api_tickets": 20.0, "ticket_page": 5.0,
                 "admin_tickets": 5.0}  # fmt: skip


def add_generate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database-url", required=True, help="postgres://user@host:port/name")
    parser.add_argument("--tickets", type=int, default=TICKETS)
    parser.add_argument("--messages-per-ticket", type=int, default=MESSAGES_PER_TICKET)
    parser.add_argument("--detail-messages", type=int, default=DETAIL_MESSAGES)
    parser.add_argument("--queues", type=int, default=QUEUES)
    parser.add_argument("--agents", type=int, default=AGENTS)
    parser.add_argument("--customers", type=int, default=CUSTOMERS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--now", default="", help="the data's moment (default: this hour)")


def add_measure_arguments(parser: argparse.ArgumentParser) -> None:
    from ..tickets_measure import add_server_arguments

    parser.add_argument("--database-url", required=True, help="postgres://user@host:port/name")
    parser.add_argument("--runs", type=int, default=100, help="measured requests (max)")
    parser.add_argument("--warmup", type=int, default=4)
    parser.add_argument("--only", default="", help="comma-separated page keys")
    add_server_arguments(parser)


def add_compare_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--peer",
        required=True,
        type=Path,
        help="the peer's results, e.g. /tmp/peer-helpdesk/results/100k.json",
    )
    parser.add_argument(
        "--relais",
        required=True,
        type=Path,
        help="peer-measure's results, bench/results/peer-relais-<date>.json",
    )
    parser.add_argument("--label", default="", help="suffix of the results files")  # fmt: skip
