"""Per-ticket facts: the business-time figures SQL cannot compute.

Business time needs the calendar's opening hours, holidays and the ticket's pauses
(tickets.sla.schedule walks them day by day), so it is computed here, once per ticket
change, and stored; the KPIs then aggregate the stored seconds in SQL.

The clock of a ticket runs while its status is new or open (Ticket.RUNNING_STATUSES) and
pauses otherwise (pending customer, pending third party, resolved before a reopening),
exactly as the desk's SLA does; its status history is the ticket's STATUS events.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from tickets.models import SlaPolicy, Ticket, TicketEvent
from tickets.sla import cache as sla_cache
from tickets.sla.schedule import Schedule

from ..models import TicketFact

BATCH = 500
Interval = tuple[dt.datetime, dt.datetime | None]


def running_intervals(
    ticket: Ticket, status_events: Sequence[tuple[dt.datetime, str, str]]
) -> list[Interval]:
    """The stretches of wall time the ticket's clock ran; the last may be open (None)."""
    events = sorted(status_events)
    status = events[0][1] if events else ticket.status
    start = ticket.created_at
    out: list[Interval] = []
    for occurred_at, _old, new in events:
        moment = max(occurred_at, ticket.created_at)
        was_running = status in Ticket.RUNNING_STATUSES
        if was_running and moment > start:
            out.append((start, moment))
        if not was_running or moment > start:
            start = moment
        status = new
    if status in Ticket.RUNNING_STATUSES:
        out.append((start, None))
    return out


def _running_until(schedule: Schedule, intervals: list[Interval], until: dt.datetime) -> float:
    total = 0.0
    for start, end in intervals:
        finish = until if end is None else min(end, until)
        if finish > start:
            total += schedule.between(start, finish)
    return total


def _moment_reaching(
    schedule: Schedule, intervals: list[Interval], target_s: float
) -> dt.datetime | None:
    """When the running clock reaches `target_s` business seconds (None: never, so far)."""
    done = 0.0
    for start, end in intervals:
        if end is None:
            return schedule.add(start, target_s - done)
        span = schedule.between(start, end)
        if done + span >= target_s:
            return schedule.add(start, target_s - done)
        done += span
    return None


def _sla_outcome(
    schedule: Schedule,
    intervals: list[Interval],
    target_s: int | None,
    done_at: dt.datetime | None,
) -> tuple[dt.datetime | None, bool | None]:
    """(decided at, met): met when done within the target (pauses excluded); missed at the
    due moment otherwise, including a due moment still ahead while the clock runs (the KPI
    counts it only once that moment is past)."""
    if target_s is None:
        return None, None
    if done_at is not None and _running_until(schedule, intervals, done_at) <= target_s:
        return done_at, True
    due = _moment_reaching(schedule, intervals, target_s)
    if due is None:
        return None, None
    if done_at is not None and due > done_at:
        # Done after the clock stopped short of the target: cannot happen unless the
        # history is incomplete; count it as met at the moment it was done.
        return done_at, True
    return due, False


def fact_values(
    ticket: Ticket,
    status_events: Sequence[tuple[dt.datetime, str, str]],
    policy: SlaPolicy | None,
) -> dict[str, Any]:
    schedule = sla_cache.schedule_for(ticket.queue.calendar_id)
    intervals = running_intervals(ticket, status_events)
    first_response_s = (
        int(schedule.between(ticket.created_at, ticket.first_response_at))
        if ticket.first_response_at
        else None
    )
    resolution_s = (
        int(_running_until(schedule, intervals, ticket.resolved_at)) if ticket.resolved_at else None
    )
    fr_target = policy.first_response_minutes * 60 if policy else None
    res_target = policy.resolution_minutes * 60 if policy else None
    fr_at, fr_met = _sla_outcome(schedule, intervals, fr_target, ticket.first_response_at)
    res_at, res_met = _sla_outcome(schedule, intervals, res_target, ticket.resolved_at)
    return {
        "merged": ticket.merged_into_id is not None,
        "first_response_at": ticket.first_response_at,
        "first_response_s": first_response_s,
        "resolved_at": ticket.resolved_at,
        "resolution_s": resolution_s,
        "fr_sla_at": fr_at,
        "fr_sla_met": fr_met,
        "res_sla_at": res_at,
        "res_sla_met": res_met,
    }


def facts_refresh(*, ticket_ids: Iterable[int]) -> int:
    """Recompute and store the facts of these tickets (idempotent); returns how many."""
    ids = sorted(set(ticket_ids))
    written = 0
    now = timezone.now()
    for offset in range(0, len(ids), BATCH):
        chunk = ids[offset : offset + BATCH]
        tickets = list(Ticket.objects.filter(pk__in=chunk).select_related("queue"))
        history: dict[int, list[tuple[dt.datetime, str, str]]] = {}
        for ticket_id, occurred_at, data in TicketEvent.objects.filter(
            ticket_id__in=chunk, kind=TicketEvent.Kind.STATUS
        ).values_list("ticket_id", "occurred_at", "data"):
            data = data or {}
            history.setdefault(ticket_id, []).append(
                (occurred_at, str(data.get("old", "")), str(data.get("new", "")))
            )
        rows = []
        for ticket in tickets:
            policy = (
                SlaPolicy.objects.filter(pk=ticket.sla_policy_id).first()
                if ticket.sla_policy_id
                else sla_cache.policy_for(queue_id=ticket.queue_id, priority=ticket.priority)
            )
            values = fact_values(ticket, history.get(ticket.pk, []), policy)
            rows.append(TicketFact(ticket_id=ticket.pk, computed_at=now, **values))
        with transaction.atomic():
            TicketFact.objects.filter(ticket_id__in=chunk).exclude(
                ticket_id__in=[t.pk for t in tickets]
            ).delete()
            TicketFact.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["ticket"],
                update_fields=[*fact_fields(), "computed_at"],
            )
        written += len(rows)
    return written


def fact_fields() -> list[str]:
    return [
        "merged",
        "first_response_at",
        "first_response_s",
        "resolved_at",
        "resolution_s",
        "fr_sla_at",
        "fr_sla_met",
        "res_sla_at",
        "res_sla_met",
    ]


def facts_rebuild_day(*, day: dt.date) -> int:
    """Rebuild the facts of every ticket that was created, answered, resolved, closed or
    changed on `day` (local time): what a lost event or a calendar edit left stale."""
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    end = start + dt.timedelta(days=1)
    ids: set[int] = set()
    for field in ("created_at", "first_response_at", "resolved_at", "closed_at", "updated_at"):
        ids.update(
            Ticket.objects.filter(**{f"{field}__gte": start, f"{field}__lt": end}).values_list(
                "pk", flat=True
            )
        )
    ids.update(
        TicketEvent.objects.filter(occurred_at__gte=start, occurred_at__lt=end).values_list(
            "ticket_id", flat=True
        )
    )
    return facts_refresh(ticket_ids=ids)


def on_ticket_event(code: str, payload: dict[str, Any]) -> None:
    """relais.events subscriber: refresh the ticket's facts after the commit (a rolled
    back change refreshes nothing)."""
    if not code.startswith("ticket."):
        return
    ticket_id = (payload.get("ticket") or {}).get("id")
    if ticket_id:
        transaction.on_commit(lambda: facts_refresh(ticket_ids=[int(ticket_id)]))
