"""The customer's service situation, as the rep sees it before calling: open tickets,
complaints of the last N days (N in the admin, 90 by default), what other apps add
(survey answers, running campaigns) and the "fix service first" warnings.

A complaint is a ticket in a queue or category the admin marked as complaints
(`ServiceWarningSettings`). An *open* complaint (any age, still active) raises the
warning; so does whatever a registered warning provider reports (campaigns: a recent bad
survey answer).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, IntegerField, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from crm.models import Contact
from tickets.models import Ticket

from .models import ServiceWarningSettings
from .registry import ServiceWarning, warning_providers

OPEN_TICKETS_SHOWN = 10
COMPLAINTS_SHOWN = 10


@dataclass(frozen=True)
class ComplaintRule:
    queue_ids: tuple[int, ...]
    category_ids: tuple[int, ...]
    window_days: int

    @property
    def is_set(self) -> bool:
        return bool(self.queue_ids or self.category_ids)

    def condition(self) -> Q:
        return Q(queue_id__in=self.queue_ids) | Q(category_id__in=self.category_ids)


def complaint_rule() -> ComplaintRule:
    row = ServiceWarningSettings.objects.prefetch_related(
        "complaint_queues", "complaint_categories"
    ).first()
    if row is None:
        return ComplaintRule((), (), 90)
    return ComplaintRule(
        tuple(q.pk for q in row.complaint_queues.all()),
        tuple(c.pk for c in row.complaint_categories.all()),
        row.window_days,
    )


def recent_complaints(contact: Contact, rule: ComplaintRule, now: dt.datetime) -> list[Ticket]:
    if not rule.is_set:
        return []
    since = now - dt.timedelta(days=rule.window_days)
    return list(
        Ticket.objects.filter(rule.condition(), contact=contact)
        .filter(Q(created_at__gte=since) | Q(status__in=Ticket.ACTIVE_STATUSES))
        .select_related("queue")
        # Open ones first: the display limit must never hide the complaint that warns.
        .alias(
            closed_last=Case(
                When(status__in=Ticket.ACTIVE_STATUSES, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("closed_last", "-created_at", "-id")[:COMPLAINTS_SHOWN]
    )


def _complaint_warnings(complaints: list[Ticket]) -> list[ServiceWarning]:
    return [
        ServiceWarning(
            key=f"complaint:{t.pk}",
            text=gettext("Open complaint %(number)s: %(subject)s")
            % {"number": t.number, "subject": t.subject},
            url=reverse("tickets:detail", args=[t.pk]),
        )
        for t in complaints
        if t.status in Ticket.ACTIVE_STATUSES
    ]


def service_warnings(
    contact: Contact, *, complaints: list[Ticket] | None = None
) -> list[ServiceWarning]:
    if complaints is None:
        complaints = recent_complaints(contact, complaint_rule(), timezone.now())
    warnings = _complaint_warnings(complaints)
    for provider in warning_providers():
        warnings.extend(provider(contact))
    return warnings


def service_context(contact: Contact) -> dict[str, Any]:
    """Everything the opportunity page shows about service, in a fixed number of queries."""
    rule = complaint_rule()
    complaints = recent_complaints(contact, rule, timezone.now())
    open_tickets = list(
        Ticket.objects.filter(contact=contact, status__in=Ticket.ACTIVE_STATUSES)
        .select_related("queue", "assignee")
        .order_by("-created_at", "-id")[:OPEN_TICKETS_SHOWN]
    )
    return {
        "open_tickets": open_tickets,
        "complaints": complaints,
        "complaint_rule": rule,
        "warnings": service_warnings(contact, complaints=complaints),
    }
