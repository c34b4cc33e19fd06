"""The HTTP benchmark harness at toy size: gunicorn on a free port, tiny data, every page.

What `python -m bench tickets-measure` / `peer-measure` do at full size (docs/benchmarks.md),
on the test database: the peer-shaped desk is generated (60 tickets), gunicorn serves it
with `bench.settings` (production settings plus the timing middleware), and each of the
side-by-side pages and the budget's pages answers 200 with its server time, SQL count and
SQL time. Runs on PostgreSQL and SQLite (the test database is a file there), in seconds.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.db import connection

from bench import harness, peer, profile
from bench.crm_generate import load_crm, source_types, staff_ids
from bench.crm_rows import CrmPlan
from bench.loader import Loader
from bench.middleware import DB_HEADER, QUERIES_HEADER, SERVER_HEADER
from bench.tickets_generate import LOADED_MODELS, empty_tickets_tables
from bench.tickets_rows import TicketsPlan
from tickets.models import Message, Ticket

NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=dt.UTC)
TIMING_MIDDLEWARE = "bench.middleware.ServerTimingMiddleware"


def _peer_desk(tickets: int = 60) -> None:
    """The peer-shaped desk at toy size, exactly as `peer-generate` builds it."""
    load_crm(
        CrmPlan(organisations=2, contacts=10, activities=12, heavy_contact_activities=1, seed=3),
        loader=Loader(), staff=staff_ids(count=1), types=source_types(),
    )  # fmt: skip
    empty_tickets_tables()
    desk = peer.desk_setup(queues=2, agents=2)
    plan = TicketsPlan(
        tickets=tickets, active=21, messages=(tickets - 1) * 5 + 20, heavy_ticket_messages=20,
        teams=2, agents_per_team=3, years=1, seed=3, now=NOW,
    )  # fmt: skip
    loader = Loader()
    peer.load_tickets_with_skeleton(plan, desk, loader, 5)
    loader.reset_sequences(LOADED_MODELS)


def test_production_settings_never_load_the_timing_middleware():
    assert TIMING_MIDDLEWARE not in django_settings.MIDDLEWARE
    env = harness.server_env(harness.ServerConfig(database_url="postgres://u@h:5432/x"))
    assert env["DJANGO_SETTINGS_MODULE"] == "bench.settings"
    assert env["DJANGO_DEBUG"] == "0"
    assert env["DATABASE_CONN_MAX_AGE"] == "600"
    assert env["DJANGO_SECURE_SSL_REDIRECT"] == "0"
    assert env["CELERY_TASK_ALWAYS_EAGER"] == "0"
    assert len(env["DJANGO_SECRET_KEY"]) >= 50


@pytest.mark.django_db(transaction=True)
def test_http_harness_measures_the_pages_under_gunicorn():
    _peer_desk()
    assert Ticket.objects.count() == 60
    assert Message.objects.filter(ticket_id=1).count() == 20
    assert Message.objects.count() == 59 * 5 + 20
    contact_id = Ticket.objects.get(pk=1).contact_id
    pages = peer.peer_pages()
    for page in pages:
        if page.path == "CUSTOMER":
            page.path = f"/customers/{contact_id}/"
    config = harness.ServerConfig(
        database_url=harness.database_url_of_connection(connection),
        # No cache: the inbox's badge counts (cached 15 s) are recomputed on every request,
        # so a page's query count cannot depend on how long the test has run.
        broker_url="memory://", cache_url="dummycache://", plain_static=True,
        secret_key=django_settings.SECRET_KEY,
        # One worker, warm after one request (each gunicorn sync worker fills its own
        # per-process caches on its first requests; the measured runs warm up longer).
        workers=1,
    )  # fmt: skip
    with harness.http_runner(config, log_name="smoke") as runner:
        results = harness.measure_pages(runner, pages, runs=2, warmup=1, echo=False)
    by_key = {r.key: r for r in results}
    assert [r.key for r in results if r.status != "ok"] == [], [r.status for r in results]
    assert set(by_key) >= {"rows", "ticket_page", "home", "api_tickets", "admin_tickets"}
    for result in results:
        assert result.runs == 2
        assert result.queries_min == result.queries_max > 0, result.key
        assert 0 < result.db_p50_ms <= result.server_p50_ms, result.key
        assert result.ratio_p50 is not None
        assert result.ratio_p50 >= 1
    table = harness.pages_table(results)
    assert "Ticket page, 20 messages" in table
    assert by_key["api_tickets"].within_budget is None  # not an agent-facing page


def test_http_runner_reports_a_refused_page_instead_of_measuring_it(db, settings):
    """A page that answers 302 (not logged in) is not measured as if it were the page."""
    settings.MIDDLEWARE = [TIMING_MIDDLEWARE, *settings.MIDDLEWARE]
    runner = harness.InProcessRunner()
    page = harness.Page("anonymous", "Inbox without a session", "/tickets/")
    result = harness.measure_page(runner, page, runs=2, warmup=1)
    assert result.status.startswith("not measurable: AssertionError: anonymous: HTTP 302")


def test_in_process_profile_attributes_the_time_of_a_page(db, settings):
    settings.MIDDLEWARE = [TIMING_MIDDLEWARE, *settings.MIDDLEWARE]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    _peer_desk(tickets=30)
    runner = harness.InProcessRunner()
    page = next(p for p in peer.peer_pages() if p.key == "ticket_page")
    profiler, samples = profile.profile_requests(runner, [page], runs=3, warmup=1, interval=0.0005)
    assert [s.status for s in samples] == [200, 200, 200]
    response = runner.client.get("/tickets/1/")
    assert {SERVER_HEADER, QUERIES_HEADER, DB_HEADER} <= set(response.headers)
    parts = profile.attribute(profiler.last_session.root_frame())
    assert parts["request_seconds"] > 0
    assert "template rendering" in parts["exclusive"]
    assert any(name.startswith("SQL") for name in parts["exclusive"])
    assert sum(parts["exclusive"].values()) == pytest.approx(parts["request_seconds"], rel=0.01)
    assert "### " in profile.summary_table({"pages": {"ticket_page": {
        **parts, "title": page.title, "server_ms_median": 1, "sql_ms_median": 1, "queries": 1,
    }}})  # fmt: skip


def test_side_by_side_recomputes_both_percentiles_and_the_ratios():
    peer_results = {
        "label": "100k",
        "results": [
            {"endpoint": "ticket_list_rows", "n": 4, "queries_p50": 74,
             "samples_server_ms": [1000.0, 1200.0, 1100.0, 3000.0]},
            {"endpoint": "ticket_view", "n": 2, "queries_p50": 87,
             "samples_server_ms": [100.0, 120.0]},
        ],
    }  # fmt: skip

    def page(key: str, samples: list[float], queries: int) -> dict:
        return {"key": key, "status": "ok", "samples_server_ms": samples, "queries_max": queries,
                "db_p50_ms": 1.0, "bytes": 10}  # fmt: skip

    relais = {"pages": [page("rows", [50.0, 55.0, 60.0, 100.0], 12),
                        page("ticket_page", [40.0, 40.0], 20)]}  # fmt: skip
    comparison = peer.side_by_side(peer_results, relais)
    rows = {r["endpoint"]: r for r in comparison["rows"]}
    assert rows["agent's ticket rows"]["peer_p50_ms"] == 1100.0  # nearest rank
    assert rows["agent's ticket rows"]["ratio_p50"] == 20.0
    assert rows["agent's ticket rows"]["ratio_p95"] == 30.0
    assert rows["agent's ticket rows"]["meets_target"] is True
    assert rows["ticket page, 20 messages"]["ratio_p50"] == 2.5
    assert rows["ticket page, 20 messages"]["meets_target"] is False
    assert rows["agent's home"] == {"endpoint": "agent's home", "missing": True}
    table = peer.side_by_side_table(comparison)
    assert "| agent's ticket rows | 1,100 / 3,000 | 74 | 55.0 / 100.0 | 12 | 20x | 30x |" in table
    assert "**missed**" in table
