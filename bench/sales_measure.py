"""`python -m bench sales-measure`: the sales pages and API over HTTP, under gunicorn, on a
`sales-generate` database.

gunicorn (`--workers`, --preload, DEBUG off, production settings with throwaway secrets)
listens on a free local port; one keep-alive client logs in through the real login form
(session cookie and CSRF, as a browser does) and times each scenario end to end:
`--warmup` unmeasured requests, then `--runs` measured ones, nearest-rank p50/p95. Query
counts are taken separately, in process (django.test.Client with CaptureQueriesContext),
for the same URLs and users.

Routing a flag is timed at the service (`sales.services.route`, inside a transaction
rolled back after each run: repeatable) and end to end as `POST /api/v1/opportunities/`
(the rows it creates are deleted afterwards).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from .djangoenv import configure, database_name
from .sales_generate import LEAD_EMAIL, PASSWORD, REP_EMAIL
from .timing import percentile

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"
PORTS = range(18500, 18600)  # this helper's range; any free one

TARGETS = {
    "board": 100.0,
    "list": 100.0,
    "kpis": 200.0,
    "route": 20.0,
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--redis-db", type=int, default=11, help="cache and broker db")
    parser.add_argument("--only", default="", help="comma-separated scenario keys")


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port in 18500-18599")


def server_env(database_url: str, redis_db: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "RELAIS_"))}
    env.update(
        {
            "DATABASE_URL": database_url,
            "DATABASE_CONN_MAX_AGE": "60",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "bench-" + "y" * 60,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECURE_HSTS_SECONDS": "0",
            "DJANGO_SECURE_COOKIES": "0",
            "DJANGO_LOG_LEVEL": "WARNING",
            "CELERY_BROKER_URL": f"redis://127.0.0.1:6379/{redis_db}",
            "CACHE_URL": f"rediscache://127.0.0.1:6379/{redis_db}",
            "EMAIL_URL": "dummymail://",
            "RELAIS_VAR_DIR": "var/bench",
            # DEBUG off serves hashed static files from a manifest: collected first.
            "DJANGO_STATIC_ROOT": str(ROOT / "var" / "bench" / "static"),
            "RELAIS_ENV_FILE": "/dev/null",
            # One client hammers the API: lift the per-user throttle for the run.
            "RELAIS_API_USER_RATE": "1000000/minute",
        }
    )
    return env


class Browser:
    """A keep-alive HTTP client with a session, logged in through the login form."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        headers.update(extra or {})
        return headers

    def request(
        self, method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        self.conn.request(method, path, body=body, headers=self._headers(headers))
        response = self.conn.getresponse()
        data = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _sep, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, data

    def login(self, email: str, password: str) -> None:
        status, page = self.request("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or token is None:
            raise RuntimeError(f"login page: HTTP {status}")
        form = urlencode(
            {"csrfmiddlewaretoken": token.group(1).decode(), "username": email,
             "password": password}
        )  # fmt: skip
        status, _body = self.request(
            "POST", "/accounts/login/", form,
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": self._base()},
        )  # fmt: skip
        if status != 302:
            raise RuntimeError(f"login as {email}: HTTP {status}")

    def _base(self) -> str:
        return f"http://127.0.0.1:{self.port}/"


def timed(call: Any, warmup: int, runs: int) -> dict[str, Any]:
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return {
        "runs": runs,
        "p50_ms": round(percentile(samples, 0.5), 1),
        "p95_ms": round(percentile(samples, 0.95), 1),
        "max_ms": round(max(samples), 1),
    }


def query_count(email: str, url: str) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(email=email))
    client.get(url)  # warm caches as a running server has them
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url}: HTTP {response.status_code}")
    return len(queries)


def scenarios(year_from: str, year_to: str) -> list[tuple[str, str, str, str]]:
    lead = LEAD_EMAIL.format(team=1)
    rep = REP_EMAIL.format(team=1, rep=1)
    kpi = "/api/v1/opportunities/kpis/?" + urlencode({"from": year_from, "to": year_to})
    return [
        # (key, title, user, url)
        ("board_lead", "Kanban, all of sales (lead), 50 cards a column", lead, "/sales/board/"),
        ("board_rep", "Kanban, a rep's team", rep, "/sales/board/"),
        ("board_mine", "Kanban, mine only", rep, "/sales/board/?mine=on"),
        ("list_lead", "List, all of sales, page 1 (50 rows)", lead, "/sales/opportunities/"),
        ("list_filtered", "List, stage proposal, by amount", lead,
         "/sales/opportunities/?stage=proposal&sort=amount"),
        ("list_page_40", "List, page 40", lead, "/sales/opportunities/?page=40"),
        ("kpis_year", "KPI API over a year, totals", lead, kpi),
        ("kpis_year_rep", "KPI API over a year, by rep", lead, kpi + "&group_by=rep"),
        ("kpis_year_month", "KPI API over a year, by month", lead, kpi + "&group_by=month"),
        ("kpis_year_agent", "KPI API over a year, by agent", lead, kpi + "&group_by=agent"),
    ]  # fmt: skip


def measure_route(runs: int, warmup: int) -> dict[str, Any]:
    """`route()` as a flag calls it: owner check, ordered rules, round robin with its row
    locks; rolled back after each run so the rep rotation does not drift."""
    from django.db import transaction

    from crm.models import Contact
    from sales.models import Product
    from sales.services import route

    contacts = list(Contact.objects.active().select_related("organisation", "owner")[:500])
    products = list(Product.objects.all())

    class Rollback(Exception):
        pass

    state = {"i": 0}

    def call() -> None:
        i = state["i"] = state["i"] + 1
        contact = contacts[i % len(contacts)]
        try:
            with transaction.atomic():
                route(
                    contact=contact,
                    organisation=contact.organisation,
                    product=products[i % len(products)],
                )
                raise Rollback
        except Rollback:
            pass

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        call()
    result = timed(call, warmup, runs)
    result["queries"] = len(queries)
    return result


def main(args: argparse.Namespace) -> None:
    configure(args.database_url)
    import datetime as dt

    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from sales.models import Opportunity

    settings.DEBUG = False
    total = Opportunity.objects.count()
    if not total:
        raise SystemExit("No opportunities: run `python -m bench sales-generate` first.")
    today = timezone.localdate()
    year_from = (today - dt.timedelta(days=364)).isoformat()
    only = {k for k in args.only.split(",") if k}
    results: dict[str, Any] = {
        "kind": "sales-measure",
        "database": database_name(args.database_url),
        "opportunities": total,
        "runs": args.runs,
        "warmup": args.warmup,
        "workers": args.workers,
        "scenarios": [],
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM crm_contact")
        results["contacts"] = cursor.fetchone()[0]
    port = free_port()
    log = ROOT / "var" / "bench" / "sales-gunicorn.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"), "relais.wsgi", "-w", str(args.workers),
        "--preload", "-b", f"127.0.0.1:{port}", "--error-logfile", str(log),
    ]  # fmt: skip
    env = server_env(args.database_url, args.redis_db)
    subprocess.run(  # noqa: S603 - fixed command
        [str(ROOT / ".venv" / "bin" / "python"), "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    server = subprocess.Popen(  # noqa: S603 - fixed command
        command, cwd=ROOT, env=env, start_new_session=True
    )
    results["server"] = " ".join(command[1:])
    try:
        _wait(port, server)
        browsers: dict[str, Browser] = {}
        for key, title, email, url in scenarios(year_from, today.isoformat()):
            if only and key not in only:
                continue
            browser = browsers.get(email)
            if browser is None:
                browser = browsers[email] = Browser(port)
                browser.login(email, PASSWORD)
            status, _body = browser.request("GET", url)
            if status != 200:
                raise RuntimeError(f"{key}: HTTP {status} on {url}")
            row = {"key": key, "title": title, "url": url, "user": email}
            row.update(timed(lambda b=browser, u=url: b.request("GET", u), args.warmup, args.runs))
            row["queries"] = query_count(email, url)
            target = TARGETS["kpis" if key.startswith("kpis") else key.split("_")[0]]
            row["target_p95_ms"] = target
            row["meets_target"] = row["p95_ms"] < target
            results["scenarios"].append(row)
            print(f"  {key:<18} p50 {row['p50_ms']:>6} ms  p95 {row['p95_ms']:>6} ms  "
                  f"{row['queries']:>3} queries  {title}", flush=True)  # fmt: skip
        if not only or "flag_api" in only:
            results["scenarios"].append(_flag_over_http(port, args))
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    if not only or "route" in only:
        row = {"key": "route", "title": "Routing a flag (service, in process)"}
        row.update(measure_route(args.runs, args.warmup))
        row["target_p95_ms"] = TARGETS["route"]
        row["meets_target"] = row["p95_ms"] < TARGETS["route"]
        results["scenarios"].append(row)
        print(f"  route              p50 {row['p50_ms']:>6} ms  p95 {row['p95_ms']:>6} ms  "
              f"{row['queries']:>3} queries", flush=True)  # fmt: skip
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = time.strftime("%Y-%m-%d")
    path = RESULTS_DIR / f"sales-{stamp}.json"
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"report written to {path}")


def _flag_over_http(port: int, args: argparse.Namespace) -> dict[str, Any]:
    """POST /api/v1/opportunities/ as an agent (session + CSRF): validation, consent check,
    routing, timeline, notification. The rows are deleted afterwards."""
    from django.db import connection

    from crm.models import Channel, Consent
    from sales.models import Product

    from .sales_generate import AGENT_EMAIL

    contact_ids = list(
        Consent.objects.filter(channel=Channel.PHONE, status=Consent.Status.GIVEN)
        .values_list("contact_id", flat=True)
        .distinct()[:300]
    )
    product = Product.objects.order_by("pk").first()
    assert product is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM sales_opportunity")
        max_before = cursor.fetchone()[0]
    browser = Browser(port)
    browser.login(AGENT_EMAIL.format(n=1), PASSWORD)
    state = {"i": 0}

    def call() -> None:
        i = state["i"] = state["i"] + 1
        body = json.dumps(
            {"contact": contact_ids[i % len(contact_ids)], "need": "Veut la fibre",
             "product": product.pk, "amount": "1200", "wants_call": False}
        )  # fmt: skip
        status, data = browser.request(
            "POST", "/api/v1/opportunities/", body,
            {"Content-Type": "application/json", "X-CSRFToken": browser.cookies["csrftoken"],
             "Referer": browser._base()},
        )  # fmt: skip
        if status != 201:
            raise RuntimeError(f"flag: HTTP {status} {data[:300]!r}")

    try:
        row = {"key": "flag_api", "title": "Flag through the API (HTTP, routed, notified)"}
        row.update(timed(call, min(args.warmup, 10), min(args.runs, 100)))
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM crm_activity WHERE kind LIKE 'opportunity_%%' AND source_id > %s",
                [max_before],
            )
            cursor.execute(
                "DELETE FROM accounts_notification WHERE url LIKE '/sales/opportunities/%%' "
                "AND created_at > now() - interval '1 hour'"
            )
            cursor.execute(
                "DELETE FROM sales_opportunityevent WHERE opportunity_id > %s", [max_before]
            )
            cursor.execute("DELETE FROM sales_opportunity WHERE id > %s", [max_before])
            row_deleted = cursor.rowcount
    row["created_rows_deleted"] = row_deleted
    print(f"  flag_api           p50 {row['p50_ms']:>6} ms  p95 {row['p95_ms']:>6} ms", flush=True)
    return row


def _wait(port: int, process: subprocess.Popen[Any], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not start listening")
