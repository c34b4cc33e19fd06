"""The facts the services keep up to date after each commit equal a rebuild from scratch."""

from __future__ import annotations

import pytest
from django.utils import timezone

from quality.kpis.facts import fact_fields, facts_rebuild_day
from quality.models import PresenceSpan, TicketFact
from tickets import services
from tickets.models import AgentPresence, Ticket
from tickets.tests.factories import desk, open_ticket

pytestmark = pytest.mark.django_db


def _facts():
    return {row["ticket_id"]: row for row in TicketFact.objects.values("ticket_id", *fact_fields())}


def test_facts_follow_the_services_and_equal_a_rebuild(django_capture_on_commit_callbacks):
    d = desk()
    with django_capture_on_commit_callbacks(execute=True):
        first = open_ticket(d)
        second = open_ticket(d)
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_reply(ticket=first, author=d.agent, body="Nous regardons.")
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_change_status(
            ticket=Ticket.objects.get(pk=first.pk), status=Ticket.Status.RESOLVED, actor=d.agent
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_merge(
            source=Ticket.objects.get(pk=second.pk),
            target=Ticket.objects.get(pk=first.pk),
            actor=d.agent,
        )
    live = _facts()
    assert live[first.pk]["first_response_s"] is not None
    assert live[first.pk]["resolved_at"] is not None
    assert live[first.pk]["res_sla_met"] is True
    assert live[second.pk]["merged"] is True
    TicketFact.objects.all().delete()
    facts_rebuild_day(day=timezone.localdate())
    assert _facts() == live


def test_presence_changes_are_kept_as_spans(django_capture_on_commit_callbacks):
    d = desk()
    services.presence_set(user=d.agent, status=AgentPresence.Status.AVAILABLE)
    services.presence_set(user=d.agent, status=AgentPresence.Status.AVAILABLE)
    services.presence_set(user=d.agent, status=AgentPresence.Status.AWAY)
    spans = list(PresenceSpan.objects.filter(user=d.agent).order_by("started_at", "pk"))
    assert [s.status for s in spans] == ["available", "away"]
    assert spans[0].ended_at == spans[1].started_at
    assert spans[1].ended_at is None
