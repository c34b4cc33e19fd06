"""SLA clocks on tickets: recompute a ticket's deadlines (`sla_apply`) and the sweep that
warns before a breach and escalates a breach (`sla_sweep`).

The business-time arithmetic is `tickets.sla.schedule`; schedules and policies come from
the per-process cache `tickets.sla.cache`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import Notification, Team, User
from accounts.services import (
    notifications_apply_holds,
    notifications_email_after_commit,
    notifications_email_preferences,
)
from crm.models import Activity
from crm.timeline import get_kind

from .. import timeline as kinds
from ..models import Queue, SlaPolicy, Ticket, TicketEvent
from ..sla import cache as sla_cache

Status = Ticket.Status

SLA_FIELDS = [
    "sla_policy",
    "first_response_due_at",
    "resolution_due_at",
    "sla_next_due_at",
    "sla_warn_at",
    "sla_paused_at",
    "sla_paused_seconds",
    "sla_warned_at",
    "sla_breached_at",
]

# Per sweep and per recipient, at most this many notifications name a ticket; the rest
# are summed up in one more, so a lead with a thousand breaches gets a readable inbox.
NOTIFY_PER_RECIPIENT = 20


def sla_policy_for(*, queue_id: int, priority: int) -> SlaPolicy | None:
    return sla_cache.policy_for(queue_id=queue_id, priority=priority)


# The one invalidation of the SLA cache, under the name the admin and tests know.
sla_forget = sla_cache.forget


def sla_apply(ticket: Ticket, *, now: dt.datetime, calendar_id: int | None = None) -> None:
    """Recompute the ticket's SLA fields in memory from its status, policy and pauses.

    Due = creation + target + time paused, all in business time: a pause shifts both
    deadlines by exactly its business length, and the result does not depend on when it
    is recomputed. The caller saves."""
    schedule = sla_cache.schedule_for(calendar_id or ticket.queue.calendar_id)
    running = ticket.status in Ticket.RUNNING_STATUSES
    # Close or open the current pause.
    if running and ticket.sla_paused_at is not None:
        ticket.sla_paused_seconds += int(schedule.between(ticket.sla_paused_at, now))
        ticket.sla_paused_at = None
    elif not running and ticket.sla_paused_at is None and ticket.status != Status.CLOSED:
        ticket.sla_paused_at = now
    if ticket.status == Status.CLOSED:
        ticket.sla_paused_at = None

    policy = sla_policy_for(queue_id=ticket.queue_id, priority=ticket.priority)
    ticket.sla_policy = policy
    previous_next_due = ticket.sla_next_due_at
    if policy is None:
        ticket.first_response_due_at = ticket.resolution_due_at = None
        ticket.sla_next_due_at = ticket.sla_warn_at = None
        return
    paused = ticket.sla_paused_seconds
    if ticket.first_response_at is None or ticket.first_response_due_at is None:
        ticket.first_response_due_at = schedule.add(
            ticket.created_at, policy.first_response_minutes * 60 + paused
        )
    if ticket.resolved_at is None or ticket.resolution_due_at is None:
        ticket.resolution_due_at = schedule.add(
            ticket.created_at, policy.resolution_minutes * 60 + paused
        )
    if running:
        candidates = [ticket.resolution_due_at]
        if ticket.first_response_at is None:
            candidates.append(ticket.first_response_due_at)
        dues = [d for d in candidates if d is not None]
        ticket.sla_next_due_at = min(dues) if dues else None
    else:
        ticket.sla_next_due_at = None
    if ticket.sla_next_due_at is None:
        ticket.sla_warn_at = None
    else:
        ticket.sla_warn_at = ticket.sla_next_due_at - dt.timedelta(
            minutes=policy.warn_before_minutes
        )
    if ticket.sla_next_due_at != previous_next_due:
        # A new deadline gets its own warning and breach.
        if ticket.sla_next_due_at is None or ticket.sla_next_due_at > now:
            ticket.sla_breached_at = None
        if ticket.sla_warn_at is None or ticket.sla_warn_at > now:
            ticket.sla_warned_at = None


@dataclass
class SweepResult:
    warned: int = 0
    breached: int = 0
    notifications: int = 0


def _claim(sql_set: str, sql_where: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """UPDATE ... RETURNING: flag and fetch in one statement, so two sweeps running at once
    never notify twice (PostgreSQL and SQLite >= 3.35 both have RETURNING)."""
    table = Ticket._meta.db_table
    params = [
        connection.ops.adapt_datetimefield_value(p) if isinstance(p, dt.datetime) else p
        for p in params
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {sql_set} WHERE {sql_where} "  # noqa: S608 - constants only
            "RETURNING id, subject, created_at, contact_id, organisation_id, assignee_id, "
            "team_id, queue_id",
            params,
        )
        return list(cursor.fetchall())


def sla_sweep(*, now: dt.datetime | None = None) -> SweepResult:
    """Warn assignees before a breach and escalate to team leads on breach.

    Set-based: one UPDATE ... RETURNING claims the tickets whose warning or deadline has
    come (partial indexes on sla_warn_at / sla_next_due_at), then notifications, ticket
    events and timeline rows are inserted in bulk. A million open tickets cost what the
    handful that changed state cost."""
    now = now or timezone.now()
    result = SweepResult()
    with transaction.atomic():
        warned = _claim(
            "sla_warned_at = %s",
            "sla_warned_at IS NULL AND sla_warn_at IS NOT NULL AND sla_warn_at <= %s "
            "AND sla_next_due_at > %s",
            [now, now, now],
        )
        breached = _claim(
            "sla_breached_at = %s, sla_warned_at = COALESCE(sla_warned_at, %s)",
            "sla_breached_at IS NULL AND sla_next_due_at IS NOT NULL AND sla_next_due_at <= %s",
            [now, now, now],
        )
        result.warned, result.breached = len(warned), len(breached)
        if not warned and not breached:
            return result
        team_leads = dict(Team.objects.filter(lead__isnull=False).values_list("pk", "lead_id"))
        queue_teams = dict(Queue.objects.values_list("pk", "team_id"))

        events: list[TicketEvent] = []
        activities: list[Activity] = []
        per_recipient: dict[int, list[tuple[str, tuple[Any, ...]]]] = {}
        for row in warned:
            events.append(
                TicketEvent(ticket_id=row[0], kind=TicketEvent.Kind.SLA_WARNING, occurred_at=now)
            )
            if row[5]:
                per_recipient.setdefault(row[5], []).append(("warn", row))
        breach_kind = get_kind(kinds.TICKET_SLA_BREACHED)
        for row in breached:
            (
                ticket_id,
                subject,
                created_at,
                contact_id,
                organisation_id,
                assignee_id,
                team_id,
                queue_id,
            ) = row
            events.append(
                TicketEvent(ticket_id=ticket_id, kind=TicketEvent.Kind.SLA_BREACH, occurred_at=now)
            )
            lead_team = team_id or queue_teams.get(queue_id)
            lead_id = team_leads.get(lead_team) if lead_team is not None else None
            for recipient in {lead_id, assignee_id} - {None}:
                per_recipient.setdefault(recipient, []).append(("breach", row))
            if contact_id is not None:
                activity = Activity(
                    contact_id=contact_id,
                    organisation_id=organisation_id,
                    kind=kinds.TICKET_SLA_BREACHED,
                    occurred_at=now,
                    data={"number": _number(ticket_id, created_at), "subject": subject},
                    source_type=ContentType.objects.get_for_model(Ticket),  # cached
                    source_id=ticket_id,
                )
                activity.summary = breach_kind.text(activity)[:300]
                activities.append(activity)
        notifications = _sweep_notifications(per_recipient)
        TicketEvent.objects.bulk_create(events, batch_size=2000)
        Activity.objects.bulk_create(activities, batch_size=2000)
        # Right to disconnect: held for recipients outside their contact hours.
        notifications_apply_holds(notifications, now=now)
        # Emailed too when the recipient asked for it (User.notification_emails).
        notifications_email_preferences(notifications)
        created = Notification.objects.bulk_create(notifications, batch_size=2000)
        notifications_email_after_commit(created)
        result.notifications = len(notifications)
    return result


def _sweep_notifications(
    per_recipient: dict[int, list[tuple[str, tuple[Any, ...]]]],
) -> list[Notification]:
    out: list[Notification] = []
    languages = dict(User.objects.filter(pk__in=per_recipient).values_list("pk", "language"))
    for recipient_id, items in per_recipient.items():
        with translation.override(languages.get(recipient_id) or settings.LANGUAGE_CODE):
            for what, row in items[:NOTIFY_PER_RECIPIENT]:
                number = _number(row[0], row[2])
                if what == "warn":
                    title = gettext("SLA breach soon on %(number)s") % {"number": number}
                else:
                    title = gettext("SLA breached on %(number)s") % {"number": number}
                out.append(
                    Notification(
                        recipient_id=recipient_id,
                        title=title[:200],
                        body=row[1],
                        url=reverse("tickets:detail", args=[row[0]]),
                    )
                )
            rest = len(items) - NOTIFY_PER_RECIPIENT
            if rest > 0:
                out.append(
                    Notification(
                        recipient_id=recipient_id,
                        title=gettext("%(count)d more tickets are breaching their SLA")
                        % {"count": rest},
                        url=reverse("tickets:inbox") + "?view=breached",
                    )
                )
    return out


def _number(pk: int, created_at: dt.datetime | str) -> str:
    if isinstance(created_at, str):  # SQLite's raw cursor
        created_at = dt.datetime.fromisoformat(created_at)
    if timezone.is_naive(created_at):
        created_at = timezone.make_aware(created_at, dt.UTC)
    return Ticket(pk=pk, created_at=created_at).number
