"""Supervision's writes: presence history, settings, thresholds, and the supervisor's
actions from the live view (which call the desk's own services)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from tickets import services as desk
from tickets.models import AgentPresence, Ticket

from ..models import PresenceSpan

ERROR_TOO_MANY = _("Reassign at most %(limit)s tickets at once.")
ERROR_NO_TICKETS = _("Choose at least one ticket.")
BULK_LIMIT = 200


def presence_span_record(user: Any, old: str, new: str, at: dt.datetime) -> None:
    """tickets.registry presence hook: close the current span, open the next."""
    PresenceSpan.objects.filter(user=user, ended_at__isnull=True).update(ended_at=at)
    PresenceSpan.objects.create(user=user, status=new, started_at=at)


def agent_set_away(*, agent: User) -> AgentPresence:
    """A supervisor marks an agent away: round robin stops giving them tickets."""
    return desk.presence_set(user=agent, status=AgentPresence.Status.AWAY)


def tickets_reassign(*, tickets: Sequence[Ticket], assignee: User | None, actor: User) -> int:
    """Bulk reassignment through the desk's own assignment service, one ticket at a time
    so each gets its history, notification and version bump."""
    if not tickets:
        raise ValidationError({"tickets": ERROR_NO_TICKETS})
    if len(tickets) > BULK_LIMIT:
        raise ValidationError({"tickets": ERROR_TOO_MANY % {"limit": BULK_LIMIT}})
    with transaction.atomic():
        for ticket in tickets:
            desk.ticket_assign(ticket=ticket, assignee=assignee, actor=actor)
    return len(tickets)
