"""`python -m bench quality-measure`: supervision over HTTP, under gunicorn, on PostgreSQL.

    python -m bench crm-generate --database-url $DB
    python -m bench tickets-generate --database-url $DB      # 1M tickets, 5M messages
    python -m bench quality-generate --database-url $DB      # 2M calls, facts, presence
    python -m bench quality-measure --database-url $DB

Measures, as the supervisor who leads every team (the widest scope): the live view (page,
htmx refresh, API), the KPI endpoint over the last month and the last year (overall and
per queue), and the staffing plan for next week. Targets of issue 14: live p95 < 150 ms
with constant queries, KPIs month < 300 ms, year < 1 s, plan < 500 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import time
from pathlib import Path

from .djangoenv import configure, database_name
from .harness import (
    Credentials,
    GunicornServer,
    HttpRunner,
    Page,
    ServerConfig,
    machine_facts,
    measure_pages,
    pages_table,
    prewarm,
)
from .quality_generate import SUPERVISOR_EMAIL

RESULTS = Path(__file__).resolve().parent / "results"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--budget-seconds", type=float, default=60.0)


def pages(queue_id: int) -> list[Page]:
    today = dt.date.today()
    month = f"from={today - dt.timedelta(days=30)}&to={today}"
    year = f"from={today - dt.timedelta(days=364)}&to={today}"
    s = SUPERVISOR_EMAIL
    return [
        Page("live_page", "Live view (page)", "/supervision/", s, group="live",
             target_p95_ms=150.0),
        Page("live_htmx", "Live view (htmx refresh)", "/supervision/", s,
             headers={"HX-Request": "true"}, group="live", target_p95_ms=150.0),
        Page("live_api", "GET /api/v1/live/", "/api/v1/live/", s, auth="token", group="api",
             target_p95_ms=150.0),
        Page("kpis_month", "KPIs, last 30 days", f"/api/v1/kpis/?{month}", s, auth="token",
             group="api", target_p95_ms=300.0, budget=False),
        Page("kpis_month_queue", "KPIs, last 30 days, per queue",
             f"/api/v1/kpis/?{month}&group_by=queue", s, auth="token", group="api",
             target_p95_ms=300.0, budget=False),
        Page("kpis_year", "KPIs, last 365 days", f"/api/v1/kpis/?{year}", s, auth="token",
             group="api", target_p95_ms=1000.0, budget=False),
        Page("kpis_year_week", "KPIs, last 365 days, per week",
             f"/api/v1/kpis/?{year}&group_by=week", s, auth="token", group="api",
             target_p95_ms=1000.0, budget=False),
        Page("plan", "Staffing plan, next week", f"/api/v1/staffing/plan/?queue={queue_id}", s,
             auth="token", group="api", target_p95_ms=500.0, budget=False),
    ]  # fmt: skip


def main(args: argparse.Namespace) -> None:
    config = ServerConfig(database_url=args.database_url)
    configure(args.database_url, broker_url=config.broker_url, cache_url=config.cache_url)
    from django.db.models import Count

    from telephony.models import PhoneCall
    from tickets.models import Ticket

    busiest = PhoneCall.objects.values("queue_id").annotate(n=Count("pk")).order_by("-n").first()
    counts = {
        "tickets": Ticket.objects.count(),
        "calls": PhoneCall.objects.count(),
    }
    print(f"quality-measure on {database_name(args.database_url)}: {counts}", flush=True)
    prewarm(("tickets_%", "telephony_%", "quality_%", "accounts_%", "auth_%", "django_session",
             "authtoken_%"))  # fmt: skip
    load_before = os.getloadavg()
    with GunicornServer(config, log_name="quality-measure") as server:
        runner = HttpRunner(server.host, server.port, Credentials())
        results = measure_pages(runner, pages(busiest["queue_id"]), runs=args.runs,
                                warmup=args.warmup, budget_seconds=args.budget_seconds)  # fmt: skip
        runner.close()
    load_after = os.getloadavg()
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"quality-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps({
        "data": counts, "load_before": load_before, "load_after": load_after,
        "machine": machine_facts(), "results": [r.__dict__ for r in results],
    }, indent=2, default=str))  # fmt: skip
    print(pages_table(results))
    print(f"load average before {load_before}, after {load_after}; written to {out}")
