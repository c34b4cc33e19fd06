"""The live figures, now: one aggregate over the active tickets, one over the waiting
calls, one for the agents; the queue, team and threshold rows. The count of queries does
not depend on the number of queues, agents or tickets (tests guard it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Min, Q
from django.utils import timezone

from accounts.models import Team, User
from telephony.models import PhoneCall
from tickets.models import AgentPresence, Queue, Ticket

from ..models import QueueThreshold
from ..selectors import Scope, scope_queues

BREACHING_WINDOW = dt.timedelta(hours=1)
CURRENT_CALL_WINDOW = dt.timedelta(hours=12)
METRICS = (
    "backlog",
    "new_today",
    "unassigned",
    "pending",
    "breaching",
    "breached",
    "oldest_minutes",
    "calls_waiting",
    "longest_wait_s",
)
# Without a threshold set by the admin, a breached ticket is already red.
DEFAULT_THRESHOLDS = {"breached": (1, 1)}
PENDING = (Ticket.Status.PENDING_CUSTOMER, Ticket.Status.PENDING_THIRD_PARTY)


def breached_q(now: dt.datetime) -> Q:
    return Q(status__in=Ticket.ACTIVE_STATUSES) & (
        Q(sla_breached_at__isnull=False) | Q(sla_next_due_at__lte=now)
    )


def metric_q(metric: str, now: dt.datetime) -> Q:
    """Which tickets a figure counts: the figure and its drill-down use the same Q."""
    active = Q(status__in=Ticket.ACTIVE_STATUSES)
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return {
        "backlog": active,
        "new_today": Q(created_at__gte=today),
        "unassigned": active & Q(assignee__isnull=True),
        "pending": Q(status__in=PENDING),
        "breaching": active
        & Q(sla_next_due_at__gt=now, sla_next_due_at__lte=now + BREACHING_WINDOW)
        & Q(sla_breached_at__isnull=True),
        "breached": breached_q(now),
        "oldest": Q(status__in=Ticket.RUNNING_STATUSES),
    }[metric]


@dataclass
class Cell:
    value: int | None
    level: str = ""  # "", "warning", "danger"


@dataclass
class Row:
    key: int
    name: str
    cells: dict[str, Cell] = field(default_factory=dict)
    queue_ids: list[int] = field(default_factory=list)


@dataclass
class AgentRow:
    user: User
    state: str  # present, away, offline
    presence: str
    load: int
    cap: int | None
    current_call: str | None


@dataclass
class LiveView:
    at: dt.datetime
    queues: list[Row]
    teams: list[Row]
    agents: list[AgentRow]


def _level(value: int | None, threshold: tuple[int, int] | None) -> str:
    if value is None or threshold is None:
        return ""
    warn, alert = threshold
    if value >= alert:
        return "danger"
    if value >= warn:
        return "warning"
    return ""


def live_view(*, scope: Scope, now: dt.datetime | None = None) -> LiveView:
    now = now or timezone.now()
    queues = scope_queues(scope)
    ids = [q.pk for q in queues]
    base = Ticket.objects.filter(queue_id__in=ids, merged_into__isnull=True)
    aggregates: dict[str, Any] = {
        name: Count("pk", filter=metric_q(name, now))
        for name in ("backlog", "new_today", "unassigned", "pending", "breaching", "breached")
    }
    aggregates["oldest"] = Min("created_at", filter=metric_q("oldest", now))
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    tickets = {
        r["queue_id"]: r
        for r in base.filter(Q(status__in=Ticket.ACTIVE_STATUSES) | Q(created_at__gte=today))
        .order_by()
        .values("queue_id")
        .annotate(**aggregates)
    }
    calls = {
        r["queue_id"]: r
        for r in PhoneCall.objects.filter(queue_id__in=ids, status__in=PhoneCall.WAITING_STATUSES)
        .order_by()
        .values("queue_id")
        .annotate(n=Count("pk"), first=Min("offered_at"))
    }
    rows: list[Row] = []
    teams: dict[int, Row] = {}
    for queue in queues:
        t = tickets.get(queue.pk, {})
        c = calls.get(queue.pk, {})
        oldest = t.get("oldest")
        first_call = c.get("first")
        values: dict[str, int | None] = {
            name: t.get(name, 0) for name in aggregates if name != "oldest"
        }
        values["oldest_minutes"] = int((now - oldest).total_seconds() // 60) if oldest else None
        values["calls_waiting"] = c.get("n", 0)
        values["longest_wait_s"] = int((now - first_call).total_seconds()) if first_call else None
        thresholds: dict[str, tuple[int, int]] = dict(DEFAULT_THRESHOLDS)
        for th in queue.quality_thresholds.all():  # reverse FK of quality
            thresholds[th.metric] = (th.warn_at, th.alert_at)
        row = Row(queue.pk, queue.name, queue_ids=[queue.pk])
        for name in METRICS:
            row.cells[name] = Cell(values[name], _level(values[name], thresholds.get(name)))
        rows.append(row)
        team = teams.setdefault(queue.team_id, Row(queue.team_id, queue.team.name))
        team.queue_ids.append(queue.pk)
        for name in METRICS:
            cell = team.cells.setdefault(name, Cell(None))
            value = values[name]
            if value is None:
                continue
            if name in ("oldest_minutes", "longest_wait_s"):
                cell.value = max(cell.value or 0, value)
            else:
                cell.value = (cell.value or 0) + value
            if _rank(row.cells[name].level) > _rank(cell.level):
                cell.level = row.cells[name].level
    return LiveView(now, rows, sorted(teams.values(), key=lambda r: r.name), _agents(scope, queues))


def _rank(level: str) -> int:
    return {"": 0, "warning": 1, "danger": 2}[level]


def _agents(scope: Scope, queues: list[Queue]) -> list[AgentRow]:
    team_ids = {q.team_id for q in queues}
    caps: dict[int, int] = {}
    for q in queues:
        caps[q.team_id] = min(caps.get(q.team_id, q.agent_open_ticket_cap), q.agent_open_ticket_cap)
    members = Team.members.through.objects.filter(team_id__in=team_ids).values_list(
        "user_id", "team_id"
    )
    agent_caps: dict[int, int] = {}
    for user_id, team_id in members:
        agent_caps[user_id] = min(agent_caps.get(user_id, caps[team_id]), caps[team_id])
    users = list(
        User.objects.filter(pk__in=agent_caps, is_active=True)
        .select_related("presence")
        .order_by("last_name", "first_name", "pk")
    )
    ids = [u.pk for u in users]
    # Separate grouped reads (each on its own index) rather than one join per agent: a
    # Count over assigned_tickets joined every ticket an agent ever held.
    loads = dict(
        Ticket.objects.filter(assignee_id__in=ids, status__in=Ticket.ACTIVE_STATUSES)
        .order_by()
        .values_list("assignee_id")
        .annotate(n=Count("pk"))
    )
    # A call still in progress began in the last hours: the (agent, offered_at) index.
    since = timezone.now() - CURRENT_CALL_WINDOW
    current: dict[int, str] = {}
    for agent_id, number in (
        PhoneCall.objects.filter(
            agent_id__in=ids, offered_at__gte=since, status__in=PhoneCall.ACTIVE_STATUSES
        )
        .order_by("offered_at")
        .values_list("agent_id", "caller_number")
    ):
        current[agent_id] = number or "?"
    out = []
    for user in users:
        presence: Any = getattr(user, "presence", None) if _has_presence(user) else None
        status = presence.status if presence else ""
        state = (
            "offline"
            if presence is None
            else "away"
            if status == AgentPresence.Status.AWAY
            else "present"
        )
        out.append(
            AgentRow(
                user,
                state,
                status,
                loads.get(user.pk, 0),
                agent_caps.get(user.pk),
                current.get(user.pk),
            )
        )
    return out


def _has_presence(user: User) -> bool:
    try:
        return user.presence is not None
    except AgentPresence.DoesNotExist:
        return False


def threshold_metrics() -> list[str]:
    return list(QueueThreshold.Metric.values)


def agent_load(user_id: int) -> tuple[int, int | None]:
    """One agent's open load and cap, by the live view's rule: active tickets assigned to
    them, against the smallest open-ticket cap of their teams' active queues."""
    cap = Queue.objects.filter(team__members=user_id, is_active=True).aggregate(
        cap=Min("agent_open_ticket_cap")
    )["cap"]
    load = Ticket.objects.filter(assignee_id=user_id, status__in=Ticket.ACTIVE_STATUSES).count()
    return load, cap
