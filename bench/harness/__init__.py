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

One module per concern; `__init__` re-exports their names (`from bench.harness import
Page, HttpRunner`).

- `environment`: `ServerConfig`, the server's environment (`server_env`), paths, free
  ports, `prewarm`.
- `server`: gunicorn started and stopped (`GunicornServer`), and the sessions and tokens
  of the measured users (`Credentials`).
- `measured`: `Page`, `Sample` and `PageResult`: what is requested and what is recorded;
  `summarise`.
- `runners`: `HttpRunner` (keep-alive HTTP) and `InProcessRunner` (`django.test.Client`),
  `measure_pages`.
- `output`: the pages table, the machine and code facts written with every result, the
  results files.
"""

from .environment import (
    BENCH_SECRET_KEY,
    BUDGET_RATIO,
    DEFAULT_BROKER_URL,
    DEFAULT_CACHE_URL,
    RESULTS_DIR,
    ROOT,
    SLOW_PAGE_MS,
    TIMEOUT,
    VAR_DIR,
    WORKERS,
    ServerConfig,
    database_url_of_connection,
    free_port,
    prewarm,
    server_env,
)
from .measured import Page, PageResult, Sample, summarise
from .output import (
    code_commit,
    database_name,
    machine_facts,
    pages_table,
    result_dicts,
    write_results,
)
from .runners import HttpRunner, InProcessRunner, describe, http_runner, measure_page, measure_pages
from .server import Credentials, GunicornServer, session_key_for, token_for

__all__ = [
    "BENCH_SECRET_KEY",
    "BUDGET_RATIO",
    "DEFAULT_BROKER_URL",
    "DEFAULT_CACHE_URL",
    "RESULTS_DIR",
    "ROOT",
    "SLOW_PAGE_MS",
    "TIMEOUT",
    "VAR_DIR",
    "WORKERS",
    "Credentials",
    "GunicornServer",
    "HttpRunner",
    "InProcessRunner",
    "Page",
    "PageResult",
    "Sample",
    "ServerConfig",
    "code_commit",
    "database_name",
    "database_url_of_connection",
    "describe",
    "free_port",
    "http_runner",
    "machine_facts",
    "measure_page",
    "measure_pages",
    "pages_table",
    "prewarm",
    "result_dicts",
    "server_env",
    "session_key_for",
    "summarise",
    "token_for",
    "write_results",
]
