"""`python -m bench crm-measure`: time the customer record against a generated database.

Over HTTP under gunicorn, as `bench.harness` measures every page (2 sync workers, DEBUG
off, persistent connections, the timing middleware's server time, SQL count and SQL
time, one request at a time, nearest-rank p50/p95): the contact page, the timeline's
htmx pages, the searches and the contacts API.

`--selectors` also times the selectors alone, in process (the reads without HTTP, session
or rendering); the EXPLAIN section shows the plans of the searches, the keyset timeline
and the consents.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import re
import subprocess
import time
import traceback
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .djangoenv import configure, database_name
from .harness import Page
from .timing import percentile

RESULTS_DIR = Path(__file__).resolve().parent / "results"
BENCH_USER_EMAIL = "bench@relais.example"
PREFERRED_SURNAME = "Lefèvre"
TIMELINE_PAGE_SIZE = 25
DEEP_ROW = 25_000  # the cursor of this row opens page 1,001

# From the issue: the contact page whatever the history size, and search.
TARGETS = {
    "contact_page": {"p95_ms": 50.0, "max_queries": 12},
    "search": {"p95_ms": 100.0},
}


@dataclass
class Scenario:
    key: str
    title: str
    layer: str  # "http" or "selector"
    call: Callable[[], Any]
    target: str | None = None  # a key of TARGETS
    expect_text: str | None = None  # must appear in an HTTP response


@dataclass
class Measurement:
    key: str
    title: str
    layer: str
    status: str  # "ok" or why it could not be measured
    runs: int = 0
    p50_ms: float | None = None
    p95_ms: float | None = None
    min_ms: float | None = None
    max_ms: float | None = None
    queries_min: int | None = None
    queries_max: int | None = None
    http_status: int | None = None
    response_bytes: int | None = None
    target: dict[str, float] | None = None
    meets_target: bool | None = None
    slowest_queries: list[dict[str, Any]] = field(default_factory=list)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from .tickets_measure import add_server_arguments

    parser.add_argument("--database-url", required=True, help="postgres://user@host:port/name")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument(
        "--only", default="", help="comma-separated scenario keys (default: all of them)"
    )
    parser.add_argument("--no-explain", action="store_true", help="skip the EXPLAIN section")
    parser.add_argument(
        "--selectors",
        action="store_true",
        help="also time the selectors alone, in process (the reads without HTTP, session "
        "or rendering), with gc.freeze() as relais/wsgi.py does",
    )
    add_server_arguments(parser)


# --- Fixtures taken from the data -------------------------------------------------------
@dataclass
class Subjects:
    heavy_contact_id: int
    heavy_activities: int
    typical_contact_id: int
    typical_activities: int
    surname: str
    surname_contacts: int
    typo: str
    phone_e164: str
    phone_national: str
    full_name: str
    cursor_page_2: str
    cursor_deep: str
    cursor_last: str


def find_subjects() -> Subjects:
    import phonenumbers
    from django.db import connection

    from crm.models import Activity, Contact, ContactPhone
    from crm.selectors import encode_cursor, timeline_page

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT contact_id, count(*) FROM crm_activity WHERE contact_id IS NOT NULL "
            "GROUP BY contact_id ORDER BY count(*) DESC, contact_id LIMIT 1"
        )
        heavy_id, heavy_count = cursor.fetchone()
        # A contact with the median history size stands for "everyone else".
        cursor.execute(
            "WITH counts AS (SELECT contact_id, count(*) AS n FROM crm_activity "
            "WHERE contact_id IS NOT NULL GROUP BY contact_id) "
            "SELECT contact_id, n FROM counts WHERE n = (SELECT percentile_disc(0.5) "
            "WITHIN GROUP (ORDER BY n) FROM counts) ORDER BY contact_id LIMIT 1"
        )
        typical_id, typical_count = cursor.fetchone()
        cursor.execute(
            "SELECT last_name, count(*) FROM crm_contact WHERE last_name <> "
            "translate(last_name, 'àâäéèêëîïôöùûüçÀÂÉÈÊÎÔÙÛÇ', 'aaaeeeeiioouuucAAEEEIOUUC') "
            "GROUP BY last_name ORDER BY (last_name = %s) DESC, count(*) DESC, last_name "
            "LIMIT 1",
            [PREFERRED_SURNAME],
        )
        surname, surname_count = cursor.fetchone()
    heavy = Contact.objects.get(pk=heavy_id)
    phone = ContactPhone.objects.filter(contact=heavy, is_primary=True).get().number.as_e164
    national = phonenumbers.format_number(
        phonenumbers.parse(phone, "FR"), phonenumbers.PhoneNumberFormat.NATIONAL
    )
    rows = Activity.objects.filter(contact=heavy).order_by("-occurred_at", "-id")
    deep_row = min(DEEP_ROW, heavy_count - TIMELINE_PAGE_SIZE)
    last_row = heavy_count - TIMELINE_PAGE_SIZE - 1
    return Subjects(
        heavy_contact_id=heavy_id,
        heavy_activities=heavy_count,
        typical_contact_id=typical_id,
        typical_activities=typical_count,
        surname=surname,
        surname_contacts=surname_count,
        typo=misspell(surname),
        phone_e164=phone,
        phone_national=national,
        full_name=heavy.full_name,
        cursor_page_2=timeline_page(contact=heavy, page_size=TIMELINE_PAGE_SIZE).next_cursor or "",
        cursor_deep=encode_cursor(rows[deep_row - 1]),
        cursor_last=encode_cursor(rows[last_row]),
    )


def misspell(name: str) -> str:
    """One wrong letter, accents dropped, as typed in a hurry: "Lefèvre" -> "Lefebre".

    The first consonant after the first accented letter becomes a "b" (a "v" if it was
    one), so the query matches no word exactly and only the typo-tolerant search can match.
    """
    accented = next((i for i, ch in enumerate(name) if not ch.isascii()), len(name) // 2)
    bare = "".join(
        ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch)
    )
    letters = list(bare)
    for position in range(accented + 1, len(letters)):
        if letters[position].lower() not in "aeiouy -'":
            letters[position] = "v" if letters[position].lower() == "b" else "b"
            break
    return "".join(letters)


# --- Running scenarios ------------------------------------------------------------------
def measure(scenario: Scenario, *, runs: int, warmup: int, gc_freeze: bool = False) -> Measurement:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    result = Measurement(scenario.key, scenario.title, scenario.layer, status="ok")
    if scenario.target:
        result.target = TARGETS[scenario.target]
    try:
        for _ in range(warmup):
            _check(scenario, scenario.call(), result)
    except Exception as exc:
        result.status = f"not measurable: {type(exc).__name__}: {exc}"[:500]
        print(f"    {scenario.key}: {result.status}")
        traceback.print_exc(limit=3)
        return result
    timings: list[float] = []
    query_counts: list[int] = []
    slowest: list[dict[str, Any]] = []
    gc.collect()
    if gc_freeze:
        gc.freeze()
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = scenario.call()
            elapsed = time.perf_counter() - started
        _check(scenario, response, result)
        timings.append(elapsed * 1000)
        query_counts.append(len(captured.captured_queries))
        slowest = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:3]
    result.runs = runs
    result.p50_ms = round(percentile(timings, 0.50), 2)
    result.p95_ms = round(percentile(timings, 0.95), 2)
    result.min_ms = round(min(timings), 2)
    result.max_ms = round(max(timings), 2)
    result.queries_min, result.queries_max = min(query_counts), max(query_counts)
    result.slowest_queries = [
        {"ms": round(float(q["time"]) * 1000, 2), "sql": q["sql"]} for q in slowest
    ]
    if result.target:
        meets = result.p95_ms < result.target["p95_ms"]
        if "max_queries" in result.target:
            meets = meets and result.queries_max <= result.target["max_queries"]
        result.meets_target = meets
    return result


def _check(scenario: Scenario, response: Any, result: Measurement) -> None:
    if scenario.layer != "http":
        return
    if response.status_code != 200:
        raise AssertionError(f"HTTP {response.status_code} for {scenario.title}")
    result.http_status = response.status_code
    content = response.content
    result.response_bytes = len(content)
    if scenario.expect_text and scenario.expect_text.encode() not in content:
        raise AssertionError(f"{scenario.expect_text!r} not in the response")


def http_pages(subjects: Subjects) -> list[Page]:
    """The customer pages, searches and API lists, as requests to the server."""
    from urllib.parse import urlencode

    heavy = f"/customers/{subjects.heavy_contact_id}/"
    typical = f"/customers/{subjects.typical_contact_id}/"
    htmx = {"HX-Request": "true"}
    agent = BENCH_USER_EMAIL

    def q(**params: str) -> str:
        return urlencode(params)

    def page(key: str, title: str, path: str, group: str, headers: dict[str, str] | None = None,
             target: str | None = None) -> Page:  # fmt: skip
        return Page(key, title, path, agent, headers=headers or {}, group=group,
                    target_p95_ms=TARGETS[target]["p95_ms"] if target else None)  # fmt: skip

    def api(key: str, title: str, path: str) -> Page:
        return Page(key, title, path, agent, auth="token", group="api", budget=False,
                    headers={"Accept": "application/json"})  # fmt: skip

    return [
        page("contact_page_heavy", f"Contact page, {subjects.heavy_activities:,} timeline rows",
             heavy, "customer", target="contact_page"),
        page("contact_page_typical",
             f"Contact page, {subjects.typical_activities} timeline rows (median contact)",
             typical, "customer", target="contact_page"),
        page("timeline_page_2", "Timeline next page (htmx, cursor of row 25)",
             f"{heavy}?{q(cursor=subjects.cursor_page_2)}", "customer", htmx),
        page("timeline_page_deep", f"Timeline page 1,001 (htmx, cursor of row {DEEP_ROW:,})",
             f"{heavy}?{q(cursor=subjects.cursor_deep)}", "customer", htmx),
        page("timeline_page_last", "Timeline last page (htmx)",
             f"{heavy}?{q(cursor=subjects.cursor_last)}", "customer", htmx),
        page("search_name", f"Search by last name “{subjects.surname}”",
             f"/customers/?{q(q=subjects.surname)}", "search", target="search"),
        page("search_full_name", f"Search by first and last name “{subjects.full_name}”",
             f"/customers/?{q(q=subjects.full_name)}", "search", target="search"),
        page("search_phone", f"Search by phone “{subjects.phone_national}”",
             f"/customers/?{q(q=subjects.phone_national)}", "search", target="search"),
        page("search_typo", f"Search with a typo “{subjects.typo}” (for {subjects.surname})",
             f"/customers/?{q(q=subjects.typo)}", "search", target="search"),
        api("api_contacts", "API contacts list, page 1", "/api/v1/contacts/"),
        api("api_contacts_search", f"API contacts list, search={subjects.surname}",
            f"/api/v1/contacts/?{q(search=subjects.surname)}"),
    ]  # fmt: skip


def selector_scenarios(user: Any, subjects: Subjects) -> list[Scenario]:
    from crm import selectors
    from crm.models import Contact

    heavy = Contact.objects.get(pk=subjects.heavy_contact_id)

    def timeline(cursor: str | None) -> Callable[[], Any]:
        return lambda: selectors.timeline_page(
            contact=heavy, cursor=cursor, page_size=TIMELINE_PAGE_SIZE
        )

    def search(query: str) -> Callable[[], Any]:
        return lambda: selectors.contact_search(query=query)

    scenarios = [
        Scenario("sel_timeline_page_1", "timeline_page, first page", "selector", timeline(None)),
        Scenario("sel_timeline_page_2", "timeline_page, page 2", "selector",
                 timeline(subjects.cursor_page_2)),
        Scenario("sel_timeline_page_deep", "timeline_page, page 1,001", "selector",
                 timeline(subjects.cursor_deep)),
        Scenario("sel_timeline_page_last", "timeline_page, last page", "selector",
                 timeline(subjects.cursor_last)),
        Scenario("sel_search_name", f"contact_search “{subjects.surname}” (20 rows)", "selector",
                 search(subjects.surname), "search"),
        Scenario("sel_search_phone", f"contact_search “{subjects.phone_national}”", "selector",
                 search(subjects.phone_national), "search"),
        Scenario("sel_search_typo", f"contact_search “{subjects.typo}”", "selector",
                 search(subjects.typo), "search"),
    ]  # fmt: skip
    get_for_page = getattr(selectors, "contact_get_for_page", None)
    if get_for_page is not None:
        scenarios.insert(
            0,
            Scenario(
                "sel_contact_get_for_page",
                "contact_get_for_page (heavy contact, with key figures)",
                "selector",
                lambda: get_for_page(user=user, pk=subjects.heavy_contact_id),
            ),
        )
    return scenarios


def bench_user() -> Any:
    from accounts.models import User
    from accounts.services import user_create

    user = User.objects.filter(email=BENCH_USER_EMAIL).first()
    if user is None:
        user = user_create(
            email=BENCH_USER_EMAIL,
            password=None,
            first_name="Bench",
            last_name="Agent",
            roles=["agent"],
        )
    return user


# --- EXPLAIN ----------------------------------------------------------------------------
def explain_sql(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def search_index_report(subjects: Subjects) -> dict[str, Any]:
    """The search SQL Django renders, the contact table's index definitions, and which of
    those indexes the plans of the name and typo searches use."""
    from django.db import connection

    from crm.selectors import contact_list

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'crm_contact' "
            "ORDER BY indexname"
        )
        indexes = dict(cursor.fetchall())
    report: dict[str, Any] = {"indexes": indexes}
    for key, query in (("name", subjects.surname), ("typo", subjects.typo)):
        matches = contact_list(search=query)
        queryset = matches[:20]
        sql = str(queryset.query)
        where = re.search(r"WHERE (.*?) ORDER BY", sql, re.S)
        plan = queryset.explain(analyze=True, buffers=True)
        ranked = list(matches.values_list("last_name", flat=True))
        report[key] = {
            "query": query,
            "where": where.group(1) if where else sql,
            "plan": plan,
            "indexes_used": sorted(name for name in indexes if name in plan),
            "matches": len(ranked),
            # Where the first contact actually named `subjects.surname` comes in the results.
            "first_rank_of_surname": next(
                (i + 1 for i, name in enumerate(ranked) if name == subjects.surname), None
            ),
            "top_20_last_names": ranked[:20],
        }
    return report


def code_version() -> dict[str, Any]:
    """Which code was measured: the commit, and a digest of the files that decide the
    figures (they may be uncommitted work in progress)."""
    import hashlib

    root = Path(__file__).resolve().parent.parent
    files = [
        "crm/selectors.py", "crm/views/contacts.py", "crm/views/common.py", "crm/api.py",
        "crm/serializers.py", "crm/models.py", "templates/crm/contact_detail.html",
        "templates/crm/components/timeline.html", "templates/crm/contact_list.html",
    ]  # fmt: skip
    digests = {
        name: hashlib.sha256((root / name).read_bytes()).hexdigest()[:12]
        for name in files
        if (root / name).exists()
    }
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            capture_output=True, text=True, check=False, cwd=root,
        ).stdout.strip()  # fmt: skip
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "crm", "templates/crm"],  # noqa: S607
            capture_output=True, text=True, check=False, cwd=root,
        ).stdout.strip()  # fmt: skip
    except OSError:
        commit, dirty = "", ""
    migrations = sorted(p.name for p in (root / "crm" / "migrations").glob("0*.py"))
    return {
        "commit": commit,
        "uncommitted_changes": bool(dirty),
        "files": digests,
        "crm_migrations": migrations,
    }


def keyset_report(subjects: Subjects) -> dict[str, Any]:
    """The deep-page timeline query with the keyset condition written as a bare OR, next to
    the same page with a redundant `occurred_at <= cursor` that PostgreSQL can use as an
    index condition (what crm.selectors.timeline_page does since commit 138f7c9)."""
    from django.db.models import Q

    from crm.models import Activity
    from crm.selectors import decode_cursor

    position = decode_cursor(subjects.cursor_deep)
    assert position is not None
    when, pk = position
    base = Activity.objects.select_related("actor").filter(contact_id=subjects.heavy_contact_id)
    or_only = base.filter(Q(occurred_at__lt=when) | Q(occurred_at=when, id__lt=pk))
    bounded = base.filter(
        Q(occurred_at__lte=when) & (Q(occurred_at__lt=when) | Q(occurred_at=when, id__lt=pk))
    )
    ordering = ("-occurred_at", "-id")
    or_only = or_only.order_by(*ordering)[: TIMELINE_PAGE_SIZE + 1]
    bounded = bounded.order_by(*ordering)[: TIMELINE_PAGE_SIZE + 1]
    same_rows = [a.pk for a in or_only] == [a.pk for a in bounded]
    return {
        "or_only_plan": or_only.explain(analyze=True, buffers=True),
        "bounded_plan": bounded.explain(analyze=True, buffers=True),
        "same_rows": same_rows,
    }


def consent_report(subjects: Subjects) -> dict[str, Any]:
    """Every consent row of the heavy contact (what consent_current read before commit
    e177a37) next to one indexed probe per channel (UNION ALL of LIMIT 1 subqueries,
    what it does since)."""
    from crm.models import Channel, Consent

    rows = Consent.objects.filter(contact_id=subjects.heavy_contact_id)
    current = rows.order_by("channel", "-recorded_at", "-id")
    probes = [
        rows.filter(channel=channel).order_by("-recorded_at", "-id")[:1]
        for channel in Channel.values
    ]
    latest = probes[0].union(*probes[1:], all=True)
    return {
        "consent_rows_of_heavy_contact": rows.count(),
        "all_rows_plan": current.explain(analyze=True, buffers=True),
        "per_channel_plan": latest.explain(analyze=True, buffers=True),
    }


# --- Output -----------------------------------------------------------------------------
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
    from .tickets_measure import server_config

    config = server_config(args)
    configure(args.database_url, broker_url=config.broker_url, cache_url=config.cache_url)
    from django import get_version
    from django.db import connection

    from .harness import (
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
