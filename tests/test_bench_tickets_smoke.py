"""The service-desk benchmark at toy size, so that `python -m bench tickets-*` cannot rot.

Runs the generator (bulk_create on SQLite, COPY on PostgreSQL, every constraint checked)
and the measuring code on the test database; the full-size figures are in
docs/benchmarks.md ("Service desk").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from django.db import connection

from accounts.models import User
from accounts.roles import ROLE_ORDER
from bench import harness, tickets_measure
from bench.loader import Loader
from bench.tickets_generate import desk_setup, empty_tickets_tables, load_tickets
from bench.tickets_rows import TicketsPlan, build_chunk, build_skeleton
from crm.tests.factories import ContactFactory
from tickets import selectors, services
from tickets.models import Message, Queue, SlaPolicy, Ticket

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=dt.UTC)  # a Tuesday, office hours
PLAN = TicketsPlan(
    tickets=400, active=80, messages=2_000, heavy_ticket_messages=40, teams=2,
    agents_per_team=3, seed=7, now=NOW,
)  # fmt: skip


@pytest.fixture
def loaded() -> dict:
    ContactFactory.create_batch(25)
    empty_tickets_tables()
    desk = desk_setup(PLAN)
    report = load_tickets(PLAN, desk, loader=Loader(), chunk=97)
    # Foreign keys are deferred on PostgreSQL and the test never commits: check them now.
    connection.check_constraints()
    services.sla_forget()
    return {"desk": desk, "report": report}


def test_generator_writes_the_planned_rows(loaded: dict):
    report = loaded["report"]
    assert Ticket.objects.count() == 400 == report["rows"]["tickets.Ticket"]
    assert Message.objects.count() == 2_000
    heavy = Ticket.objects.get(pk=report["heavy_ticket_id"])
    assert heavy.message_count == heavy.messages.count() == 40
    assert heavy.status == "open"
    active = Ticket.objects.filter(status__in=Ticket.ACTIVE_STATUSES).count()
    assert active == 80
    assert Queue.objects.count() == len(loaded["desk"].queues) == 12
    assert Queue.objects.filter(kind="it").count() == 1
    assert SlaPolicy.objects.count() == 48
    assert Ticket.objects.filter(queue__kind="it", contact=None).exclude(
        requester_user=None
    ).count() == (Ticket.objects.filter(queue__kind="it").count())


def test_counters_and_first_response_match_the_messages(loaded: dict):
    for ticket in Ticket.objects.prefetch_related("messages"):
        messages = sorted(ticket.messages.all(), key=lambda m: (m.created_at, m.pk))
        assert ticket.message_count == len(messages)
        assert ticket.last_message_at == messages[-1].created_at
        assert messages[0].direction == "in"
        assert messages[0].created_at == ticket.created_at
        replies = [m.created_at for m in messages if m.kind == "public" and m.direction == "out"]
        assert ticket.first_response_at == (replies[0] if replies else None)
        if ticket.contact_id:
            assert ticket.organisation_id == ticket.contact.organisation_id


def test_sla_fields_are_what_sla_apply_computes(loaded: dict):
    """Recomputing each ticket with the service, at the data's moment, changes nothing."""
    fields = ["first_response_due_at", "resolution_due_at", "sla_next_due_at", "sla_warn_at"]
    tickets = Ticket.objects.select_related("queue").exclude(status="closed")
    checked = 0
    for ticket in tickets:
        before = {f: getattr(ticket, f) for f in fields}
        before["sla_policy_id"] = ticket.sla_policy_id
        ticket.first_response_due_at = ticket.resolution_due_at = None  # force recompute
        services.sla_apply(ticket, now=NOW)
        after = {f: getattr(ticket, f) for f in fields}
        after["sla_policy_id"] = ticket.sla_policy_id
        assert after == before, ticket.pk
        checked += 1
    assert checked > 80
    running = Ticket.objects.filter(status__in=Ticket.RUNNING_STATUSES)
    assert not running.filter(sla_next_due_at=None).exists()
    # The flags are those a sweep running up to NOW leaves: nothing left to claim at NOW.
    assert services.sla_sweep(now=NOW).warned == 0
    assert services.sla_sweep(now=NOW).breached == 0


def test_rows_are_deterministic_for_a_seed_and_moment(loaded: dict):
    desk = loaded["desk"]

    def fingerprint(plan: TicketsPlan) -> list:
        skeleton = build_skeleton(plan)
        return [t.rows for t in build_chunk(plan, desk, skeleton, 0, plan.tickets)]

    assert fingerprint(PLAN) == fingerprint(PLAN)
    assert fingerprint(PLAN)[0] != fingerprint(replace(PLAN, seed=8))[0]


def test_plan_refuses_too_few_messages():
    with pytest.raises(ValueError, match="at least"):
        TicketsPlan(tickets=100, active=10, messages=150, heavy_ticket_messages=40)


def test_every_measured_page_answers_on_the_generated_desk(loaded: dict, settings):
    """tickets-measure's page list (inbox page and rows in every view, ticket page, customer
    page, each role's home, admin changelists, API lists) on the generator's data, through
    the in-process runner with the timing middleware: 200 each, constant query counts."""
    settings.MIDDLEWARE = ["bench.middleware.ServerTimingMiddleware", *settings.MIDDLEWARE]
    # No cache: the inbox's badge counts (cached 15 s) are recomputed on every request, so
    # the query count of a page cannot depend on how long the test has run.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    subjects = tickets_measure.find_subjects()
    assert subjects["heavy_ticket_id"] == loaded["report"]["heavy_ticket_id"]
    pages = tickets_measure.all_pages(subjects)
    groups = {p.group for p in pages}
    assert groups == {"inbox", "ticket", "customer", "home", "admin", "api"}
    assert {p.key for p in pages if p.group == "home"} == {f"home_{r}" for r in ROLE_ORDER}
    runner = harness.InProcessRunner()
    results = harness.measure_pages(runner, pages, runs=2, warmup=1, echo=False)
    assert [(r.key, r.status) for r in results if r.status != "ok"] == []
    for result in results:
        assert result.queries_min == result.queries_max, result.key
        assert result.db_p50_ms <= result.server_p50_ms, result.key
    agent = User.objects.get(email=subjects["agent_email"])
    mine = selectors.ticket_inbox(user=agent, filters=selectors.InboxFilters(view="mine"))
    assert loaded["report"]["heavy_ticket_id"] in {t.pk for t in mine[:500]}


def test_sweep_measure_is_repeatable(loaded: dict):
    subjects = tickets_measure.find_subjects()
    flags = list(Ticket.objects.order_by("pk").values_list("sla_warned_at", "sla_breached_at"))
    sweep = tickets_measure.measure_sweep(subjects, runs=2, fraction=0.1)
    assert sweep["result"]["warned"] + sweep["result"]["breached"] >= 1
    assert sweep["runs"] == 2
    assert sweep["p95_ms"] >= 0
    assert (
        list(Ticket.objects.order_by("pk").values_list("sla_warned_at", "sla_breached_at")) == flags
    )


def test_creation_payloads_are_accepted_by_the_api(loaded: dict, settings):
    """The API creation run's requests, as its load client sends them, create tickets."""
    from rest_framework.test import APIClient

    subjects = tickets_measure.find_subjects()
    payloads = tickets_measure.creation_payloads(subjects, count=3)
    before = tickets_measure.max_ticket_id()
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Token {harness.token_for(tickets_measure.API_AGENTS[0])}"
    )
    for payload in payloads:
        response = client.post("/api/v1/tickets/", payload, format="json")
        assert response.status_code == 201, response.content
    assert tickets_measure.delete_created(before) == 3
    assert tickets_measure.max_ticket_id() == before
