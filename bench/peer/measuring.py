"""The same pages measured on both, and the side-by-side tables."""

from __future__ import annotations

import argparse
import json
import os
import time
from typing import Any

from ..djangoenv import configure, database_name
from ..harness import (
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
from ..timing import percentile
from .config import ADMIN_EMAIL, AGENT_EMAIL, ENDPOINTS, TARGET_RATIOS

HTMX = {"HX-Request": "true"}


def peer_pages() -> list[Page]:
    """The peer's endpoints (first), then the rest of the budget's pages on this data."""
    from ..tickets_measure import INBOX_CASES

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
    from ..tickets_measure import server_config

    config = server_config(args)
    configure(args.database_url, broker_url=config.broker_url, cache_url=config.cache_url)
    from django import get_version

    from tickets.models import Ticket

    from ..crm_measure import wait_for_quiet_machine
    from ..harness import code_commit

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
