"""Measure pages as users meet them: over HTTP, under gunicorn, one request at a time.

The server is production's configuration (`relais.settings` read from the environment
`server_env` builds: DEBUG off, persistent connections kept 600 s, Redis broker and
cache, manifest static files) started as `bench.settings`, which adds one thing:
`bench.middleware.ServerTimingMiddleware`, outermost, whose response headers give each
request's server time, SQL count and SQL time. gunicorn runs 2 sync workers with
`--timeout 300`, the peer harness's settings (`../shared/peer-helpdesk/README.md`).

A `Page` is one request (method, path, headers, whose session or token). `HttpRunner`
sends it over a keep-alive connection, `InProcessRunner` through `django.test.Client`
(same settings and middleware, no network: what the profiles use). Both return the
same `Sample`s; `summarise` turns them into a `PageResult` with p50/p95 of server and SQL
time and their ratio, the issue's budget being server time <= 2x SQL time.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .middleware import DB_HEADER, QUERIES_HEADER, SERVER_HEADER
from .timing import percentile

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"
VAR_DIR = ROOT / "var" / "bench"
# Shared by the bench process and the servers it starts: sessions and their auth hashes
# are signed with it, so a session the bench process writes is valid on the server.
BENCH_SECRET_KEY = "bench-only-never-in-production-" + "k" * 40
# The budget of issue 10: a page's server time at most twice the SQL time of its queries.
BUDGET_RATIO = 2.0
SLOW_PAGE_MS = 5000.0
WORKERS = 2
TIMEOUT = 300
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/16"
DEFAULT_CACHE_URL = "rediscache://127.0.0.1:6379/17"


# --- Environment ------------------------------------------------------------------------------
@dataclass(frozen=True)
class ServerConfig:
    database_url: str
    broker_url: str = field(
        default_factory=lambda: os.environ.get("BENCH_BROKER_URL", DEFAULT_BROKER_URL)
    )
    cache_url: str = field(
        default_factory=lambda: os.environ.get("BENCH_CACHE_URL", DEFAULT_CACHE_URL)
    )
    workers: int = WORKERS
    timeout: int = TIMEOUT
    port: int = 0  # 0: a free port chosen by the OS
    # Static files without the manifest (no collectstatic): for the smoke test only.
    plain_static: bool = False
    # The smoke test's server shares the test process's key (its sessions must be valid).
    secret_key: str = BENCH_SECRET_KEY
    static_root: str = str(VAR_DIR / "static")


def server_env(config: ServerConfig) -> dict[str, str]:
    """Production settings (README, "Production") with throwaway values, plain HTTP."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "RELAIS_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": config.database_url,
            "DATABASE_CONN_MAX_AGE": "600",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": config.secret_key,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECURE_HSTS_SECONDS": "0",
            "DJANGO_SECURE_COOKIES": "0",
            "DJANGO_LOG_LEVEL": "WARNING",
            "DJANGO_STATIC_ROOT": config.static_root,
            "CELERY_BROKER_URL": config.broker_url,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "CACHE_URL": config.cache_url,
            "EMAIL_URL": "dummymail://",
            "RELAIS_VAR_DIR": str(VAR_DIR),
            "RELAIS_ENV_FILE": "/dev/null",
        }
    )
    if config.plain_static:
        env["RELAIS_BENCH_PLAIN_STATIC"] = "1"
    return env


def database_url_of_connection(connection: Any) -> str:
    """The URL of a live Django connection's database (the test database in a test)."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(settings['NAME']).resolve()}"
    user = settings.get("USER") or "postgres"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prewarm(
    tables_like: Sequence[str] = ("tickets_%", "crm_%", "accounts_%", "auth_%", "django_session"),
) -> dict[str, Any]:
    """Read the measured tables and their indexes into the OS page cache (pg_prewarm,
    'read' mode), as a production database's working set is: without it, the first
    runs after a generation measure the disk (a 50-row tags prefetch took 215 ms on cold
    index pages), and the machine's other work evicts pages unpredictably.
    PostgreSQL only; needs the pg_prewarm extension (contrib, created if missing)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return {}
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        cursor.execute(
            "SELECT coalesce(sum(pg_prewarm(c.oid, 'read')), 0) FROM pg_class c "
            "WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'i') "
            "AND c.relname LIKE ANY (%s)",
            [list(tables_like)],
        )
        blocks = int(cursor.fetchone()[0])
    seconds = time.perf_counter() - started
    print(f"  prewarm: {blocks * 8 / 1024:,.0f} MB read into the page cache in {seconds:.1f} s",
          flush=True)  # fmt: skip
    return {"megabytes": round(blocks * 8 / 1024), "seconds": round(seconds, 1)}


# --- The server -------------------------------------------------------------------------------
class GunicornServer:
    """`gunicorn relais.wsgi:application` with `bench.settings`, stopped on exit.

    `--preload` imports the application once before forking (relais/wsgi.py then calls
    gc.freeze() before the fork); it changes start-up time, not the request path."""

    def __init__(self, config: ServerConfig, *, log_name: str = "gunicorn") -> None:
        self.config = config
        self.port = config.port or free_port()
        self.log_path = VAR_DIR / f"{log_name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def host(self) -> str:
        return "127.0.0.1"

    @property
    def command(self) -> list[str]:
        gunicorn = Path(sys.executable).with_name("gunicorn")
        return [
            str(gunicorn), "relais.wsgi:application", "--workers", str(self.config.workers),
            "--bind", f"{self.host}:{self.port}", "--timeout", str(self.config.timeout),
            "--preload", "--error-logfile", str(self.log_path),
        ]  # fmt: skip

    def collectstatic(self) -> None:
        """Production serves hashed static names from a manifest; build it once."""
        if self.config.plain_static:
            return
        if (Path(self.config.static_root) / "staticfiles.json").exists():
            return
        print("  collectstatic (once, into var/bench/static)...", flush=True)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT, env=server_env(self.config), check=True,
        )  # fmt: skip

    def start(self, *, timeout: float = 120.0) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.collectstatic()
        self.process = subprocess.Popen(  # noqa: S603 - fixed command
            self.command, cwd=ROOT, env=server_env(self.config), start_new_session=True
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with {self.process.returncode}; see {self.log_path}"
                )
            with socket.socket() as s:
                if s.connect_ex((self.host, self.port)) == 0:
                    return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn did not listen on {self.port} within {timeout:.0f} s")

    def stop(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None

    def __enter__(self) -> GunicornServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


# --- What is measured -------------------------------------------------------------------------
@dataclass
class Page:
    key: str
    title: str
    path: str
    user: str = ""  # e-mail of the user whose session (or token) the request carries
    headers: dict[str, str] = field(default_factory=dict)
    method: str = "GET"
    body: bytes | None = None
    auth: str = "session"  # "session" or "token"
    group: str = ""  # what it is, for the tables: inbox, ticket, customer, home, admin, api
    budget: bool = True  # an agent-facing page under the 2x-SQL budget
    target_p95_ms: float | None = None
    expect_status: int = 200


@dataclass
class Sample:
    status: int
    server_ms: float
    db_ms: float
    queries: int
    client_ms: float
    bytes: int
    body_head: bytes = b""


@dataclass
class PageResult:
    key: str
    title: str
    path: str
    group: str
    status: str  # "ok", or why it could not be measured
    runs: int = 0
    server_p50_ms: float | None = None
    server_p95_ms: float | None = None
    server_max_ms: float | None = None
    db_p50_ms: float | None = None
    db_p95_ms: float | None = None
    client_p50_ms: float | None = None
    client_p95_ms: float | None = None
    queries_min: int | None = None
    queries_max: int | None = None
    queries_p50: int | None = None
    bytes: int | None = None
    # server p50 / SQL p50 (the budget: <= 2), and the median of the per-request ratios
    ratio_p50: float | None = None
    ratio_median: float | None = None
    budget: bool = True
    within_budget: bool | None = None
    target_p95_ms: float | None = None
    meets_target: bool | None = None
    samples_server_ms: list[float] = field(default_factory=list)


def summarise(page: Page, samples: Sequence[Sample]) -> PageResult:
    result = PageResult(page.key, page.title, page.path, page.group, "ok", budget=page.budget)
    server = [s.server_ms for s in samples]
    db = [s.db_ms for s in samples]
    queries = [s.queries for s in samples]
    result.runs = len(samples)
    result.server_p50_ms = round(percentile(server, 0.5), 2)
    result.server_p95_ms = round(percentile(server, 0.95), 2)
    result.server_max_ms = round(max(server), 2)
    result.db_p50_ms = round(percentile(db, 0.5), 2)
    result.db_p95_ms = round(percentile(db, 0.95), 2)
    result.client_p50_ms = round(percentile([s.client_ms for s in samples], 0.5), 2)
    result.client_p95_ms = round(percentile([s.client_ms for s in samples], 0.95), 2)
    result.queries_min, result.queries_max = min(queries), max(queries)
    result.queries_p50 = int(percentile(queries, 0.5))
    result.bytes = samples[-1].bytes
    if result.db_p50_ms:
        result.ratio_p50 = round(result.server_p50_ms / result.db_p50_ms, 2)
    ratios = [s.server_ms / s.db_ms for s in samples if s.db_ms > 0]
    if ratios:
        result.ratio_median = round(percentile(ratios, 0.5), 2)
    if page.budget and result.ratio_p50 is not None:
        result.within_budget = result.ratio_p50 <= BUDGET_RATIO
    if page.target_p95_ms is not None:
        result.target_p95_ms = page.target_p95_ms
        result.meets_target = result.server_p95_ms < page.target_p95_ms
    result.samples_server_ms = [round(x, 1) for x in server]
    return result


# --- Credentials ------------------------------------------------------------------------------
def session_key_for(email: str) -> str:
    """A logged-in session for the user, written where the server reads sessions (the
    database): what a login leaves, without going through the login form and its
    lockout counters."""
    from django.test import Client

    from accounts.models import User

    user = User.objects.get(email=email)
    client = Client()
    client.force_login(user)
    from django.conf import settings

    return client.cookies[settings.SESSION_COOKIE_NAME].value


def token_for(email: str) -> str:
    """An API token for the user, through the accounts service (one per user)."""
    from accounts import services
    from accounts.models import User

    user = User.objects.get(email=email)
    return str(services.api_token_rotate(user=user).key)


class Credentials:
    """Sessions and tokens by e-mail, made once per run."""

    def __init__(self) -> None:
        self._sessions: dict[str, str] = {}
        self._tokens: dict[str, str] = {}

    def headers(self, page: Page) -> dict[str, str]:
        if not page.user:
            return {}
        if page.auth == "token":
            if page.user not in self._tokens:
                self._tokens[page.user] = token_for(page.user)
            return {"Authorization": f"Token {self._tokens[page.user]}"}
        if page.user not in self._sessions:
            self._sessions[page.user] = session_key_for(page.user)
        from django.conf import settings

        return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={self._sessions[page.user]}"}


# --- Runners ----------------------------------------------------------------------------------
class HttpRunner:
    """One keep-alive connection to the server; one request at a time."""

    def __init__(self, host: str, port: int, credentials: Credentials | None = None) -> None:
        self.host, self.port = host, port
        self.credentials = credentials or Credentials()
        self._connection: http.client.HTTPConnection | None = None

    def _conn(self) -> http.client.HTTPConnection:
        if self._connection is None:
            self._connection = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def request(self, page: Page) -> Sample:
        headers = {"Accept-Language": "fr", "Host": f"{self.host}:{self.port}",
                   **self.credentials.headers(page), **page.headers}  # fmt: skip
        if page.body is not None:
            headers.setdefault("Content-Type", "application/json")
        for attempt in (1, 2):
            started = time.perf_counter()
            try:
                conn = self._conn()
                conn.request(page.method, page.path, body=page.body, headers=headers)
                response = conn.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException):
                # gunicorn closes a keep-alive connection now and then: reconnect once.
                self.close()
                if attempt == 2:
                    raise
                continue
            elapsed = (time.perf_counter() - started) * 1000
            if response.getheader("Connection", "").lower() == "close":
                self.close()
            return _sample(response.status, response.getheader, body, elapsed)
        raise AssertionError("unreachable")


class InProcessRunner:
    """The same requests through django.test.Client, in this process (for profiles)."""

    def __init__(self, credentials: Credentials | None = None) -> None:
        from django.test import Client

        self.client = Client()
        self.credentials = credentials or Credentials()

    def request(self, page: Page) -> Sample:
        headers = {"Accept-Language": "fr", **self.credentials.headers(page), **page.headers}
        cookie = headers.pop("Cookie", None)
        self.client.cookies.clear()
        if cookie:
            name, _, value = cookie.partition("=")
            self.client.cookies[name] = value
        started = time.perf_counter()
        response = self.client.generic(
            page.method,
            page.path,
            data=page.body or b"",
            content_type="application/json" if page.body is not None else None,
            headers=headers,
        )
        elapsed = (time.perf_counter() - started) * 1000
        body = response.content if hasattr(response, "content") else b""
        return _sample(response.status_code, response.headers.get, body, elapsed)


def _sample(status: int, header: Callable[..., Any], body: bytes, client_ms: float) -> Sample:
    def number(name: str) -> float:
        value = header(name)
        return float(value) if value else 0.0

    if header(SERVER_HEADER) is None:
        raise RuntimeError(
            f"no {SERVER_HEADER} header (HTTP {status}): is the server running bench.settings?"
        )
    return Sample(
        status=status,
        server_ms=number(SERVER_HEADER),
        db_ms=number(DB_HEADER),
        queries=int(number(QUERIES_HEADER)),
        client_ms=client_ms,
        bytes=len(body),
        body_head=body[:300],
    )


def _check(page: Page, sample: Sample) -> None:
    if sample.status != page.expect_status:
        raise AssertionError(
            f"{page.key}: HTTP {sample.status} for {page.method} {page.path} (expected "
            f"{page.expect_status}): {sample.body_head!r}"
        )


def measure_page(
    runner: HttpRunner | InProcessRunner,
    page: Page,
    *,
    runs: int,
    warmup: int,
    budget_seconds: float = 0.0,
    min_runs: int = 3,
) -> PageResult:
    """`warmup` unmeasured requests, then up to `runs` measured ones (stopping after
    `budget_seconds` if set, with at least `min_runs`), one at a time."""
    try:
        for _ in range(warmup):
            sample = runner.request(page)
            _check(page, sample)
            if sample.server_ms > SLOW_PAGE_MS:
                break  # as the peer harness does: one warm-up is enough for a slow page
        samples: list[Sample] = []
        started = time.perf_counter()
        while len(samples) < runs:
            if (
                budget_seconds
                and len(samples) >= min_runs
                and time.perf_counter() - started > budget_seconds
            ):
                break
            sample = runner.request(page)
            _check(page, sample)
            samples.append(sample)
    except Exception as exc:  # a page that fails is reported, the run goes on
        return PageResult(
            page.key, page.title, page.path, page.group,
            f"not measurable: {type(exc).__name__}: {exc}"[:500], budget=page.budget,
        )  # fmt: skip
    return summarise(page, samples)


def measure_pages(
    runner: HttpRunner | InProcessRunner,
    pages: Sequence[Page],
    *,
    runs: int,
    warmup: int,
    budget_seconds: float = 0.0,
    echo: bool = True,
) -> list[PageResult]:
    results = []
    for page in pages:
        if echo:
            print(f"  {page.key}: {page.method} {page.path}", flush=True)
        result = measure_page(runner, page, runs=runs, warmup=warmup, budget_seconds=budget_seconds)
        if echo:
            print(f"    {describe(result)}", flush=True)
        results.append(result)
    return results


def describe(result: PageResult) -> str:
    if result.status != "ok":
        return result.status
    return (
        f"n={result.runs} server p50 {result.server_p50_ms:.1f} / p95 {result.server_p95_ms:.1f} "
        f"ms, SQL p50 {result.db_p50_ms:.1f} ms, ratio {result.ratio_p50}, "
        f"{result.queries_min}-{result.queries_max} queries, {result.bytes:,} bytes"
    )


@contextlib.contextmanager
def http_runner(config: ServerConfig, *, log_name: str = "gunicorn") -> Iterator[HttpRunner]:
    """A started server and a runner talking to it; both stopped on exit."""
    with GunicornServer(config, log_name=log_name) as server:
        runner = HttpRunner(server.host, server.port)
        try:
            yield runner
        finally:
            runner.close()


# --- Output -----------------------------------------------------------------------------------
def pages_table(results: Sequence[PageResult]) -> str:
    lines = [
        "| Page | p50 | p95 | SQL p50 | server / SQL | queries | target | meets |",
        "|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in results:
        if r.status != "ok":
            lines.append(f"| {r.title} | | | | | | | {r.status} |")
            continue
        # The median count, and the range when it varies (the inbox's badge counts are
        # recomputed when their 15 s cache entry expires).
        queries = (
            str(r.queries_p50) if r.queries_min == r.queries_max
            else f"{r.queries_p50} ({r.queries_min} to {r.queries_max})"
        )  # fmt: skip
        ratio = f"{r.ratio_p50:.1f}x" if r.ratio_p50 is not None else "n/a"
        if r.within_budget is False:
            ratio = f"**{ratio}**"
        target = f"p95 < {r.target_p95_ms:g} ms" if r.target_p95_ms else ""
        meets = "" if r.meets_target is None else ("yes" if r.meets_target else "**no**")
        lines.append(
            f"| {r.title} | {r.server_p50_ms:.1f} | {r.server_p95_ms:.1f} | {r.db_p50_ms:.1f} "
            f"| {ratio} | {queries} | {target} | {meets} |"
        )
    return "\n".join(lines)


def machine_facts() -> dict[str, Any]:
    from .crm_measure import machine

    facts = machine()
    facts["load_average"] = os.getloadavg()
    return facts


def code_commit() -> dict[str, Any]:
    def git(*args: str) -> str:
        command = ["git", *args]
        return subprocess.run(  # noqa: S603 - fixed git commands
            command, capture_output=True, text=True, check=False, cwd=ROOT
        ).stdout.strip()

    return {
        "commit": git("rev-parse", "--short", "HEAD"),
        "dirty": bool(git("status", "--porcelain")),
    }


def write_results(stem: str, payload: dict[str, Any], table: str) -> Path:
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{stem}.json"
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n")
    (RESULTS_DIR / f"{stem}.md").write_text(table + "\n")
    return path


def result_dicts(results: Sequence[PageResult]) -> list[dict[str, Any]]:
    return [asdict(r) for r in results]


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")
