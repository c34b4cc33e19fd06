"""Screen-pop lookup and platform events over HTTP, under gunicorn, on PostgreSQL.

    python -m bench crm-generate --database-url postgres://.../relais_bench --activities 200000
    python -m bench telephony-measure --database-url postgres://.../relais_bench

Starts gunicorn (DEBUG off, as in production) on a loopback port against the benchmark
database, then sends, one after another on a kept-alive connection:
- `POST /api/v1/telephony/lookup/` for numbers of existing customers written in the
  formats platforms send (national with spaces, +33, 0033, E.164 without "+", tel: URI),
  one in ten unknown;
- the signed events of whole calls (queued, ringing, answered, ended): "ringing" is the
  request that matches the caller and makes the pop.
Latency is measured by the client (the network stack, gunicorn, Django, PostgreSQL).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .djangoenv import configure, database_name
from .timing import percentile

RESULTS = Path(__file__).resolve().parent / "results"
TARGET_LOOKUP_P95_MS = 50.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--lookups", type=int, default=2000)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--port", type=int, default=18700)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--min-contacts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--cache-url",
        default=os.environ.get("CACHE_URL", ""),
        help="the shared cache gunicorn uses (API throttle counters), as in production: "
        "rediscache://127.0.0.1:6379/N",
    )


def formats(e164: str, rng: random.Random) -> str:
    """The same French number as a platform or softphone might send it."""
    national = "0" + e164[3:]
    spaced = " ".join([national[:2], *[national[i : i + 2] for i in range(2, 10, 2)]])
    return rng.choice(
        [e164, national, spaced, "0033" + e164[3:], e164[1:], f"tel:{e164}", "+33 " + spaced[1:]]
    )


@dataclass
class Timings:
    samples: dict[str, list[float]] = field(default_factory=dict)

    def add(self, name: str, seconds: float) -> None:
        self.samples.setdefault(name, []).append(seconds * 1000)

    def summary(self) -> dict[str, dict[str, float]]:
        return {
            name: {
                "n": len(values),
                "p50_ms": round(percentile(values, 0.5), 2),
                "p95_ms": round(percentile(values, 0.95), 2),
                "p99_ms": round(percentile(values, 0.99), 2),
            }
            for name, values in self.samples.items()
        }


class Client:
    """One kept-alive HTTP connection, as a softphone or a platform connector keeps."""

    def __init__(self, host: str, port: int, token: str) -> None:
        self.connection = http.client.HTTPConnection(host, port, timeout=30)
        self.token = token

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, float, bytes]:
        started = time.perf_counter()
        self.connection.request(
            "POST",
            path,
            body=body,
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Token {self.token}",
                "Host": "127.0.0.1",
                **headers,
            },
        )
        response = self.connection.getresponse()
        data = response.read()
        return response.status, time.perf_counter() - started, data


def run_lookups(client: Client, numbers: list[str], timings: Timings, *, warmup: int) -> int:
    """Look every number up; returns how many found a customer."""
    found = 0
    for index, number in enumerate(numbers):
        body = json.dumps({"number": number}).encode()
        status, seconds, data = client.post("/api/v1/telephony/lookup/", body, {})
        if status != 200:
            raise SystemExit(f"lookup {number!r}: HTTP {status} {data[:200]!r}")
        found += bool(json.loads(data)["count"])
        if index >= warmup:
            timings.add("lookup", seconds)
    return found


def run_calls(
    client: Client,
    callers: list[str],
    secret: str,
    extension: str,
    dialled: str,
    timings: Timings,
    *,
    warmup: int,
) -> None:
    from telephony import signing

    now = dt.datetime.now(dt.UTC)
    run = secrets.token_hex(4)
    for index, caller in enumerate(callers):
        call_id = f"bench-{run}-{index}"
        start = now - dt.timedelta(minutes=30) + dt.timedelta(seconds=index)
        steps: list[tuple[str, int, dict[str, Any]]] = [
            ("queued", 0, {"caller": caller, "dialled": dialled}),
            ("ringing", 10, {"agent_extension": extension}),
            ("answered", 14, {"agent_extension": extension}),
            ("ended", 200, {"reason": "caller_hangup"}),
        ]
        for kind, offset, extra in steps:
            payload = {
                "event": kind,
                "call_id": call_id,
                "occurred_at": (start + dt.timedelta(seconds=offset)).isoformat(),
                **extra,
            }
            body = json.dumps(payload).encode()
            status, seconds, data = client.post(
                "/api/v1/telephony/events/", body, signing.sign(body, secret)
            )
            if status != 201:
                raise SystemExit(f"{kind} {call_id}: HTTP {status} {data[:200]!r}")
            if index >= warmup // 4:
                timings.add(f"event {kind}", seconds)


def _wait_until_up(
    port: int, token: str, process: subprocess.Popen[bytes], deadline_s: float = 60
) -> None:
    """Poll the API (JSON: no static files needed) until gunicorn answers."""
    deadline = time.monotonic() + deadline_s
    body = json.dumps({"number": "+33612345678"}).encode()
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited during start-up")
        try:
            status, _seconds, _data = Client("127.0.0.1", port, token).post(
                "/api/v1/telephony/lookup/", body, {}
            )
            if status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer within a minute")


def main(args: argparse.Namespace) -> None:
    configure(args.database_url)
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from accounts.models import User
    from accounts.roles import Role
    from accounts.services import user_set_roles
    from crm.models import Contact, ContactPhone
    from telephony.models import AgentExtension, PhoneLine

    call_command("migrate", interactive=False, verbosity=0)
    contacts = Contact.objects.count()
    if contacts < args.min_contacts:
        raise SystemExit(
            f"{contacts} contacts in {database_name(args.database_url)}: run "
            f"`python -m bench crm-generate --contacts {args.min_contacts}` first."
        )
    rng = random.Random(args.seed)
    e164s = [str(n) for n in ContactPhone.objects.values_list("number", flat=True)[:50_000]]
    french = [n for n in e164s if n.startswith("+33") and len(n) == 12]
    platform, _ = User.objects.get_or_create(email="bench-pbx@relais.example")
    user_set_roles(user=platform, roles=[Role.INTEGRATION])
    agent, _ = User.objects.get_or_create(email="bench-agent@relais.example")
    user_set_roles(user=agent, roles=[Role.AGENT])
    AgentExtension.objects.update_or_create(user=agent, defaults={"extension": "9901"})
    line, _ = PhoneLine.objects.get_or_create(number="+33180009999", defaults={"label": "Bench"})
    token = Token.objects.get_or_create(user=platform)[0].key
    secret = secrets.token_hex(16)

    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_SECURE_HSTS_SECONDS": "0",
        "RELAIS_TELEPHONY_SECRETS": secret,
        "RELAIS_API_USER_RATE": "1000000/minute",
        "DATABASE_CONN_MAX_AGE": "60",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    if args.cache_url:
        env["CACHE_URL"] = args.cache_url
    command = [
        sys.executable, "-m", "gunicorn", "relais.wsgi", "--preload", "--workers",
        str(args.workers), "--bind", f"127.0.0.1:{args.port}", "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(command, env=env)  # noqa: S603
    try:
        _wait_until_up(args.port, token, process)
        client = Client("127.0.0.1", args.port, token)
        timings = Timings()
        numbers = []
        for _ in range(args.lookups + args.warmup):
            if rng.random() < 0.1:
                numbers.append(f"+3361{rng.randint(0, 99_999_999):08d}"[:12])
            else:
                numbers.append(formats(rng.choice(french), rng))
        found = run_lookups(client, numbers, timings, warmup=args.warmup)
        callers = [formats(rng.choice(french), rng) for _ in range(args.calls)]
        run_calls(client, callers, secret, "9901", str(line.number), timings, warmup=args.warmup)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    summary = timings.summary()
    report = {
        "date": dt.date.today().isoformat(),
        "database": database_name(args.database_url),
        "contacts": contacts,
        "phones": ContactPhone.objects.count(),
        "gunicorn_workers": args.workers,
        "cache": args.cache_url or "file cache (default)",
        "load_average_after": os.getloadavg(),
        "lookups_found": found,
        "results": summary,
    }
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"telephony-{report['date']}.json"
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))
    p95 = summary["lookup"]["p95_ms"]
    verdict = "meets" if p95 < TARGET_LOOKUP_P95_MS else "MISSES"
    print(f"lookup p95 {p95} ms: {verdict} the {TARGET_LOOKUP_P95_MS:.0f} ms target")
