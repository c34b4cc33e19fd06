"""The tables, the quiet-machine wait and `main`, which runs it all."""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..djangoenv import configure, database_name
from .config import TARGETS, Measurement, find_subjects
from .plans import code_version, consent_report, keyset_report, search_index_report
from .scenarios import bench_user, http_pages, measure, selector_scenarios


def markdown_table(measurements: list[Measurement]) -> str:
    lines = [
        "| Scenario | Layer | p50 (ms) | p95 (ms) | Queries | Target | Meets |",
        "|---|---|---:|---:|---:|---|---|",
    ]
    for m in measurements:
        if m.status != "ok":
            lines.append(f"| {m.title} | {m.layer} | n/a | n/a | n/a | | {m.status} |")
            continue
        queries = (
            str(m.queries_min)
            if m.queries_min == m.queries_max
            else f"{m.queries_min} to {m.queries_max}"
        )
        target = ""
        if m.target:
            target = f"p95 < {m.target['p95_ms']:g} ms"
            if "max_queries" in m.target:
                target += f", ≤ {m.target['max_queries']:g} queries"
        meets = "" if m.meets_target is None else ("yes" if m.meets_target else "**no**")
        lines.append(
            f"| {m.title} | {m.layer} | {m.p50_ms:.1f} | {m.p95_ms:.1f} | {queries} | "
            f"{target} | {meets} |"
        )
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    def run(*command: str) -> str:
        try:
            return subprocess.run(  # noqa: S603 - fixed commands, no user input
                command, capture_output=True, text=True, check=False
            ).stdout.strip()
        except OSError:
            return ""

    return {
        "nproc": run("nproc"),
        "free_h": run("free", "-h"),
        "cpu": next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        )
        if Path("/proc/cpuinfo").exists()
        else platform.processor(),
        "python": platform.python_version(),
        "load_average_after": os.getloadavg(),
    }


def wait_for_quiet_machine(max_load: float, timeout: float = 1800.0) -> None:
    if max_load <= 0:
        return
    deadline = time.monotonic() + timeout
    while os.getloadavg()[0] >= max_load and time.monotonic() < deadline:
        print(f"  load average {os.getloadavg()[0]:.2f} >= {max_load}: waiting...", flush=True)
        time.sleep(30)


def main(args: argparse.Namespace) -> None:
    # Before Django imports the views: the digests must describe the code that runs.
    code = code_version()
    from ..tickets_measure import server_config

    config = server_config(args)
    configure(args.database_url, broker_url=config.broker_url, cache_url=config.cache_url)
    from django import get_version
    from django.db import connection

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

    started = time.perf_counter()
    user = bench_user()
    subjects = find_subjects()
    print(f"crm-measure on {database_name(args.database_url)}: {subjects}", flush=True)
    keys = {k.strip() for k in args.only.split(",") if k.strip()}
    pages = [p for p in http_pages(subjects) if not keys or p.key in keys]
    warmed = prewarm()
    wait_for_quiet_machine(args.max_load)
    load_before = os.getloadavg()
    with GunicornServer(config, log_name="crm-measure") as server:
        print(f"  gunicorn: {' '.join(server.command[1:])}", flush=True)
        runner = HttpRunner(server.host, server.port, Credentials())
        results = measure_pages(runner, pages, runs=args.runs, warmup=args.warmup,
                                budget_seconds=args.budget_seconds)  # fmt: skip
        runner.close()

    selectors_measured: list[Measurement] = []
    if args.selectors:
        scenarios = selector_scenarios(user, subjects)
        if keys:
            scenarios = [s for s in scenarios if s.key in keys]
        for scenario in scenarios:
            print(f"  {scenario.key} (in process)...", flush=True)
            result = measure(scenario, runs=args.runs, warmup=args.warmup, gc_freeze=True)
            if result.status == "ok":
                print(f"    p50 {result.p50_ms:.1f} ms, p95 {result.p95_ms:.1f} ms, "
                      f"{result.queries_min}-{result.queries_max} queries", flush=True)  # fmt: skip
            selectors_measured.append(result)

    explains: dict[str, Any] = {}
    if not args.no_explain:
        print("  EXPLAIN (ANALYZE, BUFFERS)...", flush=True)
        explains["search_indexes"] = search_index_report(subjects)
        explains["keyset"] = keyset_report(subjects)
        explains["consents"] = consent_report(subjects)

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        postgres_version = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        shared_buffers = cursor.fetchone()[0]
    payload = {
        "kind": "crm-measure",
        "method": "HTTP, gunicorn 2 sync workers, bench.settings (timing middleware), "
        "DEBUG off, CONN_MAX_AGE 600, concurrency 1, nearest-rank percentiles",
        "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "database": database_name(args.database_url),
        "runs": args.runs,
        "warmup": args.warmup,
        "subjects": asdict(subjects),
        "targets": TARGETS,
        "pages": result_dicts(results),
        "selectors_in_process": [asdict(m) for m in selectors_measured],
        "explain": explains,
        "machine": machine_facts(),
        "load_average_before": load_before,
        "prewarm": warmed,
        "code": code,
        "code_changed_during_run": code_version() != code,
        "postgresql": postgres_version,
        "shared_buffers": shared_buffers,
        "django": get_version(),
        "duration_seconds": round(time.perf_counter() - started, 1),
    }
    stem = f"crm-http-{time.strftime('%Y-%m-%d')}{'-' + args.label if args.label else ''}"
    table = pages_table(results)
    if selectors_measured:
        table += "\n\nIn process (selectors alone):\n\n" + markdown_table(selectors_measured)
    path = write_results(stem, payload, table)
    print()
    print(table)
    print(f"\nresults written to {path} and {stem}.md")
