"""`python -m bench telework-measure`: the HR dashboard, the team calendar and the
monthly allowance export against a `telework-generate` database, over HTTP.

gunicorn serves Relais with production settings (DEBUG off, collected static files,
throwaway secrets, Redis broker/cache db 8/9) on a local port; this process sends the
requests over one keep-alive connection with the session cookie of a logged-in user and
times each one (wall time, client side): `--warmup` unmeasured runs, then `--runs`
measured ones, nearest-rank p50/p95. The number of queries of each page is counted
in-process with django.test.Client and CaptureQueriesContext (same code), since a
server in production mode does not report it.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import json
import os
import platform
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

from .djangoenv import configure, database_name
from .timing import percentile

RESULTS_DIR = Path(__file__).resolve().parent / "results"
ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"page_p95_ms": 100.0, "export_seconds": 5.0}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--export-runs", type=int, default=5)
    parser.add_argument("--port", type=int, default=18401, help="gunicorn port (18400-18499)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--broker-db", type=int, default=8)
    parser.add_argument("--cache-db", type=int, default=9)


def server_env(args: argparse.Namespace) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "RELAIS_"))}
    env.update(
        {
            "DATABASE_URL": args.database_url,
            "DATABASE_CONN_MAX_AGE": "60",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "bench-" + "y" * 60,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECURE_HSTS_SECONDS": "0",
            "DJANGO_SECURE_COOKIES": "0",
            "DJANGO_LOG_LEVEL": "WARNING",
            "DJANGO_STATIC_ROOT": str(ROOT / "var" / "bench" / "static"),
            "CELERY_BROKER_URL": f"redis://127.0.0.1:6379/{args.broker_db}",
            "CACHE_URL": f"rediscache://127.0.0.1:6379/{args.cache_db}",
            "EMAIL_URL": "dummymail://",
            "RELAIS_VAR_DIR": "var/bench",
            "RELAIS_ENV_FILE": "/dev/null",
            "RELAIS_API_USER_RATE": "100000/minute",
        }
    )
    return env


def _get(
    conn: http.client.HTTPConnection, path: str, headers: dict[str, str]
) -> tuple[int, bytes, float]:
    started = time.perf_counter()
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    return response.status, body, (time.perf_counter() - started) * 1000


def _wait(port: int, process: subprocess.Popen[Any], timeout: float = 60) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not start listening")


def main(args: argparse.Namespace) -> None:
    configure(args.database_url)
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.models import Team, User
    from telework.models import LegalEntity

    settings.DEBUG = False
    hr = User.objects.get(email="bench-tw-hr-0@relais.example")
    team = Team.objects.filter(name__startswith="Télétravail bench ").order_by("name").first()
    assert team is not None
    assert team.lead is not None
    manager = team.lead
    entity = LegalEntity.objects.get(name="Relais Services SAS")
    last_month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    scenarios = [
        ("hr_dashboard", hr, "/telework/hr/"),
        ("team_week", manager, "/telework/team/"),
        ("team_month", manager, "/telework/team/?view=month"),
        ("team_month_hr", hr, f"/telework/team/?view=month&team={team.pk}"),
        ("hr_agreements", hr, "/telework/hr/agreements/?status=active"),
        ("api_agreements", hr, "/api/v1/telework/agreements/?status=active"),
    ]
    clients = {}
    for user in (hr, manager):
        client = Client()
        client.force_login(user)
        clients[user.pk] = client
    queries = {}
    for key, user, path in scenarios:
        client = clients[user.pk]
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200, (key, response.status_code)
        queries[key] = len(captured)
    export_path = f"/api/v1/telework/allowance/?month={last_month}&entity={entity.pk}&export=csv"
    with CaptureQueriesContext(connection) as captured:
        response = clients[hr.pk].get(export_path)
    assert response.status_code == 200, response.content[:500]
    queries["allowance_export"] = len(captured)
    export_rows = response.content.count(b"\n") - 1

    env = server_env(args)
    # The sessions were signed here: the server must check them with the same key.
    env["DJANGO_SECRET_KEY"] = settings.SECRET_KEY
    print(f"queries counted: {queries}", flush=True)
    subprocess.run(  # noqa: S603
        [str(ROOT / ".venv" / "bin" / "python"), "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    log = ROOT / "var" / "bench" / "telework-gunicorn.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "relais.wsgi",
        "-w",
        str(args.workers),
        "--preload",
        "-b",
        f"127.0.0.1:{args.port}",
        "--error-logfile",
        str(log),
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603
    results: list[dict[str, Any]] = []
    try:
        _wait(args.port, server)
        for key, user, path in scenarios:
            cookie = f"sessionid={clients[user.pk].cookies['sessionid'].value}"
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=60)
            headers = {"Cookie": cookie, "Host": "127.0.0.1"}
            for _ in range(args.warmup):
                status, _body, _ms = _get(conn, path, headers)
                assert status == 200, (key, status)
            times = []
            for _ in range(args.runs):
                status, body, ms = _get(conn, path, headers)
                assert status == 200, (key, status)
                times.append(ms)
            conn.close()
            p95 = percentile(times, 0.95)
            results.append(
                {
                    "key": key,
                    "path": path,
                    "runs": args.runs,
                    "p50_ms": round(percentile(times, 0.5), 1),
                    "p95_ms": round(p95, 1),
                    "max_ms": round(max(times), 1),
                    "queries": queries[key],
                    "bytes": len(body),
                    "meets_target": p95 < TARGETS["page_p95_ms"],
                }
            )
            print(results[-1], flush=True)
        cookie = f"sessionid={clients[hr.pk].cookies['sessionid'].value}"
        conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=120)
        times = []
        for _ in range(args.export_runs):
            status, body, ms = _get(conn, export_path, {"Cookie": cookie, "Host": "127.0.0.1"})
            assert status == 200, (status, body[:300])
            times.append(ms)
        conn.close()
        results.append(
            {
                "key": "allowance_export",
                "path": export_path,
                "runs": args.export_runs,
                "rows": export_rows,
                "p50_ms": round(percentile(times, 0.5), 1),
                "max_ms": round(max(times), 1),
                "queries": queries["allowance_export"],
                "meets_target": max(times) < TARGETS["export_seconds"] * 1000,
            }
        )
        print(results[-1], flush=True)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    outcome = {
        "database": database_name(args.database_url),
        "commit": commit,
        "server": " ".join(command[1:]),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load": os.getloadavg(),
        },
        "targets": TARGETS,
        "results": results,
    }
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = f"{dt.date.today():%Y-%m-%d}"
    (RESULTS_DIR / f"telework-{stamp}.json").write_text(
        json.dumps(outcome, indent=2) + "\n", encoding="utf-8"
    )
    lines = ["| scenario | p50 | p95 (max for the export) | queries |", "|---|---:|---:|---:|"]
    for row in results:
        p95 = row.get("p95_ms", row["max_ms"])
        lines.append(f"| {row['key']} | {row['p50_ms']} ms | {p95} ms | {row['queries']} |")
    (RESULTS_DIR / f"telework-{stamp}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
