"""`python -m bench profile`: where the Python time of a page goes, in process.

The same requests as the HTTP measurements (`bench.tickets_measure` and `bench.peer` page
lists), through `django.test.Client` with the same settings (`bench.settings`: DEBUG
off, the timing middleware, manifest static files), sampled by pyinstrument over
`--runs` requests after `--warmup`. Per page it writes under `bench/results/profiles/`:

- `<stem>-<page>.txt`: pyinstrument's call tree (time in seconds over all runs);
- `<stem>.json` and `.md`: per page, the time inside the request (under the timing
  middleware, so the test client's own work is left out) split two ways:
  *exclusive* (each sample counted once, for the innermost frame that belongs to a known
  part: the database driver, SQL compilation, queryset building, model instantiation,
  template rendering, forms, crispy-forms...) and *inclusive* (every sample under a part,
  e.g. all the time spent inside crispy-forms, whatever it called).

`api_create` profiles ticket creation through the API (token authentication, throttle,
validation, `ticket_create`, the response): `--runs` POSTs, whose tickets are deleted
afterwards.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .djangoenv import configure, database_name
from .harness import (
    RESULTS_DIR,
    VAR_DIR,
    Credentials,
    GunicornServer,
    InProcessRunner,
    Page,
    ServerConfig,
)

PROFILES_DIR = RESULTS_DIR / "profiles"
DEFAULT_PAGES = "ticket_page,rows_mine,home_agent,customer_page,admin_tickets,api_create"

# How a sample (a leaf of the call tree and its stack) is attributed, innermost frame
# first: the database driver; else the innermost *deciding* ORM frame (model
# instantiation, SQL compilation and row conversion, related-object access, queryset
# building), ORM helpers (fields, expressions, lookups) taking the part of the ORM frame
# that called them; else the innermost frame of a known part below.
DRIVER = ("/psycopg/", "/psycopg_binary/", "/django/db/backends/")
MODEL_INSTANTIATION_FUNCTIONS = {"__iter__", "populate", "from_db", "_prefetch_related_objects",
                                 "prefetch_related_objects", "prefetch_one_level",
                                 "get_prefetch_querysets", "get_prefetch_queryset"}  # fmt: skip
ORM_HELPERS = ("/django/db/models/fields/__init__.py", "/django/db/models/expressions.py",
               "/django/db/models/lookups.py", "/django/db/models/query_utils.py",
               "/django/db/models/functions/", "/django/db/models/utils.py",
               "/django/db/models/fields/json.py")  # fmt: skip
SQL = "SQL: driver and database (psycopg, backend)"
COMPILATION = "SQL compilation and row conversion"
INSTANTIATION = "model instantiation"
RELATED = "related-object access (descriptors)"
BUILDING = "queryset building"


def _orm_part(path: str, function: str) -> str | None:
    """The part a deciding ORM frame stands for (None: not a deciding ORM frame)."""
    if "/django/db/models/" not in path or any(h in path for h in ORM_HELPERS):
        return None
    if path.endswith("/django/db/models/base.py"):
        return INSTANTIATION
    if path.endswith("/django/db/models/query.py"):
        return INSTANTIATION if function in MODEL_INSTANTIATION_FUNCTIONS else BUILDING
    if path.endswith("/django/db/models/sql/compiler.py"):
        return COMPILATION
    if "/related_descriptors.py" in path:
        return RELATED
    return BUILDING


Rule = tuple[str, Any]


def _path_has(*fragments: str) -> Any:
    return lambda path, function: any(f in path for f in fragments)


RULES: list[Rule] = [
    ("crispy-forms", _path_has("/crispy_forms/", "/crispy_bootstrap5/")),
    ("forms and widgets", _path_has("/django/forms/")),
    ("template rendering",
     _path_has("/django/template/", "/template_partials/", "/django/templatetags/")),
    ("DRF (views, serializers, throttles)", _path_has("/rest_framework/", "/django_filters/")),
    ("URL resolving and reversing", _path_has("/django/urls/")),
    ("translation and formats",
     _path_has("/django/utils/translation/", "/gettext.py", "/django/utils/formats.py")),
    ("Markdown and HTML sanitising", _path_has("/markdown_it/", "/nh3/", "/tickets/content.py")),
    ("cache and broker (Redis, Celery)", _path_has("/redis/", "/kombu/", "/celery/")),
    ("sessions, auth, middleware",
     _path_has("/django/contrib/sessions/", "/django/contrib/auth/", "/axes/",
               "/django/middleware/", "/simple_history/", "/django_htmx/", "/whitenoise/")),
    ("admin (contrib.admin)", _path_has("/django/contrib/admin/")),
    ("Relais code (views, selectors, services)",
     _path_has("/accounts/", "/crm/", "/tickets/", "/relais/")),
]  # fmt: skip


def classify(stack: tuple[tuple[str, str], ...]) -> str:
    """The part of one sample, from its stack (outermost frame first)."""
    in_orm_helper = False
    for path, function in reversed(stack):
        if any(d in path for d in DRIVER):
            return SQL
        part = _orm_part(path, function)
        if part:
            return part
        if any(h in path for h in ORM_HELPERS):
            in_orm_helper = True
            continue
        if in_orm_helper:
            return BUILDING  # a field or expression helper called from outside the ORM
        match = next((name for name, rule in RULES if rule(path, function)), None)
        if match:
            return match
    return BUILDING if in_orm_helper else "other Python (stdlib, Django core)"


INCLUSIVE = [
    ("template rendering (all of it)", _path_has("/django/template/", "/template_partials/")),
    ("crispy-forms (all of it)", _path_has("/crispy_forms/", "/crispy_bootstrap5/")),
    ("forms (all of it)", _path_has("/django/forms/")),
    ("SQL driver (all of it)", _path_has("/psycopg/", "/django/db/backends/")),
    ("ORM outside the driver", _path_has("/django/db/models/")),
    ("DRF (all of it)", _path_has("/rest_framework/")),
]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from .tickets_measure import add_server_arguments

    parser.add_argument("--database-url", required=True, help="postgres://user@host:port/name")
    parser.add_argument("--dataset", choices=("desk", "peer"), default="desk",
                        help="desk: tickets-generate's pages; peer: peer-generate's")  # fmt: skip
    parser.add_argument("--pages", default=DEFAULT_PAGES, help="comma-separated page keys")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--interval", type=float, default=0.0005, help="sampling interval (s)")
    add_server_arguments(parser)


# --- Attribution ------------------------------------------------------------------------------
def _leaves(frame: Any, stack: tuple[tuple[str, str], ...]) -> Iterator[tuple[Any, tuple]]:
    here = (*stack, (frame.file_path or "", frame.function or ""))
    if not frame.children:
        yield frame, here
        return
    for child in frame.children:
        yield from _leaves(child, here)


def _request_frames(root: Any) -> Iterator[Any]:
    """The frames of ServerTimingMiddleware.__call__: the request as the server sees it."""
    if root.function == "__call__" and (root.file_path or "").endswith("bench/middleware.py"):
        yield root
        return
    for child in root.children:
        yield from _request_frames(child)


def attribute(root: Any) -> dict[str, Any]:
    exclusive: dict[str, float] = {}
    inclusive: dict[str, float] = {}
    total = 0.0
    for request in _request_frames(root):
        for leaf, stack in _leaves(request, ()):
            seconds = float(leaf.time)
            total += seconds
            part = classify(stack)
            exclusive[part] = exclusive.get(part, 0.0) + seconds
            for name, rule in INCLUSIVE:
                if any(rule(path, function) for path, function in stack):
                    inclusive[name] = inclusive.get(name, 0.0) + seconds
    return {
        "request_seconds": round(total, 4),
        "exclusive": {k: round(v, 4) for k, v in sorted(exclusive.items(), key=lambda i: -i[1])},
        "inclusive": {k: round(v, 4) for k, v in sorted(inclusive.items(), key=lambda i: -i[1])},
    }


# --- Running ----------------------------------------------------------------------------------
def profile_requests(
    runner: InProcessRunner, pages: list[Page], *, runs: int, warmup: int, interval: float
) -> tuple[Any, list[Any]]:
    from pyinstrument import Profiler

    for _ in range(warmup):
        for page in pages:
            runner.request(page)
    samples = []
    profiler = Profiler(interval=interval)
    profiler.start()
    for i in range(runs):
        samples.append(runner.request(pages[i % len(pages)]))
    profiler.stop()
    return profiler, samples


def creation_pages(subjects: dict[str, Any], agent: str, count: int) -> list[Page]:
    from .tickets_measure import creation_payloads

    return [
        Page("api_create", "API ticket creation", "/api/v1/tickets/", agent, method="POST",
             body=json.dumps(payload).encode(), auth="token", expect_status=201,
             headers={"Accept": "application/json"}, group="api", budget=False)
        for payload in creation_payloads(subjects, count)
    ]  # fmt: skip


def main(args: argparse.Namespace) -> None:
    from .tickets_measure import server_config

    config: ServerConfig = server_config(args)
    GunicornServer(config).collectstatic()  # the templates need the static manifest
    configure(args.database_url, broker_url=config.broker_url, cache_url=config.cache_url)
    from django.db import connection

    from . import peer, tickets_measure

    if args.dataset == "peer":
        pages = {p.key: p for p in peer.peer_pages() if p.path != "CUSTOMER"}
        subjects: dict[str, Any] = {}
    else:
        subjects = tickets_measure.find_subjects()
        pages = {p.key: p for p in tickets_measure.all_pages(subjects)}
    wanted = [k.strip() for k in args.pages.split(",") if k.strip()]
    PROFILES_DIR.mkdir(parents=True, exist_ok=True)
    (VAR_DIR / "profiles").mkdir(parents=True, exist_ok=True)
    stem = f"{time.strftime('%Y-%m-%d')}-{args.dataset}{'-' + args.label if args.label else ''}"
    runner = InProcessRunner(Credentials())
    report: dict[str, Any] = {
        "kind": "profile",
        "database": database_name(args.database_url),
        "runs": args.runs,
        "warmup": args.warmup,
        "interval_s": args.interval,
        "pages": {},
    }
    for key in wanted:
        print(f"  profiling {key}...", flush=True)
        max_before = None
        if key == "api_create":
            if args.dataset == "peer":
                print("    skipped: api_create profiles on the desk data set")
                continue
            max_before = tickets_measure.max_ticket_id()
            batch = creation_pages(subjects, tickets_measure.API_AGENTS[0], args.runs + args.warmup)
            # Warm up on the first creations, profile the rest (one request each).
            for page in batch[: args.warmup]:
                runner.request(page)
            profiler, samples = profile_requests(
                runner, batch[args.warmup :], runs=args.runs, warmup=0, interval=args.interval
            )
            tickets_measure.delete_created(max_before)
            tickets_measure.flush_broker(config.broker_url)
            title = "API ticket creation (POST /api/v1/tickets/)"
        elif key in pages:
            page = pages[key]
            profiler, samples = profile_requests(
                runner, [page], runs=args.runs, warmup=args.warmup, interval=args.interval
            )
            title = page.title
        else:
            print(f"    unknown page {key!r}; known: {', '.join(pages)}, api_create")
            continue
        bad = [s.status for s in samples if s.status not in (200, 201)]
        if bad:
            raise SystemExit(f"{key}: HTTP {bad[:5]} while profiling")
        session = profiler.last_session
        parts = attribute(session.root_frame())
        server = sorted(s.server_ms for s in samples)
        db = sorted(s.db_ms for s in samples)
        parts.update(
            {
                "title": title,
                "server_ms_median": round(server[len(server) // 2], 2),
                "sql_ms_median": round(db[len(db) // 2], 2),
                "queries": samples[-1].queries,
            }
        )
        # The raw samples, to attribute again or open with `pyinstrument --load` (not kept
        # in git: several MB each).
        session.save(str(VAR_DIR / "profiles" / f"{stem}-{key}.pyisession"))
        text = profiler.output_text(unicode=True, show_all=False)
        Path(PROFILES_DIR / f"{stem}-{key}.txt").write_text(text)
        report["pages"][key] = parts
        total = parts["request_seconds"] or 1.0
        top = ", ".join(f"{k} {v / total:.0%}" for k, v in list(parts["exclusive"].items())[:6])
        print(f"    median {parts['server_ms_median']} ms (SQL {parts['sql_ms_median']} ms, "
              f"{parts['queries']} queries): {top}", flush=True)  # fmt: skip
    connection.close()
    (PROFILES_DIR / f"{stem}.json").write_text(json.dumps(report, indent=2) + "\n")
    (PROFILES_DIR / f"{stem}.md").write_text(summary_table(report) + "\n")
    print()
    print(summary_table(report))
    print(f"\nprofiles written to {PROFILES_DIR}/{stem}*")


def summary_table(report: dict[str, Any]) -> str:
    lines = []
    for key, parts in report["pages"].items():
        total = parts["request_seconds"] or 1.0
        lines.append(f"### {parts['title']} (`{key}`)")
        lines.append("")
        lines.append(
            f"In process, median {parts['server_ms_median']} ms with SQL "
            f"{parts['sql_ms_median']} ms ({parts['queries']} queries)."
        )
        lines.append("")
        lines.append("| part (exclusive) | share |")
        lines.append("|---|---:|")
        for name, seconds in parts["exclusive"].items():
            lines.append(f"| {name} | {seconds / total:.0%} |")
        lines.append("")
        lines.append("| inclusive | share |")
        lines.append("|---|---:|")
        for name, seconds in parts["inclusive"].items():
            lines.append(f"| {name} | {seconds / total:.0%} |")
        lines.append("")
    return "\n".join(lines)
