"""The badges of a list of tickets (status, priority, SLA state), each rendered once per
distinct value from `templates/tickets/components/badges.html` and reused on every row.

A badge depends only on its value (and the reader's language, the same for the whole
response): rendering the partial 50 times per badge, three badges a row, was a third of
the inbox rows' Python time (issue 10). The HTML is the partial's, byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.template.loader import get_template
from django.utils.safestring import SafeString

from .models import Ticket

BADGES = "tickets/components/badges.html"


def attach_badges(tickets: Iterable[Ticket]) -> None:
    """Set `badge_status`, `badge_priority`, `badge_sla` and `sla_state_now` on each."""
    rendered: dict[tuple[str, Any], SafeString] = {}
    templates = {name: get_template(f"{BADGES}#{name}") for name in ("status", "priority", "sla")}

    def badge(name: str, value: Any, ticket: Ticket, state: str) -> SafeString:
        key = (name, value)
        if key not in rendered:
            rendered[key] = templates[name].render({"ticket": _Shown(ticket, state)})
        return rendered[key]

    for ticket in tickets:
        state = ticket.sla_state
        ticket.sla_state_now = state  # type: ignore[attr-defined]
        ticket.badge_status = badge("status", ticket.status, ticket, state)  # type: ignore[attr-defined]
        ticket.badge_priority = badge("priority", ticket.priority, ticket, state)  # type: ignore[attr-defined]
        ticket.badge_sla = badge("sla", state, ticket, state)  # type: ignore[attr-defined]


class _Shown:
    """The ticket as the partials read it, with its SLA state computed once."""

    def __init__(self, ticket: Ticket, state: str) -> None:
        self.status = ticket.status
        self.priority = ticket.priority
        self.sla_state = state
        self.get_status_display = ticket.get_status_display
        self.get_priority_display = ticket.get_priority_display
