"""Scheduled, set-based work: escalate unaccepted handoffs, remind reps of next steps.

Each sweep is one `UPDATE ... RETURNING` over a partial index (the rows still waiting),
then bulk inserts of events and notifications: a duplicate or concurrent run claims
nothing twice, and its cost follows the rows that came due, not the pipeline's size.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import Notification, Team, User

from ..models import Opportunity, OpportunityEvent, SalesTeamPolicy, opportunity_reference

NOTIFY_PER_RECIPIENT = 20


@dataclass
class SweepResult:
    claimed: int = 0
    notifications: int = 0


def _claim(
    sql_set: str, sql_where: str, params: list[Any], returning: str
) -> list[tuple[Any, ...]]:
    table = Opportunity._meta.db_table
    params = [
        connection.ops.adapt_datetimefield_value(p) if isinstance(p, dt.datetime) else p
        for p in params
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {sql_set} WHERE {sql_where} RETURNING {returning}",  # noqa: S608 - constants only
            params,
        )
        return list(cursor.fetchall())


def _notifications(
    per_recipient: dict[int, list[tuple[int, str]]], title: str, summary: str
) -> list[Notification]:
    """`title` and `summary` are msgids translated in each recipient's language."""
    out: list[Notification] = []
    languages = dict(User.objects.filter(pk__in=per_recipient).values_list("pk", "language"))
    for recipient_id, items in per_recipient.items():
        with translation.override(languages.get(recipient_id) or settings.LANGUAGE_CODE):
            for pk, body in items[:NOTIFY_PER_RECIPIENT]:
                out.append(
                    Notification(
                        recipient_id=recipient_id,
                        title=(gettext(title) % {"reference": opportunity_reference(pk)})[:200],
                        body=body,
                        url=reverse("sales:detail", args=[pk]),
                        send_email=True,
                    )
                )
            rest = len(items) - NOTIFY_PER_RECIPIENT
            if rest > 0:
                out.append(
                    Notification(
                        recipient_id=recipient_id,
                        title=(gettext(summary) % {"count": rest})[:200],
                        url=reverse("sales:list"),
                    )
                )
    return out


def _email_after_commit(notifications: list[Notification]) -> None:
    from accounts.tasks import notification_email_task

    ids = [n.pk for n in notifications if n.send_email and n.pk]
    transaction.on_commit(lambda: [notification_email_task.delay(pk) for pk in ids])


def _(text: str) -> str:  # marks msgids for makemessages; translated per recipient
    return text


ESCALATION_TITLE = _("Handoff %(reference)s not accepted in time")
ESCALATION_SUMMARY = _("%(count)d more handoffs were not accepted in time")
REMINDER_TITLE = _("Next step due on %(reference)s")
REMINDER_SUMMARY = _("%(count)d more next steps are due")
del _


def handoff_escalation_sweep(*, now: dt.datetime | None = None) -> SweepResult:
    """Handoffs still new and unaccepted past their business-hours deadline go to the team's
    escalation contact (the policy's, else the team lead)."""
    now = now or timezone.now()
    result = SweepResult()
    with transaction.atomic():
        rows = _claim(
            "escalated_at = %s",
            "stage = 'new' AND accepted_at IS NULL AND escalated_at IS NULL "
            "AND acceptance_due_at IS NOT NULL AND acceptance_due_at <= %s",
            [now, now],
            "id, team_id, owner_id",
        )
        result.claimed = len(rows)
        if not rows:
            return result
        policy_targets = dict(
            # Someone who left (deactivated) is skipped: the team lead is told instead.
            SalesTeamPolicy.objects.filter(escalate_to__is_active=True).values_list(
                "team_id", "escalate_to_id"
            )
        )
        leads = dict(Team.objects.filter(lead__is_active=True).values_list("pk", "lead_id"))
        owners = dict(
            User.objects.filter(pk__in={r[2] for r in rows if r[2]}).values_list("pk", "email")
        )
        per_recipient: dict[int, list[tuple[int, str]]] = {}
        events = []
        for pk, team_id, owner_id in rows:
            target = policy_targets.get(team_id) or leads.get(team_id)
            events.append(
                OpportunityEvent(
                    opportunity_id=pk,
                    kind=OpportunityEvent.Kind.ESCALATED,
                    occurred_at=now,
                    data={"to": target, "owner": owners.get(owner_id, "")},
                )
            )
            if target:
                per_recipient.setdefault(target, []).append((pk, owners.get(owner_id, "")))
        OpportunityEvent.objects.bulk_create(events, batch_size=2000)
        notifications = Notification.objects.bulk_create(
            _notifications(per_recipient, ESCALATION_TITLE, ESCALATION_SUMMARY), batch_size=2000
        )
        _email_after_commit(notifications)
        result.notifications = len(notifications)
    return result


def next_step_reminder_sweep(*, now: dt.datetime | None = None) -> SweepResult:
    """Remind the rep once when an open opportunity's next step comes due."""
    now = now or timezone.now()
    result = SweepResult()
    with transaction.atomic():
        rows = _claim(
            "next_step_reminded_at = %s",
            "next_step_reminded_at IS NULL AND next_step_due_at IS NOT NULL "
            "AND next_step_due_at <= %s AND owner_id IS NOT NULL "
            "AND stage IN ('new', 'contacted', 'qualified', 'proposal')",
            [now, now],
            "id, owner_id, next_step",
        )
        result.claimed = len(rows)
        if not rows:
            return result
        per_recipient: dict[int, list[tuple[int, str]]] = {}
        events = []
        for pk, owner_id, step in rows:
            per_recipient.setdefault(owner_id, []).append((pk, step or ""))
            events.append(
                OpportunityEvent(
                    opportunity_id=pk, kind=OpportunityEvent.Kind.REMINDER, occurred_at=now
                )
            )
        OpportunityEvent.objects.bulk_create(events, batch_size=2000)
        notifications = Notification.objects.bulk_create(
            _notifications(per_recipient, REMINDER_TITLE, REMINDER_SUMMARY), batch_size=2000
        )
        _email_after_commit(notifications)
        result.notifications = len(notifications)
    return result
