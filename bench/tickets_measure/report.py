"""The tables and `main`, which runs it all."""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

from ..djangoenv import configure, database_name
from ..harness import (
    Credentials,
    GunicornServer,
    HttpRunner,
    machine_facts,
    measure_pages,
    pages_table,
    prewarm,
    result_dicts,
    write_results,
)
from .batch import measure_api_create, measure_sweep
from .config import API_AGENTS, TARGETS, find_subjects, server_config
from .pages import all_pages
from .plans import inbox_plans


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

    from ..crm_measure import wait_for_quiet_machine

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
    from ..harness import code_commit

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
