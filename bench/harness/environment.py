"""`ServerConfig`, the server's environment (`server_env`), paths, free ports, `prewarm`."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
RESULTS_DIR = Path(__file__).resolve().parent.parent / "results"
VAR_DIR = ROOT / "var" / "bench"
# Shared by the bench process and the servers it starts: sessions and their auth hashes
# are signed with it, so a session the bench process writes is valid on the server.
BENCH_SECRET_KEY = "bench-only-never-in-production-" + "k" * 40
# The budget of issue 10: a page's server time at most twice the SQL time of its queries.
BUDGET_RATIO = 2.0
SLOW_PAGE_MS = 5000.0
WORKERS = 2
TIMEOUT = 300
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/14"
DEFAULT_CACHE_URL = "rediscache://127.0.0.1:6379/15"


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
