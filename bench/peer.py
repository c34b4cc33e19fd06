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
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import time
from pathlib import Path
from typing import Any

from .djangoenv import configure, database_name, ensure_database
from .harness import (
    RESULTS_DIR,
    ROOT,
    Credentials,
    GunicornServer,
    HttpRunner,
    Page,
    machine_facts,
    measure_pages,
    pages_table,
    prewarm,
    result_dicts,
    write_results,
)
from .timing import PhaseTimer, percentile

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
    from .tickets_measure import add_server_arguments

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


# --- Generation -------------------------------------------------------------------------------
def desk_setup(*, queues: int, agents: int, customers_limit: int | None = None) -> Any:
    """One calendar, one team working every queue (so the measuring agent sees all of them,
    as the peer's superuser does), policies per queue and priority, no categories or tags."""
    from accounts.models import Team, User
    from accounts.services import team_create, user_create
    from crm.models import Contact
    from tickets import services
    from tickets.models import Queue, SlaPolicy
    from tickets.sla import cache as sla_cache

    from .tickets_generate import CALENDAR_NAME, _queue_ref
    from .tickets_rows import DeskRefs

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
    from .tickets_rows import Skeleton

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
    from .tickets_generate import parse_now
    from .tickets_rows import TicketsPlan

    messages = (args.tickets - 1) * args.messages_per_ticket + args.detail_messages
    timer = PhaseTimer()
    print(f"peer-generate into {database_name(args.database_url)}: {args.tickets:,} tickets, "
          f"{messages:,} messages", flush=True)  # fmt: skip
    ensure_database(args.database_url)
    configure(args.database_url)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction

    from .crm_generate import _empty_crm_tables, load_crm, source_types, staff_ids
    from .crm_rows import CrmPlan
    from .loader import Loader
    from .tickets_generate import LOADED_MODELS, empty_tickets_tables

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
    from .tickets_rows import build_chunk

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


# --- Measuring --------------------------------------------------------------------------------
HTMX = {"HX-Request": "true"}


def peer_pages() -> list[Page]:
    """The peer's endpoints (first), then the rest of the budget's pages on this data."""
    from .tickets_measure import INBOX_CASES

    agent = AGENT_EMAIL
    pages = [
        Page("rows", "Inbox rows (htmx), all visible", "/tickets/?view=all", agent, headers=HTMX,
             group="inbox"),
        Page("ticket_page", "Ticket page, 20 messages", "/tickets/1/", agent, group="ticket"),
        Page("home", "Home (agent workspace)", "/workspace/agent/", agent, group="home"),
        Page("api_tickets", "API tickets list, page 1 (session)", "/api/v1/tickets/", agent,
             headers={"Accept": "application/json"}, group="api", budget=False),
        Page("admin_tickets", "Admin: tickets changelist", "/admin/tickets/ticket/", ADMIN_EMAIL,
             group="admin"),
        Page("inbox_page", "Inbox page, all visible", "/tickets/?view=all", agent, group="inbox"),
    ]  # fmt: skip
    for key, title, params in INBOX_CASES:
        if key in ("all", "filtered"):
            continue  # "all" is above; "filtered" needs a queue of the 1M data set
        query = "&".join(f"{k}={v}" for k, v in params.items())
        pages.append(Page(f"rows_{key}", f"Inbox rows (htmx), {title}", f"/tickets/?{query}",
                          agent, headers=HTMX, group="inbox"))  # fmt: skip
    pages.append(Page("customer_page", "Customer page (ticket 1's customer)", "CUSTOMER", agent,
                      group="customer"))  # fmt: skip
    pages.append(Page("admin_messages", "Admin: messages changelist", "/admin/tickets/message/",
                      ADMIN_EMAIL, group="admin"))  # fmt: skip
    return pages


def measure(args: argparse.Namespace) -> None:
    from .tickets_measure import server_config

    config = server_config(args)
    configure(args.database_url, broker_url=config.broker_url, cache_url=config.cache_url)
    from django import get_version

    from tickets.models import Ticket

    from .crm_measure import wait_for_quiet_machine
    from .harness import code_commit

    contact_id = Ticket.objects.filter(pk=1).values_list("contact_id", flat=True).first()
    pages = peer_pages()
    for page in pages:
        if page.path == "CUSTOMER":
            page.path = f"/customers/{contact_id}/"
    only = {k.strip() for k in args.only.split(",") if k.strip()}
    pages = [p for p in pages if not only or p.key in only]
    warmed = prewarm()
    wait_for_quiet_machine(args.max_load)
    started = time.perf_counter()
    load_before = list(os.getloadavg())
    with GunicornServer(config, log_name="peer-measure") as server:
        print(f"  gunicorn: {' '.join(server.command[1:])}", flush=True)
        runner = HttpRunner(server.host, server.port, Credentials())
        results = measure_pages(runner, pages, runs=args.runs, warmup=args.warmup,
                                budget_seconds=args.budget_seconds)  # fmt: skip
        runner.close()
    payload = {
        "kind": "peer-measure",
        "method": "HTTP, gunicorn 2 sync workers --timeout 300, bench.settings (timing "
        "middleware), DEBUG off, CONN_MAX_AGE 600, concurrency 1; the peer's procedure: "
        f"{args.warmup} warm-up requests, up to {args.runs} measured, {args.budget_seconds:g} s "
        "per endpoint at most",
        "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "database": database_name(args.database_url),
        "pages": result_dicts(results),
        "machine": machine_facts(),
        "load_average_before": load_before,
        "prewarm": warmed,
        "code": code_commit(),
        "django": get_version(),
        "duration_seconds": round(time.perf_counter() - started, 1),
    }
    stem = f"peer-relais-{time.strftime('%Y-%m-%d')}{'-' + args.label if args.label else ''}"
    table = pages_table(results)
    path = write_results(stem, payload, table)
    print()
    print(table)
    print(f"\nresults written to {path} and {stem}.md")


# --- Side by side -----------------------------------------------------------------------------
def side_by_side(peer: dict[str, Any], relais: dict[str, Any]) -> dict[str, Any]:
    """Rows of the comparison, p50/p95 recomputed the same way (nearest rank) from both
    raw samples."""
    peer_by_name = {r["endpoint"]: r for r in peer["results"]}
    relais_by_key = {r["key"]: r for r in relais["pages"]}
    rows = []
    for peer_name, relais_key, label in ENDPOINTS:
        p, r = peer_by_name.get(peer_name), relais_by_key.get(relais_key)
        if not p or not r or not p.get("n") or r.get("status") != "ok":
            rows.append({"endpoint": label, "missing": True})
            continue
        peer_samples = p["samples_server_ms"]
        relais_samples = r["samples_server_ms"]
        row = {
            "endpoint": label,
            "peer_endpoint": peer_name,
            "relais_page": relais_key,
            "peer_n": len(peer_samples),
            "relais_n": len(relais_samples),
            "peer_p50_ms": percentile(peer_samples, 0.5),
            "peer_p95_ms": percentile(peer_samples, 0.95),
            "peer_queries": p["queries_p50"],
            "peer_db_p50_ms": p.get("db_p50_ms"),
            "peer_bytes": p.get("bytes_p50"),
            "relais_p50_ms": percentile(relais_samples, 0.5),
            "relais_p95_ms": percentile(relais_samples, 0.95),
            "relais_queries": r.get("queries_p50") or r["queries_max"],
            "relais_db_p50_ms": r["db_p50_ms"],
            "relais_bytes": r["bytes"],
        }
        row["ratio_p50"] = round(row["peer_p50_ms"] / row["relais_p50_ms"], 1)
        row["ratio_p95"] = round(row["peer_p95_ms"] / row["relais_p95_ms"], 1)
        target = TARGET_RATIOS.get(relais_key)
        row["target_ratio"] = target
        row["meets_target"] = None if target is None else row["ratio_p50"] >= target
        rows.append(row)
    return {
        "peer": {"label": peer.get("label"), "started_utc": peer.get("started_utc"),
                 "versions": peer.get("versions"), "data": peer.get("data")},
        "relais": {"date": relais.get("date"), "database": relais.get("database"),
                   "code": relais.get("code")},
        "rows": rows,
    }  # fmt: skip


def side_by_side_table(comparison: dict[str, Any]) -> str:
    lines = [
        "| endpoint | django-helpdesk p50 / p95 (ms) | queries | Relais p50 / p95 (ms) | queries "
        "| ratio p50 | ratio p95 | target |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in comparison["rows"]:
        if row.get("missing"):
            lines.append(f"| {row['endpoint']} | | | | | | | not measured |")
            continue
        target = ""
        if row["target_ratio"]:
            met = "met" if row["meets_target"] else "**missed**"
            target = f"≥ {row['target_ratio']:g}x: {met}"
        lines.append(
            f"| {row['endpoint']} | {row['peer_p50_ms']:,.0f} / {row['peer_p95_ms']:,.0f} | "
            f"{row['peer_queries']:,g} | {row['relais_p50_ms']:,.1f} / "
            f"{row['relais_p95_ms']:,.1f} | {row['relais_queries']} | {row['ratio_p50']:,g}x | "
            f"{row['ratio_p95']:,g}x | {target} |"
        )
    return "\n".join(lines)


def compare(args: argparse.Namespace) -> None:
    peer = json.loads(args.peer.read_text())
    relais = json.loads(args.relais.read_text())
    comparison = side_by_side(peer, relais)
    table = side_by_side_table(comparison)
    stem = f"side-by-side-{time.strftime('%Y-%m-%d')}{'-' + args.label if args.label else ''}"
    comparison["peer_results"] = peer
    path = write_results(stem, comparison, table)
    print(table)
    print(f"\nresults written to {path} and {stem}.md")


# --- Both, interleaved ------------------------------------------------------------------------
def peer_harness_dir() -> Path:
    """`../shared/peer-helpdesk` from a clone; `../../shared/...` from a worktree in a
    folder of worktrees."""
    candidates = [ROOT.parent / "shared" / "peer-helpdesk",
                  ROOT.parent.parent / "shared" / "peer-helpdesk"]  # fmt: skip
    return next((c for c in candidates if (c / "measure.sh").exists()), candidates[0])


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    add_measure_arguments(parser)
    parser.add_argument(
        "--peer-dir",
        type=Path,
        default=peer_harness_dir(),
        help="the peer harness (its setup.sh and generate.py have run; default: "
        "shared/peer-helpdesk next to the clone or the worktree folder)",
    )
    parser.add_argument(
        "--peer-root",
        type=Path,
        default=PEER_ROOT,
        help="where the peer harness keeps its venv and results (its PEER_ROOT)",
    )
    parser.add_argument("--peer-manifest", type=Path, default=PEER_ROOT / "results" / "100k"
                        ".manifest.json")  # fmt: skip


def run(args: argparse.Namespace) -> None:
    """Endpoint by endpoint, the peer then Relais, so that each pair is measured within
    minutes of each other on a machine whose load drifts; then the side-by-side table.

    The peer runs through its own `measure.sh LABEL --only ENDPOINT` (its gunicorn, its
    venv, its measure.py, untouched); Relais through `peer-measure --only PAGE`."""
    import subprocess
    import sys

    stamp = time.strftime("%Y-%m-%d")
    label = args.label or "interleaved"
    peer_results: list[dict[str, Any]] = []
    relais_pages: list[dict[str, Any]] = []
    peer_run: dict[str, Any] = {}
    relais_run: dict[str, Any] = {}
    for peer_name, relais_key, _label in ENDPOINTS:
        peer_label = f"side-by-side-{stamp}-{peer_name}"
        print(f"== peer {peer_name}", flush=True)
        subprocess.run(  # noqa: S603 - the peer harness's own script
            ["bash", str(args.peer_dir / "measure.sh"), peer_label, "--only", peer_name,  # noqa: S607
             "--manifest", str(args.peer_manifest)],
            check=True,
        )  # fmt: skip
        peer_run = json.loads((args.peer_root / "results" / f"{peer_label}.json").read_text())
        peer_results += peer_run["results"]
        print(f"== relais {relais_key}", flush=True)
        relais_label = f"{label}-{relais_key}"
        command = [sys.executable, "-m", "bench", "peer-measure", "--database-url",
                   args.database_url, "--only", relais_key, "--label", relais_label,
                   "--runs", str(args.runs), "--warmup", str(args.warmup),
                   "--budget-seconds", str(args.budget_seconds)]  # fmt: skip
        subprocess.run(command, check=True, cwd=ROOT)  # noqa: S603
        path = RESULTS_DIR / f"peer-relais-{stamp}-{relais_label}.json"
        relais_run = json.loads(path.read_text())
        relais_pages += relais_run["pages"]
        path.unlink()
        path.with_suffix(".md").unlink()
    peer = {**peer_run, "label": f"side-by-side-{stamp} (one measure.sh per endpoint)",
            "results": peer_results}  # fmt: skip
    relais = {**relais_run, "pages": relais_pages}
    relais_path = write_results(f"peer-relais-{stamp}-{label}", relais, pages_table(
        [_result(p) for p in relais_pages]))  # fmt: skip
    comparison = side_by_side(peer, relais)
    comparison["procedure"] = (
        "interleaved: for each endpoint, the peer's measure.sh --only ENDPOINT, then "
        "peer-measure --only PAGE"
    )
    comparison["peer_results"] = peer
    table = side_by_side_table(comparison)
    path = write_results(f"side-by-side-{stamp}-{label}", comparison, table)
    print(table)
    print(f"\nresults written to {path}, {relais_path}")


def _result(page: dict[str, Any]) -> Any:
    from .harness import PageResult

    return PageResult(**page)
