"""The SLA sweep and ticket creation through the API (a separate client process)."""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import threading
import time
from dataclasses import asdict
from typing import Any

from ..harness import (
    ROOT,
    GunicornServer,
    token_for,
)
from ..timing import percentile
from .config import TARGETS


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
