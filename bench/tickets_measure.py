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
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import asdict
from typing import Any
from urllib.parse import urlencode

from .djangoenv import configure, database_name
from .harness import (
    ROOT,
    Credentials,
    GunicornServer,
    HttpRunner,
    Page,
    ServerConfig,
    machine_facts,
    measure_pages,
    pages_table,
    prewarm,
    result_dicts,
    token_for,
    write_results,
)
from .timing import percentile

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
                        "(default $BENCH_BROKER_URL or redis db 16)")  # fmt: skip
    parser.add_argument("--cache-url", default=None, help="cache of the server "
                        "(default $BENCH_CACHE_URL or redis db 17)")  # fmt: skip
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


# --- Subjects -------------------------------------------------------------------------------
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


# --- Pages ------------------------------------------------------------------------------------
HTMX = {"HX-Request": "true"}


def inbox_pages(subjects: dict[str, Any], *, fragments: bool = True) -> list[Page]:
    pages = []
    for key, title, raw in INBOX_CASES:
        params = {k: (str(subjects["queue_id"]) if v == "QUEUE" else v) for k, v in raw.items()}
        path = f"/tickets/?{urlencode(params)}"
        pages.append(Page(f"inbox_{key}", f"Inbox page, {title}", path, subjects["agent_email"],
                          group="inbox", target_p95_ms=TARGETS["inbox_p95_ms"]))  # fmt: skip
        if fragments:
            pages.append(Page(f"rows_{key}", f"Inbox rows (htmx), {title}", path,
                              subjects["agent_email"], headers=HTMX, group="inbox",
                              target_p95_ms=TARGETS["inbox_p95_ms"]))  # fmt: skip
    return pages


def ticket_pages(subjects: dict[str, Any]) -> list[Page]:
    from tickets import selectors
    from tickets.models import Ticket

    heavy = subjects["heavy_ticket_id"]
    _, before = selectors.ticket_messages_page(ticket=Ticket.objects.get(pk=heavy))
    pages = [
        Page("ticket_page", f"Ticket page, {subjects['heavy_ticket_messages']} messages",
             f"/tickets/{heavy}/", subjects["agent_email"], group="ticket",
             target_p95_ms=TARGETS["ticket_page_p95_ms"]),
    ]  # fmt: skip
    if before:
        pages.append(Page("ticket_earlier", "Ticket page, earlier messages (htmx)",
                          f"/tickets/{heavy}/messages/?before={before}",
                          subjects["agent_email"], headers=HTMX, group="ticket"))  # fmt: skip
    return pages


def customer_pages(subjects: dict[str, Any]) -> list[Page]:
    pages = []
    if subjects.get("ticket_contact_id"):
        pages.append(Page("customer_page", "Customer page (the 500-message ticket's customer)",
                          f"/customers/{subjects['ticket_contact_id']}/",
                          subjects["agent_email"], group="customer"))  # fmt: skip
    if subjects.get("heavy_contact_id"):
        rows = subjects["heavy_contact_timeline_rows"]
        pages.append(Page("customer_page_heavy", f"Customer page, {rows:,} timeline rows",
                          f"/customers/{subjects['heavy_contact_id']}/",
                          subjects["agent_email"], group="customer"))  # fmt: skip
    return pages


def home_pages(subjects: dict[str, Any]) -> list[Page]:
    return [
        Page(f"home_{role}", f"Home ({role} workspace)", f"/workspace/{role}/", email, group="home")
        for role, email in subjects["role_users"].items()
    ]


def admin_pages(subjects: dict[str, Any]) -> list[Page]:
    admin = subjects["role_users"]["admin"]
    return [Page(key, title, path, admin, group="admin") for key, title, path in ADMIN_CHANGELISTS]


def api_pages(subjects: dict[str, Any]) -> list[Page]:
    agent = subjects["agent_email"]

    def api(key: str, title: str, path: str) -> Page:
        return Page(key, title, path, agent, auth="token", group="api", budget=False,
                    headers={"Accept": "application/json"})  # fmt: skip

    return [
        api("api_tickets", "API tickets list, page 1 (50 rows)", "/api/v1/tickets/"),
        api("api_tickets_mine", "API tickets list, ?view=mine&status=active",
            "/api/v1/tickets/?view=mine&status=active"),
        api("api_tickets_search", f"API tickets list, ?search={SEARCH_WORD}",
            f"/api/v1/tickets/?search={SEARCH_WORD}"),
        api("api_contacts", "API contacts list, page 1", "/api/v1/contacts/"),
    ]  # fmt: skip


def all_pages(subjects: dict[str, Any]) -> list[Page]:
    return [
        *inbox_pages(subjects),
        *ticket_pages(subjects),
        *customer_pages(subjects),
        *home_pages(subjects),
        *admin_pages(subjects),
        *api_pages(subjects),
    ]


# --- SLA sweep ------------------------------------------------------------------------------
def sweep_moment(fraction: float, active: int) -> tuple[Any, int]:
    """The moment at which about `fraction` of the active tickets have a warning or a
    deadline that the sweep has not flagged yet: the k-th soonest of those moments."""
    from tickets.models import Ticket

    wanted = max(1, round(fraction * active))
    warnings = Ticket.objects.filter(sla_warned_at=None, sla_warn_at__isnull=False)
    deadlines = Ticket.objects.filter(sla_breached_at=None, sla_next_due_at__isnull=False)
    moments = (
        warnings.order_by()
        .values_list("sla_warn_at", flat=True)
        .union(deadlines.order_by().values_list("sla_next_due_at", flat=True), all=True)
    )
    found = list(moments.order_by("sla_warn_at")[wanted - 1 : wanted])
    if not found:
        raise RuntimeError("no pending SLA warning or deadline in the data")
    return found[0], wanted


def measure_sweep(subjects: dict[str, Any], *, runs: int, fraction: float) -> dict[str, Any]:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from tickets import services

    moment, wanted = sweep_moment(fraction, subjects["active_tickets"])
    timings, queries, results = [], [], []
    for _ in range(runs + 1):  # the first run warms the caches, unmeasured
        with transaction.atomic():
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                result = services.sla_sweep(now=moment)
                elapsed = time.perf_counter() - started
            transaction.set_rollback(True)  # repeatable: the flags stay as generated
        timings.append(elapsed * 1000)
        queries.append(len(captured.captured_queries))
        results.append(asdict(result))
    timings, queries = timings[1:], queries[1:]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM tickets_ticket WHERE sla_next_due_at IS NOT NULL OR "
            "sla_paused_at IS NOT NULL"
        )
        with_clock = cursor.fetchone()[0]
    return {
        "key": "sla_sweep",
        "title": "SLA sweep (services.sla_sweep, in process), rolled back",
        "moment": moment.isoformat(),
        "due_at_moment_target": wanted,
        "tickets_with_sla_clock": with_clock,
        "result": results[-1],
        "runs": runs,
        "p50_ms": round(percentile(timings, 0.5), 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
        "max_ms": round(max(timings), 1),
        "queries_min": min(queries),
        "queries_max": max(queries),
        "target_max_ms": TARGETS["sweep_max_ms"],
        "meets_target": max(timings) < TARGETS["sweep_max_ms"],
    }


# --- API creation throughput ---------------------------------------------------------------
def creation_payloads(subjects: dict[str, Any], count: int = 200) -> list[dict[str, Any]]:
    from django.db import connection

    from tickets.models import Queue

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM crm_contact WHERE merged_into_id IS NULL AND erased_at IS NULL "
            "ORDER BY id LIMIT 2000"
        )
        contact_ids = [r[0] for r in cursor.fetchall()]
    queue_ids = list(
        Queue.objects.filter(team_id=subjects["team_id"], kind="service").values_list(
            "pk", flat=True
        )
    )
    return [
        {
            "queue": queue_ids[i % len(queue_ids)],
            "contact": contact_ids[(i * 7) % len(contact_ids)],
            "subject": f"Bench API ticket {i}: box internet en panne",
            "body": "Bonjour,\n\nplus de connexion depuis ce matin, la box clignote en "
            "rouge.\n\nMerci de votre aide.",
            "channel": "web",
            "priority": ("normal", "high")[i % 2],
        }
        for i in range(count)
    ]


def max_ticket_id() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM tickets_ticket")
        return int(cursor.fetchone()[0])


def measure_api_create(
    server: GunicornServer, subjects: dict[str, Any], *, seconds: float, threads: int,
    agents: list[str],
) -> dict[str, Any]:  # fmt: skip
    """POST /api/v1/tickets/ from `threads` keep-alive connections for `seconds`, from a
    separate process (its own GIL), with one token per agent (the per-user throttle,
    6,000/minute by default, would cap one token at 100/s)."""
    max_before = max_ticket_id()
    spec = {
        "host": server.host,
        "port": server.port,
        "tokens": [token_for(email) for email in agents],
        "payloads": creation_payloads(subjects),
        "seconds": seconds,
        "threads": threads,
    }
    outcome: dict[str, Any] = {"key": "api_create", "workers": server.config.workers}
    try:
        client = subprocess.run(
            [sys.executable, "-m", "bench.tickets_measure", "load-client"],
            input=json.dumps(spec), capture_output=True, text=True, cwd=ROOT, check=False,
            timeout=seconds + 120,
        )  # fmt: skip
        if client.returncode != 0:
            raise RuntimeError(f"load client failed: {client.stderr[-2000:]}")
        outcome.update(json.loads(client.stdout))
    finally:
        outcome["created_rows_deleted"] = delete_created(max_before)
        flush_broker(server.config.broker_url)
    outcome["target_per_second"] = TARGETS["api_create_per_second"]
    outcome["meets_target"] = (
        outcome.get("created_per_second", 0.0) >= (TARGETS["api_create_per_second"])
    )
    return outcome


def delete_created(max_before: int) -> int:
    """Remove what a creation run wrote, so the data set stays the generated one."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction

    from tickets.models import Ticket

    content_type = ContentType.objects.get_for_model(Ticket).pk
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM crm_activity WHERE source_type_id = %s AND source_id > %s",
            [content_type, max_before],
        )
        # Emotion triage scored each created ticket's first message: its rows go first.
        tables = ("triage_messageassessment", "tickets_message", "tickets_ticketevent",
                  "tickets_ticket_tags")  # fmt: skip
        for table in tables:
            cursor.execute(f"DELETE FROM {table} WHERE ticket_id > %s", [max_before])  # noqa: S608
        cursor.execute("DELETE FROM tickets_ticket WHERE id > %s", [max_before])
        return int(cursor.rowcount)


def flush_broker(broker_url: str) -> None:
    """The notification tasks queued by the creations (no worker runs during the bench)."""
    if not broker_url.startswith("redis://"):
        return
    try:
        import redis

        redis.Redis.from_url(broker_url).flushdb()
    except Exception as exc:
        print(f"    could not flush {broker_url}: {exc}")


def load_client(spec: dict[str, Any]) -> dict[str, Any]:
    """POST tickets from `threads` keep-alive connections for `seconds`; stdlib only."""
    tokens, payloads = spec["tokens"], spec["payloads"]
    deadline: dict[str, float] = {}
    latencies: list[list[float]] = [[] for _ in range(spec["threads"])]
    errors: list[dict[str, int]] = [{} for _ in range(spec["threads"])]
    sample: list[str] = []
    bodies = [json.dumps(p).encode() for p in payloads]
    barrier = threading.Barrier(spec["threads"] + 1)

    def worker(n: int) -> None:
        conn = http.client.HTTPConnection(spec["host"], spec["port"], timeout=60)
        headers = {"Content-Type": "application/json", "Accept-Language": "fr",
                   "Authorization": f"Token {tokens[n % len(tokens)]}"}  # fmt: skip
        i = n
        barrier.wait()
        while time.perf_counter() < deadline["end"]:
            body = bodies[i % len(bodies)]
            i += spec["threads"]
            started = time.perf_counter()
            try:
                conn.request("POST", "/api/v1/tickets/", body=body, headers=headers)
                response = conn.getresponse()
                answer = response.read()
                status = response.status
                if status != 201 and not sample:
                    sample.append(answer[:500].decode(errors="replace"))
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException):
                conn.close()
                status = 0
            elapsed = (time.perf_counter() - started) * 1000
            if status == 201:
                latencies[n].append(elapsed)
            else:
                errors[n][str(status)] = errors[n].get(str(status), 0) + 1
        conn.close()

    workers = [threading.Thread(target=worker, args=(n,)) for n in range(spec["threads"])]
    for t in workers:
        t.start()
    started = time.perf_counter()
    deadline["end"] = started + spec["seconds"]
    barrier.wait()
    for t in workers:
        t.join()
    wall = time.perf_counter() - started
    done = [x for per in latencies for x in per]
    error_counts: dict[str, int] = {}
    for per in errors:
        for k, v in per.items():
            error_counts[k] = error_counts.get(k, 0) + v
    out: dict[str, Any] = {
        "threads": spec["threads"],
        "tokens": len(tokens),
        "seconds": round(wall, 2),
        "created": len(done),
        "errors": error_counts,
        "first_error_body": sample[0] if sample else None,
        "created_per_second": round(len(done) / wall, 1),
    }
    if done:
        out.update(
            {
                "p50_ms": round(percentile(done, 0.5), 1),
                "p95_ms": round(percentile(done, 0.95), 1),
                "max_ms": round(max(done), 1),
            }
        )
    return out


# --- EXPLAIN --------------------------------------------------------------------------------
def inbox_plans(subjects: dict[str, Any]) -> dict[str, Any]:
    """EXPLAIN (ANALYZE, BUFFERS) of each inbox page query and of its capped count, and the
    indexes each plan uses."""
    from django.db import connection

    from accounts.models import User
    from tickets import selectors

    user = User.objects.get(email=subjects["agent_email"])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename IN ('tickets_ticket', "
            "'tickets_ticket_tags', 'tickets_message') ORDER BY 1"
        )
        names = [r[0] for r in cursor.fetchall()]
    report: dict[str, Any] = {}
    for key, _title, raw in INBOX_CASES:
        params = {k: (str(subjects["queue_id"]) if v == "QUEUE" else v) for k, v in raw.items()}
        filters = selectors.InboxFilters(
            view=params.get("view", "mine"),
            status=params.get("status", ""),
            priority=int(params["priority"]) if "priority" in params else None,
            queue=int(params["queue"]) if "queue" in params else None,
            search=params.get("q", ""),
        )
        qs = selectors.ticket_inbox(user=user, filters=filters)
        page_plan = qs[:50].explain(analyze=True, buffers=True)
        capped = qs.order_by().values("pk")[: selectors.COUNT_CAP + 1]
        count_plan = capped.explain(analyze=True, buffers=True)
        report[key] = {
            "sql": str(qs[:50].query),
            "plan": page_plan,
            "indexes": sorted(n for n in names if n in page_plan),
            "execution_ms": _execution_ms(page_plan),
            "count_plan": count_plan,
            "count_indexes": sorted(n for n in names if n in count_plan),
            "count_execution_ms": _execution_ms(count_plan),
        }
    return report


def _execution_ms(plan: str) -> float | None:
    for line in plan.splitlines():
        if line.strip().startswith("Execution Time:"):
            return float(line.split(":")[1].split()[0])
    return None


# --- Output -----------------------------------------------------------------------------------
def batch_table(sweep: dict[str, Any] | None, api: dict[str, Any] | None) -> str:
    lines = ["| Batch | result | p50 | p95 | max | target | meets |",
             "|---|---|---:|---:|---:|---|---|"]  # fmt: skip
    if sweep and "p50_ms" in sweep:
        r = sweep["result"]
        lines.append(
            f"| SLA sweep at {sweep['moment'][:16]} (in process) | {r['warned']:,} warned, "
            f"{r['breached']:,} breached, {r['notifications']} notifications; "
            f"{sweep['tickets_with_sla_clock']:,} tickets with a clock; "
            f"{sweep['queries_max']} queries | {sweep['p50_ms']:.0f} ms | "
            f"{sweep['p95_ms']:.0f} ms | {sweep['max_ms']:.0f} ms | < 5 s | "
            f"{'yes' if sweep['meets_target'] else '**no**'} |"
        )
    if api and "created_per_second" in api:
        lines.append(
            f"| API ticket creation, gunicorn {api['workers']} workers, {api['threads']} client "
            f"threads, {api['seconds']:.0f} s | **{api['created_per_second']:.0f} tickets/s** "
            f"({api['created']:,} created, errors {api['errors'] or 0}) | "
            f"{api.get('p50_ms', 0):.0f} ms | {api.get('p95_ms', 0):.0f} ms | "
            f"{api.get('max_ms', 0):.0f} ms | ≥ 200/s | "
            f"{'yes' if api['meets_target'] else '**no**'} |"
        )
    elif api:
        lines.append(f"| API ticket creation | {api.get('status')} | | | | ≥ 200/s | |")
    return "\n".join(lines)


def main(args: argparse.Namespace) -> None:
    config = server_config(args)
    configure(args.database_url, broker_url=config.broker_url, cache_url=config.cache_url)
    from django import get_version
    from django.db import connection

    from .crm_measure import wait_for_quiet_machine

    started = time.perf_counter()
    subjects = find_subjects()
    print(f"tickets-measure on {database_name(args.database_url)}: {subjects}", flush=True)
    only = {k.strip() for k in args.only.split(",") if k.strip()}
    pages = [p for p in all_pages(subjects) if not only or p.key in only]
    warmed = prewarm()
    wait_for_quiet_machine(args.max_load)
    load_before = os.getloadavg()
    sweep = api = None
    with GunicornServer(config, log_name="tickets-measure") as server:
        print(f"  gunicorn: {' '.join(server.command[1:])}", flush=True)
        runner = HttpRunner(server.host, server.port, Credentials())
        results = measure_pages(runner, pages, runs=args.runs, warmup=args.warmup,
                                budget_seconds=args.budget_seconds)  # fmt: skip
        runner.close()
        if not args.no_create and (not only or "api_create" in only):
            print(f"  api_create: {args.create_threads} threads, {args.create_seconds:.0f} s...",
                  flush=True)  # fmt: skip
            try:
                api = measure_api_create(
                    server, subjects, seconds=args.create_seconds,
                    threads=args.create_threads, agents=API_AGENTS,
                )  # fmt: skip
            except Exception as exc:
                api = {"key": "api_create", "status": f"not measurable: {exc}"[:500]}
            print(f"    {api}", flush=True)
    if not args.no_sweep and (not only or "sla_sweep" in only):
        print("  sla_sweep (in process)...", flush=True)
        try:
            sweep = measure_sweep(subjects, runs=args.sweep_runs, fraction=args.sweep_fraction)
        except Exception as exc:
            sweep = {"key": "sla_sweep", "status": f"not measurable: {exc}"}
        print(f"    {sweep}", flush=True)
    explains: dict[str, Any] = {}
    if not args.no_explain and (not only or "explain" in only):
        print("  EXPLAIN (ANALYZE, BUFFERS) of the inbox queries...", flush=True)
        explains["inbox"] = inbox_plans(subjects)
        for key, item in explains["inbox"].items():
            print(f"    {key}: {item['execution_ms']} ms via {item['indexes']}; count "
                  f"{item['count_execution_ms']} ms via {item['count_indexes']}")  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        postgres_version = cursor.fetchone()[0]
    from .harness import code_commit

    payload = {
        "kind": "tickets-measure",
        "method": "HTTP, gunicorn 2 sync workers, bench.settings (timing middleware), "
        "DEBUG off, CONN_MAX_AGE 600, concurrency 1, nearest-rank percentiles",
        "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "database": database_name(args.database_url),
        "runs": args.runs,
        "warmup": args.warmup,
        "subjects": subjects,
        "targets": TARGETS,
        "pages": result_dicts(results),
        "sla_sweep": sweep,
        "api_create": api,
        "explain": explains,
        "machine": machine_facts(),
        "load_average_before": load_before,
        "prewarm": warmed,
        "code": code_commit(),
        "postgresql": postgres_version,
        "django": get_version(),
        "duration_seconds": round(time.perf_counter() - started, 1),
    }
    stem = f"tickets-http-{time.strftime('%Y-%m-%d')}{'-' + args.label if args.label else ''}"
    table = pages_table(results) + "\n\n" + batch_table(sweep, api)
    path = write_results(stem, payload, table)
    print()
    print(table)
    print(f"\nresults written to {path} and {stem}.md")


if __name__ == "__main__":
    # `python -m bench.tickets_measure load-client` (spec as JSON on stdin): the API load
    # runs in its own process, apart from this one's GIL.
    if sys.argv[1:] == ["load-client"]:
        print(json.dumps(load_client(json.loads(sys.stdin.read()))))
