"""The peer's database filled with the same data."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import random
import time
from typing import Any

from ..djangoenv import configure, database_name, ensure_database
from ..harness import (
    RESULTS_DIR,
)
from ..timing import PhaseTimer
from .config import ADMIN_EMAIL, AGENT_EMAIL, COLLEAGUE_EMAIL, OPEN_SHARE, ORGANISATIONS, TEAM_NAME


def desk_setup(*, queues: int, agents: int, customers_limit: int | None = None) -> Any:
    """One calendar, one team working every queue (so the measuring agent sees all of them,
    as the peer's superuser does), policies per queue and priority, no categories or tags."""
    from accounts.models import Team, User
    from accounts.services import team_create, user_create
    from crm.models import Contact
    from tickets import services
    from tickets.models import Queue, SlaPolicy
    from tickets.sla import cache as sla_cache

    from ..tickets_generate import CALENDAR_NAME, _queue_ref
    from ..tickets_rows import DeskRefs

    calendar = services.calendar_create(
        name=CALENDAR_NAME,
        hours=[(d, dt.time(9, 0), dt.time(18, 0)) for d in range(5)],
        holiday_country="FR",
        load_holidays_through=dt.date.today().year + 1,
    )
    sla_cache.forget()

    def user(email: str, first: str, last: str, roles: list[str]) -> User:
        found = User.objects.filter(email=email).first()
        if found is None:
            found = user_create(email=email, password=None, first_name=first, last_name=last,
                                roles=roles)  # fmt: skip
        return found

    members = [user(AGENT_EMAIL, "Bench", "Agent", ["agent"])]
    members += [
        user(COLLEAGUE_EMAIL.format(n=n), "Agent", f"{n:03d}", ["agent"])
        for n in range(1, agents + 1)
    ]
    user(ADMIN_EMAIL, "Bench", "Admin", ["admin"])
    team = Team.objects.filter(name=TEAM_NAME).first()
    if team is None:
        team = team_create(name=TEAM_NAME, kind=Team.Kind.SERVICE, lead=members[0],
                           members=members)  # fmt: skip
    refs = []
    for number in range(1, queues + 1):
        queue = Queue.objects.create(
            name=f"File {number:02d}", team=team, calendar=calendar,
            email_address=f"q{number:02d}@peer.relais.example",
        )  # fmt: skip
        refs.append(_queue_ref(queue, 1.0, 1.0, SlaPolicy))
    services.sla_forget()
    contacts = list(
        Contact.objects.filter(merged_into__isnull=True, erased_at__isnull=True)
        .order_by("pk")
        .values_list("pk", "organisation_id")
    )[:customers_limit]
    agent_ids = [m.pk for m in members]
    return DeskRefs(
        schedule=sla_cache.schedule_for(calendar.pk),
        queues=refs,
        team_agents={team.pk: agent_ids},
        categories={},
        contacts=contacts,
        staff_requesters=agent_ids,
        tag_ids=[],
        heavy_assignee_id=members[0].pk,
    )


def peer_skeleton(plan: Any, *, messages_per_ticket: int) -> Any:
    """Creation times uniform over the plan's years (sorted: ids follow creation), the
    peer's status mix, `messages_per_ticket` each and ticket 1 with the detail count."""
    from ..tickets_rows import Skeleton

    rng = random.Random(f"relais-bench-peer:{plan.seed}")
    now = int(plan.now.timestamp())
    start = int(plan.start.timestamp())
    created = sorted(rng.randint(start, now - 3600) for _ in range(plan.tickets))
    status = ["open" if rng.random() < OPEN_SHARE else "done" for _ in range(plan.tickets)]
    status[0] = "open"
    counts = [messages_per_ticket] * plan.tickets
    counts[0] = plan.heavy_ticket_messages
    first_ids = [1]
    for count in counts[:-1]:
        first_ids.append(first_ids[-1] + count)
    return Skeleton(created, status, counts, 1, first_ids)


def generate(args: argparse.Namespace) -> None:
    from ..tickets_generate import parse_now
    from ..tickets_rows import TicketsPlan

    messages = (args.tickets - 1) * args.messages_per_ticket + args.detail_messages
    timer = PhaseTimer()
    print(f"peer-generate into {database_name(args.database_url)}: {args.tickets:,} tickets, "
          f"{messages:,} messages", flush=True)  # fmt: skip
    ensure_database(args.database_url)
    configure(args.database_url)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction

    from ..crm_generate import _empty_crm_tables, load_crm, source_types, staff_ids
    from ..crm_rows import CrmPlan
    from ..loader import Loader
    from ..tickets_generate import LOADED_MODELS, empty_tickets_tables

    plan = TicketsPlan(
        tickets=args.tickets, active=max(1, round(args.tickets * OPEN_SHARE)),
        messages=messages, heavy_ticket_messages=args.detail_messages, teams=2,
        agents_per_team=max(2, args.agents), years=1, seed=args.seed, now=parse_now(args.now),
        auto_close_days=settings.TICKETS_AUTO_CLOSE_DAYS,
    )  # fmt: skip
    with timer.phase("migrate"):
        call_command("migrate", interactive=False, verbosity=0)
    with timer.phase("empty tickets and crm tables"):
        empty_tickets_tables()
        _empty_crm_tables()
    organisations = max(1, min(ORGANISATIONS, args.customers // 5))
    crm_plan = CrmPlan(
        organisations=organisations, contacts=args.customers,
        activities=organisations + args.customers, heavy_contact_activities=1, seed=args.seed,
    )  # fmt: skip
    loader = Loader()
    with timer.phase("customers (crm contacts)"), transaction.atomic():
        load_crm(crm_plan, loader=loader, staff=staff_ids(count=2), types=source_types())
    with timer.phase("desk: calendar, team, agents, queues, policies (services)"):
        desk = desk_setup(queues=args.queues, agents=args.agents)
    with timer.phase("build and COPY tickets and messages"), transaction.atomic():
        report = load_tickets_with_skeleton(plan, desk, loader, args.messages_per_ticket)
        loader.reset_sequences(LOADED_MODELS)
    with timer.phase("VACUUM ANALYZE + CHECKPOINT"), connection.cursor() as cursor:
        for table in ("tickets_ticket", "tickets_message", "tickets_ticketevent",
                      "crm_contact", "accounts_user"):  # fmt: skip
            cursor.execute(f"VACUUM (ANALYZE) {table}")
        cursor.execute("ANALYZE")  # the rest (see tickets_generate: stale small tables)
        cursor.execute("CHECKPOINT")
    checks = verify(args, messages)
    print(f"  checks: {checks}")
    result = {
        "kind": "peer-generate",
        "database": database_name(args.database_url),
        "plan": {**vars(args), "messages": messages, "now": plan.now.isoformat()},
        "rows": report["rows"],
        "phases_seconds": {k: round(v, 2) for k, v in timer.phases.items()},
        "total_seconds": round(timer.total, 2),
        "checks": checks,
        "python": platform.python_version(),
    }
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"peer-generate-{time.strftime('%Y-%m-%d')}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n")
    print(f"done in {timer.total:.1f} s; report written to {path}")


def load_tickets_with_skeleton(
    plan: Any, desk: Any, loader: Any, messages_per_ticket: int
) -> dict[str, Any]:
    from ..tickets_rows import build_chunk

    skeleton = peer_skeleton(plan, messages_per_ticket=messages_per_ticket)
    rows: dict[str, int] = {}
    chunk = 20_000
    for first in range(0, plan.tickets, chunk):
        tables = build_chunk(plan, desk, skeleton, first, min(plan.tickets, first + chunk))
        for label, count in loader.load_all(tables).items():
            rows[label] = rows.get(label, 0) + count
        print(f"    {rows.get('tickets.Ticket', 0):>8,} tickets", flush=True)
    return {"rows": rows}


def verify(args: argparse.Namespace, messages: int) -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cursor:

        def scalar(query: str, params: list[Any] | None = None) -> Any:
            cursor.execute(query, params or [])
            return cursor.fetchone()[0]

        checks = {
            "tickets": scalar("SELECT count(*) FROM tickets_ticket"),
            "messages": scalar("SELECT count(*) FROM tickets_message"),
            "ticket_1_messages": scalar("SELECT count(*) FROM tickets_message WHERE ticket_id = 1"),
            "queues": scalar("SELECT count(*) FROM tickets_queue"),
            "customers": scalar("SELECT count(*) FROM crm_contact"),
            "open": scalar("SELECT count(*) FROM tickets_ticket WHERE status = 'open'"),
            "unassigned_open": scalar(
                "SELECT count(*) FROM tickets_ticket WHERE status = 'open' AND assignee_id IS NULL"
            ),
            "database_size": scalar("SELECT pg_size_pretty(pg_database_size(current_database()))"),
        }
    wanted = {"tickets": args.tickets, "messages": messages,
              "ticket_1_messages": args.detail_messages, "queues": args.queues}  # fmt: skip
    wrong = {k: (checks[k], v) for k, v in wanted.items() if checks[k] != v}
    if wrong:
        raise SystemExit(f"Verification failed: {wrong}")
    return checks
