"""The tickets behind a live figure: the same Q as the figure (live.figures.metric_q)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from telephony.models import PhoneCall
from tickets.models import Ticket

from ..selectors import Scope, scope_queues

TICKET_METRICS = (
    "backlog",
    "new_today",
    "unassigned",
    "pending",
    "breaching",
    "breached",
    "oldest",
)
CALL_METRICS = ("calls_waiting",)


def drilldown_queue_ids(scope: Scope, queue_ids: Sequence[int], team_id: int | None) -> list[int]:
    allowed = {q.pk: q.team_id for q in scope_queues(scope)}
    if team_id is not None:
        return [pk for pk, t in allowed.items() if t == team_id]
    if queue_ids:
        return [pk for pk in queue_ids if pk in allowed]
    return list(allowed)


def drilldown_tickets(*, queue_ids: Sequence[int], metric: str) -> QuerySet[Ticket]:
    from .figures import metric_q

    order = ("created_at", "pk") if metric == "oldest" else ("sla_next_due_at", "created_at", "pk")
    return (
        Ticket.objects.filter(queue_id__in=queue_ids, merged_into__isnull=True)
        .filter(metric_q(metric, timezone.now()))
        .select_related("queue", "assignee", "contact", "sla_policy")
        .order_by(*order)
    )


def drilldown_calls(*, queue_ids: Sequence[int]) -> QuerySet[PhoneCall]:
    return (
        PhoneCall.objects.filter(queue_id__in=queue_ids, status__in=PhoneCall.WAITING_STATUSES)
        .select_related("queue", "contact")
        .order_by("offered_at", "pk")
    )


def assignable_agents(*, queue_ids: Sequence[int]) -> QuerySet[User]:
    return (
        User.objects.filter(teams__queues__in=queue_ids, is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )
