"""Supervision keeps no personal data of customers: its rows are numbers about tickets
(business seconds, SLA outcomes) and staff presence. This creates them for a ticket of
the contact so the generic erase test checks that nothing of the contact leaks here."""

from __future__ import annotations

from typing import Any

from quality.kpis.facts import facts_refresh
from quality.models import PresenceSpan
from tickets.tests.factories import TicketFactory


def create_activity(contact: Any, staff: dict[str, Any]) -> None:
    ticket = TicketFactory(contact=contact, subject="Question de facturation")
    facts_refresh(ticket_ids=[ticket.pk])
    agent = staff.get("agent")
    if agent is not None:
        PresenceSpan.objects.create(user=agent, status="available", started_at=ticket.created_at)
