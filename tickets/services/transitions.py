"""Status transitions: the one place they are decided, and the one place a status change
is applied (its timestamps, its SLA effect, its history and timeline rows)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from .. import timeline as kinds
from ..models import Ticket, TicketEvent
from ..registry import resolution_hooks
from .common import check_open, record_event, record_timeline
from .sla import SLA_FIELDS, sla_apply

Status = Ticket.Status

ERROR_TRANSITION = _("A ticket cannot go from “%(old)s” to “%(new)s”.")

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset(
        {Status.OPEN, Status.PENDING_CUSTOMER, Status.PENDING_THIRD_PARTY, Status.RESOLVED}
    ),
    Status.OPEN: frozenset({Status.PENDING_CUSTOMER, Status.PENDING_THIRD_PARTY, Status.RESOLVED}),
    Status.PENDING_CUSTOMER: frozenset({Status.OPEN, Status.PENDING_THIRD_PARTY, Status.RESOLVED}),
    Status.PENDING_THIRD_PARTY: frozenset({Status.OPEN, Status.PENDING_CUSTOMER, Status.RESOLVED}),
    Status.RESOLVED: frozenset({Status.OPEN, Status.CLOSED}),
    Status.CLOSED: frozenset(),
}


def transition_allowed(old: str, new: str) -> bool:
    return (new == old and old != Status.CLOSED) or new in TRANSITIONS.get(old, frozenset())


def allowed_statuses(ticket: Ticket) -> list[str]:
    return [s for s in Status.values if s in TRANSITIONS[ticket.status]]


def check_transition(ticket: Ticket, new: str) -> None:
    check_open(ticket)
    if new not in Status.values or not transition_allowed(ticket.status, new):
        raise ValidationError(
            {
                "status": ERROR_TRANSITION
                % {"old": Status(ticket.status).label, "new": _label(Status, new)}
            },
            code="transition",
        )


def _label(choices: Any, value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def set_status(
    ticket: Ticket, new: str, actor: User | None, now: dt.datetime, *, on_timeline: bool = True
) -> list[str]:
    """Apply a status change in memory; return the changed fields. Caller checked it.

    `on_timeline=False` for the automatic moves a message causes (new -> open on the first
    reply, pending -> open on the customer's answer): the message's own line says it."""
    old = ticket.status
    if new == old:
        return []
    ticket.status = new
    changed = ["status"]
    if new == Status.RESOLVED:
        ticket.resolved_at = now
        changed.append("resolved_at")
    elif new == Status.CLOSED:
        ticket.closed_at = now
        changed.append("closed_at")
    if old == Status.RESOLVED and new == Status.OPEN:
        ticket.resolved_at = None
        ticket.reopened_count += 1
        changed += ["resolved_at", "reopened_count"]
    sla_apply(ticket, now=now)
    record_event(ticket, TicketEvent.Kind.STATUS, actor, old=old, new=new)
    if new == Status.RESOLVED:
        record_timeline(ticket, kinds.TICKET_RESOLVED, actor, subject=ticket.subject)
        # Later apps react in the same transaction (telework: equipment delivered).
        for hook in resolution_hooks():
            hook(ticket, actor)
    elif on_timeline:
        record_timeline(ticket, kinds.TICKET_STATUS, actor, old=old, new=new)
    return changed + SLA_FIELDS
