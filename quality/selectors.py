"""Supervision's reads, permission-aware: the scope a user may see, and the figures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.models import Team, User
from accounts.roles import Role, has_role
from tickets.models import Queue

from .kpis.engine import Figure, KpiFilters, KpiResult, kpis_compute
from .kpis.formulas import FORMULAS
from .kpis.periods import period_bounds

ERROR_QUEUE = _("Unknown queue.")
ERROR_TEAM = _("Unknown team.")
ERROR_AGENT = _("Unknown agent.")


@dataclass(frozen=True)
class Scope:
    """None: everything; otherwise the ids the user may see."""

    queue_ids: frozenset[int] | None
    team_ids: frozenset[int] | None
    own_agent_id: int | None = None  # an agent: only their own figures

    @property
    def is_supervision(self) -> bool:
        return self.own_agent_id is None


def supervision_scope(*, user: User) -> Scope:
    if has_role(user, Role.ADMIN):
        return Scope(None, None)
    if has_role(user, Role.SUPERVISOR):
        teams = frozenset(
            Team.objects.filter(Q(members=user) | Q(lead=user)).values_list("pk", flat=True)
        )
        queues = frozenset(Queue.objects.filter(team_id__in=teams).values_list("pk", flat=True))
        return Scope(queues, teams)
    if has_role(user, Role.AGENT):
        return Scope(frozenset(), frozenset(), own_agent_id=user.pk)
    raise PermissionDenied


def scoped_ids(
    scope: Scope,
    *,
    queue_ids: tuple[int, ...],
    team_ids: tuple[int, ...],
    agent_ids: tuple[int, ...],
) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """The filters narrowed to the scope; an id outside it is refused like a missing one."""
    if scope.own_agent_id is not None:
        if any(a != scope.own_agent_id for a in agent_ids):
            raise ValidationError({"agent": ERROR_AGENT})
        if queue_ids or team_ids:
            # Agents read their own figures over every queue they worked.
            raise ValidationError({"queue": ERROR_QUEUE})
        return (), (), (scope.own_agent_id,)
    if scope.queue_ids is not None:
        if set(queue_ids) - scope.queue_ids:
            raise ValidationError({"queue": ERROR_QUEUE})
        if scope.team_ids is not None and set(team_ids) - scope.team_ids:
            raise ValidationError({"team": ERROR_TEAM})
        if not queue_ids:
            queue_ids = tuple(sorted(scope.queue_ids)) or (0,)
    else:
        if queue_ids and Queue.objects.filter(pk__in=queue_ids).count() != len(set(queue_ids)):
            raise ValidationError({"queue": ERROR_QUEUE})
        if team_ids and Team.objects.filter(pk__in=team_ids).count() != len(set(team_ids)):
            raise ValidationError({"team": ERROR_TEAM})
    if agent_ids and User.objects.filter(pk__in=agent_ids).count() != len(set(agent_ids)):
        raise ValidationError({"agent": ERROR_AGENT})
    return queue_ids, team_ids, agent_ids


def scope_queues(scope: Scope) -> list[Queue]:
    qs = Queue.objects.filter(is_active=True).select_related("team").order_by("name")
    if scope.queue_ids is not None:
        qs = qs.filter(pk__in=scope.queue_ids)
    return list(qs.prefetch_related("quality_thresholds"))


def kpi_filters_for(*, user: User, data: dict[str, Any]) -> KpiFilters:
    """The KPI filters a user asked for (validated data of the page's form or the API's
    query), narrowed to what they may see."""
    scope = supervision_scope(user=user)
    date_from, date_to = period_bounds(data.get("period"), data.get("from"), data.get("to"))
    one = lambda key: (data[key],) if data.get(key) else ()  # noqa: E731
    queue_ids, team_ids, agent_ids = scoped_ids(
        scope, queue_ids=one("queue"), team_ids=one("team"), agent_ids=one("agent")
    )
    group_by = data.get("group_by") or ""
    if scope.own_agent_id is not None and group_by in ("queue", "team", "agent"):
        group_by = ""
    return KpiFilters(
        date_from=date_from,
        date_to=date_to,
        queue_ids=queue_ids,
        team_ids=team_ids,
        agent_ids=agent_ids,
        channel=data.get("channel") or "",
        group_by=group_by,
    )


def kpis_for(*, user: User, data: dict[str, Any]) -> KpiResult:
    return kpis_compute(kpi_filters_for(user=user, data=data))


def kpi_result_data(result: KpiResult) -> dict[str, Any]:
    return {
        "from": result.filters.date_from,
        "to": result.filters.date_to,
        "group_by": result.filters.group_by,
        "kpis": [f.as_dict() for f in _ordered(result.figures)],
        "groups": [
            {
                "key": g["key"],
                "label": str(g["label"]),
                "kpis": [f.as_dict() for f in _ordered(g["figures"])],
            }
            for g in result.groups
        ],
    }


def _ordered(figures: dict[str, Figure]) -> list[Figure]:
    return [figures[k] for k in FORMULAS if k in figures]


def plan_queue_for(*, user: User, queue_id: int | None) -> Queue:
    scope = supervision_scope(user=user)
    if queue_id is None:
        first = next(iter(scope_queues(scope)), None) if scope.is_supervision else None
        if first is None:
            raise ValidationError({"queue": ERROR_QUEUE})
        return first
    # A queue one does not supervise is not found, as every object one may not see.
    if not scope.is_supervision or (
        scope.queue_ids is not None and queue_id not in scope.queue_ids
    ):
        raise Http404(ERROR_QUEUE)
    queue = Queue.objects.filter(pk=queue_id).first()
    if queue is None:
        raise Http404(ERROR_QUEUE)
    return queue
