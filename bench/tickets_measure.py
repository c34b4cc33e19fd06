"""`python -m bench tickets-measure`: time the service desk against a generated database.

Same method as `bench.crm_measure` (whose `measure`, `Scenario` and output helpers are
reused): in process through django.test.Client, logged in as an agent with force_login,
`--warmup` unmeasured runs then `--runs` measured ones, nearest-rank p50/p95, queries
counted with CaptureQueriesContext. While a view is still a placeholder (its module says
PLACEHOLDER) the scenario runs at the selector level instead, plus a small render.

Then:
- the SLA sweep (`services.sla_sweep`) at a moment chosen so that `--sweep-fraction` of
  the active tickets have a warning or deadline coming due, in a transaction rolled back
  after each run (repeatable);
- API creation throughput: gunicorn (4 workers, --preload, DEBUG off, production
  settings with throwaway secrets, Celery on a Redis broker) on a free local port, and a
  separate client process POSTing tickets from keep-alive threads for `--load-seconds`.
  The tickets it created are deleted afterwards.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from .djangoenv import configure, database_name
from .timing import percentile

RESULTS_DIR = Path(__file__).resolve().parent / "results"
ROOT = Path(__file__).resolve().parent.parent
AGENT_EMAIL = "bench-desk-01-02@relais.example"  # team 1, holds the 500-message ticket
API_AGENTS = [f"bench-desk-01-{n:02d}@relais.example" for n in range(2, 10)]
SEARCH_WORD = "remboursement"
PAGE = 50

TARGETS = {
    "inbox": {"p95_ms": 80.0},
    "ticket_page": {"p95_ms": 80.0},
    "sweep": {"p95_ms": 5000.0},
    "api_create": {"min_per_second": 200.0},
}
# Quoted from the project brief, not measured here.
HELPDESK_REFERENCE = {
    "source": "django-helpdesk at 100,000 tickets, figures given by the project brief "
    "(quoted, not measured here)",
    "agent ticket rows": "~1.7 s, 74 queries",
    "dashboard": "~3 s",
    "API list": "40+ s",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database-url", required=True, help="postgres://user@host:port/name")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--only", default="", help="comma-separated scenario keys")
    parser.add_argument("--sweep-runs", type=int, default=5)
    parser.add_argument(
        "--sweep-fraction",
        type=float,
        default=0.03,
        help="share of the active tickets whose warning or deadline comes due at the "
        "measured sweep (default 3 %%)",
    )
    parser.add_argument("--load-seconds", type=float, default=20.0)
    parser.add_argument("--load-threads", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--no-load", action="store_true", help="skip the API creation run")
    parser.add_argument("--no-explain", action="store_true")
    parser.add_argument("--max-load", type=float, default=0.0)
    parser.add_argument("--gc-freeze", action="store_true")


# --- Subjects -------------------------------------------------------------------------------
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
    team = agent.teams.order_by("pk").first()
    queue = Queue.objects.filter(team=team).order_by("pk").first()
    return {
        "agent_id": agent.pk,
        "agent_email": agent.email,
        "team_id": team.pk if team else None,
        "queue_id": queue.pk if queue else None,
        "heavy_ticket_id": heavy_id,
        "heavy_ticket_messages": heavy_messages,
        "active_tickets": active,
        "tickets": total,
    }


def is_placeholder(relative: str) -> bool:
    path = ROOT / relative
    return not path.exists() or "PLACEHOLDER" in path.read_text()


def api_list_exists() -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve("/api/v1/tickets/")
    except Resolver404:
        return False
    return (ROOT / "tickets" / "api.py").exists()


# --- Scenarios ------------------------------------------------------------------------------
ROW_TEMPLATE = (
    "{% for t in rows %}<tr><td>{{ t.number }}</td><td>{{ t.subject }}</td>"
    "<td>{{ t.contact|default:t.requester_user }}</td><td>{{ t.queue.name }}</td>"
    "<td>{{ t.assignee|default:'' }}</td><td>{{ t.get_status_display }}</td>"
    "<td>{{ t.get_priority_display }}</td><td>{{ t.sla_state }}</td>"
    "<td>{% for tag in t.tags.all %}{{ tag.name }} {% endfor %}</td>"
    "<td>{{ t.updated_at|date:'SHORT_DATETIME_FORMAT' }}</td></tr>{% endfor %}"
)

INBOX_CASES = [
    ("inbox_mine", "Inbox, mine", {"view": "mine"}),
    ("inbox_team", "Inbox, my team", {"view": "team"}),
    ("inbox_unassigned", "Inbox, unassigned", {"view": "unassigned"}),
    ("inbox_breaching", "Inbox, breaching (sorted by due)", {"view": "breaching"}),
    ("inbox_all", "Inbox, all visible", {"view": "all"}),
    ("inbox_filtered", "Inbox, all, status open + priority high + my queue",
     {"view": "all", "status": "open", "priority": "3", "queue": "QUEUE"}),
    ("inbox_search", f"Inbox, all, search “{SEARCH_WORD}”", {"view": "all", "q": SEARCH_WORD}),
]  # fmt: skip


def inbox_scenarios(client: Any, user: Any, subjects: dict[str, Any], http: bool) -> list[Any]:
    from django.template import engines
    from django.urls import reverse

    from tickets import selectors

    from .crm_measure import Scenario

    scenarios = []
    for key, title, raw in INBOX_CASES:
        params = {k: (str(subjects["queue_id"]) if v == "QUEUE" else v) for k, v in raw.items()}
        if http:
            url = f"{reverse('tickets:inbox')}?{urlencode(params)}"
            scenarios.append(Scenario(key, title, "http", (lambda u=url: client.get(u)), "inbox"))
            continue
        template = engines["django"].from_string(ROW_TEMPLATE)
        filters = selectors.InboxFilters(
            view=params.get("view", "mine"),
            status=params.get("status", ""),
            priority=int(params["priority"]) if "priority" in params else None,
            queue=int(params["queue"]) if "queue" in params else None,
            search=params.get("q", ""),
        )

        def call(f: Any = filters, tpl: Any = template) -> Any:
            user.__dict__.pop("_relais_queue_ids", None)  # as a new request would
            # As views/inbox.py does: the row's SLA badge reads the policy.
            qs = selectors.ticket_inbox(user=user, filters=f).select_related("sla_policy")
            rows = list(qs[:PAGE])
            selectors.capped_count(qs)
            return tpl.render({"rows": rows})

        scenarios.append(
            Scenario(key, title + " (selector + row render)", "selector", call, "inbox")
        )
    if not http:
        scenarios.append(
            Scenario(
                "inbox_counts",
                "inbox_counts (the four tab badges)",
                "selector",
                lambda: selectors.inbox_counts(user=user),
            )
        )
    return scenarios


def ticket_scenarios(client: Any, user: Any, subjects: dict[str, Any], http: bool) -> list[Any]:
    from django.urls import reverse

    from tickets import selectors
    from tickets.models import Ticket

    from .crm_measure import Scenario

    heavy = subjects["heavy_ticket_id"]
    title = f"Ticket page, {subjects['heavy_ticket_messages']} messages"
    if http:
        url = reverse("tickets:detail", args=[heavy])
        _, before = selectors.ticket_messages_page(ticket=Ticket.objects.get(pk=heavy))
        older = f"{reverse('tickets:messages', args=[heavy])}?before={before}"
        return [
            Scenario("ticket_page", title, "http", lambda: client.get(url), "ticket_page"),
            Scenario("ticket_earlier_messages", "Ticket page, earlier messages (htmx)", "http",
                     lambda: client.get(older, headers={"HX-Request": "true"})),
        ]  # fmt: skip

    def call() -> Any:
        user.__dict__.pop("_relais_queue_ids", None)
        ticket = selectors.ticket_get_for_user(user=user, pk=heavy)
        page, before = selectors.ticket_messages_page(ticket=ticket)
        events = selectors.ticket_events(ticket=ticket)
        return page, before, events

    return [Scenario("ticket_page", title + " (selectors)", "selector", call, "ticket_page")]


def api_scenarios(client: Any, subjects: dict[str, Any]) -> list[Any]:
    from .crm_measure import Scenario

    def get(url: str) -> Any:
        return lambda: client.get(url)

    return [
        Scenario("api_list", "API tickets list, page 1 (all, 50 rows)", "http",
                 get("/api/v1/tickets/")),
        Scenario("api_list_mine", "API tickets list, ?view=mine&status=active", "http",
                 get("/api/v1/tickets/?view=mine&status=active")),
        Scenario("api_list_search", f"API tickets list, ?search={SEARCH_WORD}", "http",
                 get(f"/api/v1/tickets/?search={SEARCH_WORD}")),
    ]  # fmt: skip


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
    row = (found[0],) if found else None
    if row is None:
        raise RuntimeError("no pending SLA warning or deadline in the data")
    return row[0], wanted


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
    p95 = percentile(timings, 0.95)
    return {
        "key": "sla_sweep",
        "title": "SLA sweep (services.sla_sweep), rolled back",
        "moment": moment.isoformat(),
        "due_at_moment_target": wanted,
        "tickets_with_sla_clock": with_clock,
        "result": results[-1],
        "runs": runs,
        "p50_ms": round(percentile(timings, 0.5), 1),
        "p95_ms": round(p95, 1),
        "max_ms": round(max(timings), 1),
        "queries_min": min(queries),
        "queries_max": max(queries),
        "target": TARGETS["sweep"],
        "meets_target": max(timings) < TARGETS["sweep"]["p95_ms"],
    }


# --- API creation throughput ---------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(database_url: str) -> dict[str, str]:
    """Production settings (README, "Production") with throwaway values, plain HTTP."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "RELAIS_"))}
    env.update(
        {
            "DATABASE_URL": database_url,
            "DATABASE_CONN_MAX_AGE": "60",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "bench-" + "x" * 60,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECURE_HSTS_SECONDS": "0",
            "DJANGO_SECURE_COOKIES": "0",
            "DJANGO_LOG_LEVEL": "WARNING",
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/5",
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "CACHE_URL": "rediscache://127.0.0.1:6379/5",
            "EMAIL_URL": "dummymail://",
            "RELAIS_VAR_DIR": "var/bench",
            "RELAIS_ENV_FILE": "/dev/null",
        }
    )
    return env


def api_tokens(base: str, emails: list[str]) -> list[str]:
    """One token per agent, through POST /api/v1/auth/token/ (a throwaway password is set
    on the bench agents first). Several agents: the default per-user API throttle
    (RELAIS_API_USER_RATE, 6000/minute) would otherwise cap one client at 100/s."""
    from accounts.models import User

    password = "bench-api-password-" + "7" * 12
    tokens = []
    for email in emails:
        user = User.objects.get(email=email)
        user.set_password(password)
        user.save(update_fields=["password"])
        status, body = _post_json(
            base, "/api/v1/auth/token/", {"email": email, "password": password}
        )
        if status != 200:
            raise RuntimeError(f"token for {email}: HTTP {status} {body[:300]!r}")
        tokens.append(json.loads(body)["token"])
    return tokens


def _post_json(base: str, path: str, data: dict[str, Any], token: str = "") -> tuple[int, bytes]:
    host, port = base.rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    conn.request("POST", path, body=json.dumps(data), headers=headers)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


def measure_api_create(args: argparse.Namespace, subjects: dict[str, Any]) -> dict[str, Any]:
    from django.db import connection

    from tickets.models import Queue

    port = free_port()
    base = f"127.0.0.1:{port}"
    log_path = ROOT / "var" / "bench" / "tickets-gunicorn.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM tickets_ticket")
        max_before = cursor.fetchone()[0]
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
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"), "relais.wsgi", "-w", str(args.workers),
        "--preload", "-b", base, "--error-logfile", str(log_path),
    ]  # fmt: skip
    server = subprocess.Popen(  # noqa: S603 - fixed command
        command, cwd=ROOT, env=server_env(args.database_url), start_new_session=True
    )
    outcome: dict[str, Any] = {"key": "api_create", "server": " ".join(command[1:])}
    try:
        _wait_for_port(port, timeout=60, process=server)
        tokens = api_tokens(base, API_AGENTS)
        payloads = [
            {
                "queue": queue_ids[i % len(queue_ids)],
                "contact": contact_ids[(i * 7) % len(contact_ids)],
                "subject": f"Bench API ticket {i}: box internet en panne",
                "body": "Bonjour,\n\nplus de connexion depuis ce matin, la box clignote en "
                "rouge.\n\nMerci de votre aide.",
                "channel": "web",
                "priority": ("normal", "high")[i % 2],
            }
            for i in range(200)
        ]
        spec = {
            "base": base,
            "tokens": tokens,
            "payloads": payloads,
            "seconds": args.load_seconds,
            "threads": args.load_threads,
        }
        client = subprocess.run(
            [sys.executable, "-m", "bench.tickets_measure", "load-client"],
            input=json.dumps(spec), capture_output=True, text=True, cwd=ROOT, check=False,
            timeout=args.load_seconds + 120,
        )  # fmt: skip
        if client.returncode != 0:
            raise RuntimeError(f"load client failed: {client.stderr[-2000:]}")
        outcome.update(json.loads(client.stdout))
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        outcome["created_rows_deleted"] = _delete_created(max_before)
        _flush_redis_db5()
    rate = outcome.get("created_per_second", 0.0)
    outcome["target"] = TARGETS["api_create"]
    outcome["meets_target"] = rate >= TARGETS["api_create"]["min_per_second"]
    return outcome


def _wait_for_port(port: int, *, timeout: float, process: subprocess.Popen[Any]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not start listening")


def _delete_created(max_before: int) -> int:
    """Remove what the load run wrote, so the data set stays the generated one."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction

    from tickets.models import Ticket

    content_type = ContentType.objects.get_for_model(Ticket).pk
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM crm_activity WHERE source_type_id = %s AND source_id > %s",
            [content_type, max_before],
        )
        for table in ("tickets_message", "tickets_ticketevent", "tickets_ticket_tags"):
            cursor.execute(f"DELETE FROM {table} WHERE ticket_id > %s", [max_before])  # noqa: S608
        cursor.execute("DELETE FROM tickets_ticket WHERE id > %s", [max_before])
        deleted = cursor.rowcount
    return deleted


def _flush_redis_db5() -> None:
    """The queued notification tasks (no worker runs) and the throttle counters."""
    try:
        import redis

        redis.Redis(host="127.0.0.1", port=6379, db=5).flushdb()
    except Exception as exc:
        print(f"    could not flush redis db 5: {exc}")


def load_client(spec: dict[str, Any]) -> dict[str, Any]:
    """POST tickets from `threads` keep-alive connections for `seconds`; stdlib only."""
    base, tokens, payloads = spec["base"], spec["tokens"], spec["payloads"]
    host, port = base.rsplit(":", 1)
    deadline_holder: dict[str, float] = {}
    latencies: list[list[float]] = [[] for _ in range(spec["threads"])]
    errors: list[dict[str, int]] = [{} for _ in range(spec["threads"])]
    sample: list[str] = []
    bodies = [json.dumps(p).encode() for p in payloads]
    start_barrier = threading.Barrier(spec["threads"] + 1)

    def worker(n: int) -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=60)
        token = tokens[n % len(tokens)]
        headers = {"Content-Type": "application/json", "Authorization": f"Token {token}",
                   "Connection": "keep-alive"}  # fmt: skip
        i = n
        start_barrier.wait()
        while time.perf_counter() < deadline_holder["end"]:
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

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(spec["threads"])]
    for t in threads:
        t.start()
    started = time.perf_counter()
    deadline_holder["end"] = started + spec["seconds"]
    start_barrier.wait()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    all_latencies = [x for per in latencies for x in per]
    error_counts: dict[str, int] = {}
    for per in errors:
        for k, v in per.items():
            error_counts[k] = error_counts.get(k, 0) + v
    out: dict[str, Any] = {
        "threads": spec["threads"],
        "tokens": len(tokens),
        "seconds": round(wall, 2),
        "created": len(all_latencies),
        "errors": error_counts,
        "first_error_body": sample[0] if sample else None,
        "created_per_second": round(len(all_latencies) / wall, 1),
    }
    if all_latencies:
        out.update(
            {
                "p50_ms": round(percentile(all_latencies, 0.5), 1),
                "p95_ms": round(percentile(all_latencies, 0.95), 1),
                "p99_ms": round(percentile(all_latencies, 0.99), 1),
                "max_ms": round(max(all_latencies), 1),
            }
        )
    return out


# --- EXPLAIN --------------------------------------------------------------------------------
def inbox_plans(user: Any, subjects: dict[str, Any]) -> dict[str, Any]:
    """EXPLAIN (ANALYZE, BUFFERS) of each inbox page query and of its capped count, and the
    indexes each plan uses."""
    from django.db import connection

    from tickets import selectors

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
        qs = selectors.ticket_inbox(user=user, filters=filters).select_related("sla_policy")
        page_plan = qs[:PAGE].explain(analyze=True, buffers=True)
        count_plan = (
            qs.order_by()
            .values("pk")[: selectors.COUNT_CAP + 1]
            .explain(analyze=True, buffers=True)
        )
        report[key] = {
            "sql": str(qs[:PAGE].query),
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


def code_digests() -> dict[str, Any]:
    """Which code was measured: the commit and digests of the files behind the figures
    (they may be uncommitted work in progress)."""
    import hashlib

    files = ["tickets/selectors.py", "tickets/services.py", "tickets/models.py",
             "tickets/views/inbox.py", "tickets/views/ticket.py", "tickets/api.py",
             "tickets/serializers.py", "templates/tickets/inbox.html"]  # fmt: skip
    digests = {
        name: hashlib.sha256((ROOT / name).read_bytes()).hexdigest()[:12]
        for name in files
        if (ROOT / name).exists()
    }
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
        capture_output=True, text=True, check=False, cwd=ROOT,
    ).stdout.strip()  # fmt: skip
    return {"commit": commit, "files": digests}


# --- Output ---------------------------------------------------------------------------------
def markdown(
    measurements: list[Any], sweep: dict[str, Any] | None, api: dict[str, Any] | None
) -> str:
    from .crm_measure import markdown_table

    lines = [markdown_table(measurements), ""]
    lines.append("| Batch | p50 | p95 | max | Queries | Target | Meets |")
    lines.append("|---|---:|---:|---:|---:|---|---|")
    if sweep:
        if "p50_ms" in sweep:
            r = sweep["result"]
            lines.append(
                f"| SLA sweep at {sweep['moment'][:16]} ({r['warned']:,} warned, "
                f"{r['breached']:,} breached, {r['notifications']} notifications; "
                f"{sweep['tickets_with_sla_clock']:,} tickets with a clock) | "
                f"{sweep['p50_ms']:.0f} ms | {sweep['p95_ms']:.0f} ms | {sweep['max_ms']:.0f} ms | "
                f"{sweep['queries_min']}-{sweep['queries_max']} | < 5 s | "
                f"{'yes' if sweep['meets_target'] else '**no**'} |"
            )
        else:
            lines.append(f"| SLA sweep | | | | | < 5 s | {sweep.get('status')} |")
    if api:
        if "created_per_second" in api:
            lines.append(
                f"| API create, {api['threads']} client threads, {api['seconds']:.0f} s: "
                f"**{api['created_per_second']:.0f} tickets/s** ({api['created']:,} created, "
                f"errors {api['errors'] or 0}) | {api.get('p50_ms', 0):.0f} ms | "
                f"{api.get('p95_ms', 0):.0f} ms | {api.get('max_ms', 0):.0f} ms | | ≥ 200/s | "
                f"{'yes' if api['meets_target'] else '**no**'} |"
            )
        else:
            lines.append(f"| API create | | | | | ≥ 200/s | {api.get('status')} |")
    lines += ["", "Reference, " + HELPDESK_REFERENCE["source"] + ": agent ticket rows "
              + HELPDESK_REFERENCE["agent ticket rows"] + "; dashboard "
              + HELPDESK_REFERENCE["dashboard"] + "; API list " + HELPDESK_REFERENCE["API list"]
              + "."]  # fmt: skip
    return "\n".join(lines)


def main(args: argparse.Namespace) -> None:
    configure(args.database_url)
    from django import get_version
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from accounts.models import User

    from .crm_measure import machine, measure, wait_for_quiet_machine

    settings.DEBUG = False
    started = time.perf_counter()
    subjects = find_subjects()
    print(f"tickets-measure on {database_name(args.database_url)}: {subjects}", flush=True)
    user = User.objects.get(pk=subjects["agent_id"])
    client = Client()
    client.force_login(user)
    inbox_http = not is_placeholder("tickets/views/inbox.py")
    ticket_http = not is_placeholder("tickets/views/ticket.py")
    api_there = api_list_exists()
    modes = {"inbox": "http" if inbox_http else "selector (views/inbox.py is a placeholder)",
             "ticket": "http" if ticket_http else "selector (views/ticket.py is a placeholder)",
             "api": "present" if api_there else "missing (skipped)"}  # fmt: skip
    print(f"  modes: {modes}", flush=True)
    scenarios = inbox_scenarios(client, user, subjects, inbox_http)
    if inbox_http:  # the selector rows too: database time apart from rendering
        scenarios += inbox_scenarios(client, user, subjects, False)
        for s in scenarios[len(INBOX_CASES) :]:
            s.key = "sel_" + s.key
    scenarios += ticket_scenarios(client, user, subjects, ticket_http)
    if api_there:
        scenarios += api_scenarios(client, subjects)
    only = {k.strip() for k in args.only.split(",") if k.strip()}
    if only:
        scenarios = [s for s in scenarios if s.key in only]
    wait_for_quiet_machine(args.max_load)
    load_before = os.getloadavg()
    code = code_digests()
    measurements = []
    for scenario in scenarios:
        print(f"  {scenario.key}...", flush=True)
        target_key, scenario.target = scenario.target, None
        result = measure(scenario, runs=args.runs, warmup=args.warmup, gc_freeze=args.gc_freeze)
        if target_key and result.status == "ok":
            result.target = TARGETS[target_key]
            result.meets_target = result.p95_ms < TARGETS[target_key]["p95_ms"]
        if result.status == "ok":
            print(
                f"    p50 {result.p50_ms:.1f} ms, p95 {result.p95_ms:.1f} ms, "
                f"max {result.max_ms:.1f} ms, {result.queries_min}-{result.queries_max} queries",
                flush=True,
            )
        measurements.append(result)

    sweep: dict[str, Any] | None = None
    if not only or "sla_sweep" in only:
        print("  sla_sweep...", flush=True)
        try:
            sweep = measure_sweep(subjects, runs=args.sweep_runs, fraction=args.sweep_fraction)
            print(
                f"    {sweep['result']} at {sweep['moment']}: p50 {sweep['p50_ms']} ms, "
                f"max {sweep['max_ms']} ms, {sweep['queries_max']} queries",
                flush=True,
            )
        except Exception as exc:
            sweep = {"key": "sla_sweep", "status": f"not measurable: {exc}"}
            print(f"    {sweep['status']}")

    api: dict[str, Any] | None = None
    if not args.no_load and (not only or "api_create" in only):
        if not api_there:
            api = {"key": "api_create", "status": "skipped: no /api/v1/tickets/ yet"}
            print(f"  api_create: {api['status']}")
        else:
            print(
                f"  api_create: gunicorn -w {args.workers}, {args.load_threads} client threads, "
                f"{args.load_seconds:.0f} s...",
                flush=True,
            )
            try:
                api = measure_api_create(args, subjects)
                print(f"    {api}", flush=True)
            except Exception as exc:
                api = {"key": "api_create", "status": f"not measurable: {exc}"[:500]}
                print(f"    {api['status']}")

    explains: dict[str, Any] = {}
    if not args.no_explain:
        print("  EXPLAIN (ANALYZE, BUFFERS) of the inbox queries...", flush=True)
        user.__dict__.pop("_relais_queue_ids", None)
        explains["inbox"] = inbox_plans(user, subjects)
        for key, item in explains["inbox"].items():
            print(f"    {key}: {item['execution_ms']} ms via {item['indexes']}; count "
                  f"{item['count_execution_ms']} ms via {item['count_indexes']}")  # fmt: skip

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        postgres_version = cursor.fetchone()[0]
    result = {
        "kind": "tickets-measure",
        "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "database": database_name(args.database_url),
        "runs": args.runs,
        "warmup": args.warmup,
        "gc_freeze": args.gc_freeze,
        "modes": modes,
        "subjects": subjects,
        "targets": TARGETS,
        "measurements": [asdict(m) for m in measurements],
        "sla_sweep": sweep,
        "api_create": api,
        "reference_quoted_not_measured": HELPDESK_REFERENCE,
        "explain": explains,
        "machine": machine(),
        "load_average_before": load_before,
        "code": code,
        "postgresql": postgres_version,
        "django": get_version(),
        "duration_seconds": round(time.perf_counter() - started, 1),
    }
    RESULTS_DIR.mkdir(exist_ok=True)
    stem = f"tickets-{time.strftime('%Y-%m-%d')}{'-gc-freeze' if args.gc_freeze else ''}"
    json_path = RESULTS_DIR / f"{stem}.json"
    json_path.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n")
    table = markdown(measurements, sweep, api)
    (RESULTS_DIR / f"{stem}.md").write_text(table + "\n")
    print()
    print(table)
    print(f"\nresults written to {json_path} and {stem}.md")


if __name__ == "__main__":
    # `python -m bench.tickets_measure load-client` (spec as JSON on stdin): the API load
    # runs in its own process, apart from the server and from this one's GIL.
    if sys.argv[1:] == ["load-client"]:
        print(json.dumps(load_client(json.loads(sys.stdin.read()))))
