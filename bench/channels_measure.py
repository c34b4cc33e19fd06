"""Channels benchmark, over HTTP under gunicorn on PostgreSQL with one Celery worker.

- ingest: realistic messages (the .eml corpus's clients and charsets, new tickets and
  threaded replies) posted to POST /api/v1/inbound/email/ by a mail gateway; the figure
  is messages fully processed per second by ONE worker process (solo pool), from the
  first post to the last message processed.
- webform: POST /support/ (CSRF token from the form page, honeypot empty), p50/p95.
- fanout: the same web form with 20 webhook endpoints subscribed to ticket.created that
  answer after 2 s: the request's p95 must not move (the fan-out runs in the worker).

`python -m bench channels-measure --database-url postgres://postgres@127.0.0.1:5432/relais_bench_channels`
Results: bench/results/channels-<date>.json. The database is emptied and migrated.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from .djangoenv import ensure_database
from .timing import percentile

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"ingest_per_second": 100, "webform_p95_ms": 100}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--broker-url", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--cache-url", default="rediscache://127.0.0.1:6379/13")
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--forms", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="client threads")
    parser.add_argument("--port", type=int, default=0, help="gunicorn port (0: free)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(args: argparse.Namespace) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "RELAIS_", "CHANNELS_"))
    }
    env.update(
        {
            "DATABASE_URL": args.database_url,
            "DATABASE_CONN_MAX_AGE": "60",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "bench-" + "x" * 60,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECURE_HSTS_SECONDS": "0",
            "DJANGO_SECURE_COOKIES": "0",
            "DJANGO_LOG_LEVEL": "WARNING",
            "CELERY_BROKER_URL": args.broker_url,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "CACHE_URL": args.cache_url,
            "EMAIL_URL": "dummymail://",
            "RELAIS_VAR_DIR": "var/bench-channels",
            "RELAIS_ENV_FILE": "/dev/null",
            # Measured load, not abuse: the form's per-IP and per-email limits are lifted.
            "CHANNELS_WEBFORM_RATE_PER_IP": "1000000/h",
            "CHANNELS_WEBFORM_RATE_PER_EMAIL": "1000000/h",
            "CHANNELS_LOOP_MAX_MESSAGES": "1000000",
            "CHANNELS_WEBHOOK_ALLOW_PRIVATE": "1",
            "CHANNELS_WEBHOOK_ALLOW_HTTP": "1",
            "RELAIS_API_ANON_RATE": "1000000/minute",
        }
    )
    return env


def _manage(env: dict[str, str], *command: str) -> str:
    done = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


SETUP = """
from accounts.roles import Role
from accounts.tests.factories import UserFactory, TeamFactory
from channels.models import InboundAddress, WebFormTopic
from rest_framework.authtoken.models import Token
from tickets.tests.factories import QueueFactory, calendar, policy
team = TeamFactory(name="Bench")
queue = QueueFactory(
    name="Bench", team=team, calendar=calendar(), email_address="support@relais.example"
)
policy(queue)
InboundAddress.objects.create(address="sav@relais.example", queue=queue, is_default=True)
WebFormTopic.objects.create(name_fr="Facturation", name_en="Billing", queue=queue)
gateway = UserFactory(roles=[Role.INTEGRATION])
print(Token.objects.create(user=gateway).key)
"""


def _messages(count: int) -> list[bytes]:
    corpus = ROOT / "tests" / "data" / "emails"
    templates = [
        (corpus / name).read_bytes()
        for name in (
            "gmail_fr_reply.eml",
            "outlook_fr_reply.eml",
            "thunderbird_fr.eml",
            "iso_8859_1.eml",
            "windows_1252_declared_latin1.eml",
            "lotus_notes.eml",
            "multipart_alternative_en.eml",
            "attachments.eml",
            "french_reply_quoted.eml",
        )
    ]
    result = []
    for i in range(count):
        raw = templates[i % len(templates)]
        raw = raw.replace(b"{{NUMBER}}", b"T-2026-000000").replace(b"{{OUR_ID}}", b"none@x")
        # A distinct message from a distinct sender (a third write again: threaded).
        raw = re.sub(
            rb"(?im)^Message-I[dD]: <[^>]+>",
            f"Message-ID: <bench-{i}@exemple.fr>".encode(),
            raw,
            count=1,
        )
        raw = re.sub(
            rb"(?im)^From: .*$",
            f"From: Client {i % 700} <client{i % 700}@exemple.fr>".encode(),
            raw,
            count=1,
        )
        result.append(raw)
    return result


def _processed(env: dict[str, str]) -> int:
    import psycopg

    with psycopg.connect(env["DATABASE_URL"].replace("postgres://", "postgresql://")) as conn:
        row = conn.execute(
            "SELECT count(*) FROM channels_inboundemail WHERE status <> 'received'"
        ).fetchone()
    return int(row[0]) if row else 0


class _SlowHook(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        time.sleep(2)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        return


def _webform(base: str, count: int, threads: int) -> list[float]:
    import httpx

    def one(i: int) -> float:
        with httpx.Client(base_url=base, timeout=30) as client:
            page = client.get("/support/")
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
            topic = re.search(r'<option value="(\d+)"', page.text).group(1)  # type: ignore[union-attr]
            data = {
                "csrfmiddlewaretoken": token,
                "name": f"Client Web {i}",
                "email": f"web{i}@exemple.fr",
                "subject": f"Demande {i}",
                "topic": topic,
                "message": "Bonjour, ma facture de mars compte deux fois l'abonnement.",
                "language": "fr",
                "website": "",
            }
            started = time.perf_counter()
            response = client.post("/support/", data=data, headers={"Referer": base + "/support/"})
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 302:
                raise RuntimeError(f"web form answered {response.status_code}")
            return elapsed

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(one, range(min(20, count))))  # warm-up
        return list(pool.map(one, range(20, 20 + count)))


def main(args: argparse.Namespace) -> None:
    import httpx
    import psycopg

    ensure_database(args.database_url)
    env = _env(args)
    with psycopg.connect(
        args.database_url.replace("postgres://", "postgresql://"), autocommit=True
    ) as conn:
        conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    _manage(env, "migrate", "--noinput", "-v0")
    _manage(env, "collectstatic", "--noinput", "-v0")
    token = _manage(env, "shell", "-c", SETUP).strip().splitlines()[-1]
    subprocess.run(  # noqa: S603
        ["redis-cli", "-u", args.broker_url, "FLUSHDB"],  # noqa: S607
        check=False,
        capture_output=True,
    )
    port = args.port or _free_port()
    base = f"http://127.0.0.1:{port}"
    log = ROOT / "var" / "bench-channels.log"
    log.parent.mkdir(exist_ok=True)
    server = subprocess.Popen(  # noqa: S603
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "relais.wsgi",
            "-w",
            str(args.workers),
            "--preload",
            "-b",
            f"127.0.0.1:{port}",
            "--error-logfile",
            str(log),
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    worker = None
    results: dict[str, Any] = {
        "date": dt.date.today().isoformat(),
        "messages": args.messages,
        "gunicorn_workers": args.workers,
        "client_threads": args.threads,
    }
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        messages = _messages(args.messages)
        # Ingest: posts and one worker run at the same time; the clock stops when the
        # last message is processed.
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "relais",
                "worker",
                "--pool=solo",
                "-l",
                "WARNING",
                "--without-mingle",
                "--without-gossip",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        time.sleep(3)  # the worker's start-up is not part of the figure
        headers = {"Authorization": f"Token {token}", "Content-Type": "message/rfc822"}

        def post(raw: bytes) -> float:
            with httpx.Client(timeout=30) as client:
                started = time.perf_counter()
                response = client.post(
                    f"{base}/api/v1/inbound/email/", content=raw, headers=headers
                )
                if response.status_code not in (200, 202):
                    raise RuntimeError(
                        f"gateway answered {response.status_code}: {response.text[:200]}"
                    )
                return (time.perf_counter() - started) * 1000

        started = time.perf_counter()
        with ThreadPoolExecutor(args.threads) as pool:
            post_ms = list(pool.map(post, messages))
        posted = time.perf_counter() - started
        while _processed(env) < args.messages:
            if time.perf_counter() - started > 900:
                raise RuntimeError("ingest did not finish in 15 minutes")
            time.sleep(0.1)
        elapsed = time.perf_counter() - started
        results["ingest"] = {
            "processed_per_second": round(args.messages / elapsed, 1),
            "seconds": round(elapsed, 2),
            "posting_seconds": round(posted, 2),
            "post_p50_ms": round(percentile(post_ms, 0.5), 1),
            "post_p95_ms": round(percentile(post_ms, 0.95), 1),
        }
        form_ms = _webform(base, args.forms, args.threads)
        results["webform"] = {
            "p50_ms": round(percentile(form_ms, 0.5), 1),
            "p95_ms": round(percentile(form_ms, 0.95), 1),
            "n": len(form_ms),
        }
        hook = ThreadingHTTPServer(("127.0.0.1", 0), _SlowHook)
        threading.Thread(target=hook.serve_forever, daemon=True).start()
        hook_url = f"http://127.0.0.1:{hook.server_address[1]}/hook"
        _manage(
            env,
            "shell",
            "-c",
            (
                "from channels.models import WebhookEndpoint\n"
                "WebhookEndpoint.objects.bulk_create([WebhookEndpoint(name=f'h{i}', "
                f"url='{hook_url}', secret='s', events=['ticket.created']) for i in range(20)])"
            ),
        )
        time.sleep(31)  # the request-side cache of subscribed events lives 30 s
        fan_ms = _webform(base, args.forms, args.threads)
        hook.shutdown()
        results["webform_with_20_slow_webhooks"] = {
            "p50_ms": round(percentile(fan_ms, 0.5), 1),
            "p95_ms": round(percentile(fan_ms, 0.95), 1),
            "n": len(fan_ms),
        }
    finally:
        for process in (worker, server):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
    results["targets"] = TARGETS
    results["meets_targets"] = (
        results.get("ingest", {}).get("processed_per_second", 0) >= TARGETS["ingest_per_second"]
        and results.get("webform", {}).get("p95_ms", 1e9) < TARGETS["webform_p95_ms"]
    )
    out = ROOT / "bench" / "results" / f"channels-{results['date']}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
