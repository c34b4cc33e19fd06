"""Who is measured, the targets, the command-line options and the subjects taken from the
data."""

from __future__ import annotations

import argparse
from typing import Any

from ..harness import (
    ServerConfig,
)

AGENT_EMAIL = "bench-desk-01-02@relais.example"  # team 1, holds the 500-message ticket
API_AGENTS = [f"bench-desk-01-{n:02d}@relais.example" for n in range(2, 10)]
IT_EMAIL = "bench-desk-10-01@relais.example"  # the IT team's lead (role "it")
ROLE_EMAIL = "bench-role-{role}@relais.example"
SEARCH_WORD = "remboursement"

TARGETS = {
    "inbox_p95_ms": 80.0,
    "ticket_page_p95_ms": 80.0,
    "sweep_max_ms": 5000.0,
    "api_create_per_second": 200.0,
}

INBOX_CASES = [
    ("mine", "mine", {"view": "mine"}),
    ("team", "my team", {"view": "team"}),
    ("unassigned", "unassigned", {"view": "unassigned"}),
    ("breaching", "breaching (by deadline)", {"view": "breaching"}),
    ("all", "all visible", {"view": "all"}),
    ("filtered", "all, open + high + one queue",
     {"view": "all", "status": "open", "priority": "3", "queue": "QUEUE"}),
    ("search", f"all, subject search “{SEARCH_WORD}”", {"view": "all", "q": SEARCH_WORD}),
]  # fmt: skip

ADMIN_CHANGELISTS = [
    ("admin_tickets", "Admin: tickets changelist", "/admin/tickets/ticket/"),
    ("admin_messages", "Admin: messages changelist", "/admin/tickets/message/"),
    ("admin_contacts", "Admin: contacts changelist", "/admin/crm/contact/"),
    ("admin_organisations", "Admin: organisations changelist", "/admin/crm/organisation/"),
    ("admin_activities", "Admin: timeline changelist", "/admin/crm/activity/"),
    ("admin_users", "Admin: users changelist", "/admin/accounts/user/"),
]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database-url", required=True, help="postgres://user@host:port/name")
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--only", default="", help="comma-separated page keys (and sla_sweep, "
                        "api_create, explain)")  # fmt: skip
    parser.add_argument("--no-create", action="store_true", help="skip API creation")
    parser.add_argument("--no-sweep", action="store_true", help="skip the SLA sweep")
    parser.add_argument("--no-explain", action="store_true")
    parser.add_argument("--create-seconds", type=float, default=20.0)
    parser.add_argument("--create-threads", type=int, default=4)
    parser.add_argument("--sweep-runs", type=int, default=5)
    parser.add_argument(
        "--sweep-fraction", type=float, default=0.03,
        help="share of the active tickets whose warning or deadline comes due at the "
        "measured sweep (default 3 %%)",
    )  # fmt: skip
    add_server_arguments(parser)


def add_server_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=0, help="server port (default: a free one)")
    parser.add_argument("--broker-url", default=None, help="Celery broker of the server "
                        "(default $BENCH_BROKER_URL or redis db 14)")  # fmt: skip
    parser.add_argument("--cache-url", default=None, help="cache of the server "
                        "(default $BENCH_CACHE_URL or redis db 15)")  # fmt: skip
    parser.add_argument("--max-load", type=float, default=0.0,
                        help="wait until the 1-minute load average is below this")  # fmt: skip
    parser.add_argument("--label", default="", help="suffix of the results files")
    parser.add_argument(
        "--budget-seconds", type=float, default=90.0,
        help="stop measuring a page after this long (at least 3 requests), as the peer "
        "harness does; 0 for no limit",
    )  # fmt: skip


def server_config(args: argparse.Namespace) -> ServerConfig:
    options: dict[str, Any] = {"database_url": args.database_url, "port": args.port}
    if args.broker_url:
        options["broker_url"] = args.broker_url
    if args.cache_url:
        options["cache_url"] = args.cache_url
    return ServerConfig(**options)


def ensure_role_users() -> dict[str, str]:
    """The user whose home each role's workspace is measured with (created if missing)."""
    from accounts.models import User
    from accounts.roles import ROLE_ORDER
    from accounts.services import user_create

    emails = {"agent": AGENT_EMAIL}
    if User.objects.filter(email=IT_EMAIL).exists():
        emails["it"] = IT_EMAIL
    for role in ROLE_ORDER:
        if role in emails:
            continue
        email = ROLE_EMAIL.format(role=role)
        if not User.objects.filter(email=email).exists():
            user_create(email=email, password=None, first_name="Bench", last_name=role,
                        roles=[role])  # fmt: skip
        emails[role] = email
    return emails


def find_subjects() -> dict[str, Any]:
    from django.db import connection

    from accounts.models import User
    from tickets.models import Queue

    agent = User.objects.filter(email=AGENT_EMAIL).first()
    if agent is None:
        raise SystemExit("No bench agent: run `python -m bench tickets-generate` first.")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, message_count FROM tickets_ticket ORDER BY message_count DESC, id LIMIT 1"
        )
        heavy_id, heavy_messages = cursor.fetchone()
        cursor.execute(
            "SELECT count(*) FROM tickets_ticket WHERE status IN "
            "('new','open','pending_customer','pending_third_party')"
        )
        active = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM tickets_ticket")
        total = cursor.fetchone()[0]
        cursor.execute(
            "SELECT contact_id, count(*) FROM crm_activity WHERE contact_id IS NOT NULL "
            "GROUP BY contact_id ORDER BY count(*) DESC, contact_id LIMIT 1"
        )
        row = cursor.fetchone()
        heavy_contact_id, heavy_contact_rows = row if row else (None, 0)
        # A customer with tickets, for the page agents open most: the heavy ticket's.
        cursor.execute("SELECT contact_id FROM tickets_ticket WHERE id = %s", [heavy_id])
        ticket_contact_id = cursor.fetchone()[0]
    team = agent.teams.order_by("pk").first()
    queue = Queue.objects.filter(team=team).order_by("pk").first()
    return {
        "agent_email": agent.email,
        "team_id": team.pk if team else None,
        "queue_id": queue.pk if queue else None,
        "heavy_ticket_id": heavy_id,
        "heavy_ticket_messages": heavy_messages,
        "active_tickets": active,
        "tickets": total,
        "heavy_contact_id": heavy_contact_id,
        "heavy_contact_timeline_rows": heavy_contact_rows,
        "ticket_contact_id": ticket_contact_id,
        "role_users": ensure_role_users(),
    }
