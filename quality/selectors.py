"""Supervision's reads, permission-aware: the scope a user may see, and the figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Team, User
from accounts.roles import Role, has_role
from tickets.models import Queue

from .kpis.engine import Figure, KpiFilters, KpiResult, kpis_compute
from .kpis.formulas import FORMULAS
from .kpis.periods import period_bounds
from .models import Shift

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


@dataclass(frozen=True)
class ShiftFilters:
    """The rota's filters (the page and GET /api/v1/shifts/ build the same object).
    `queue`: the shifts serving that queue (on it, or team-wide on its team)."""

    agent_id: int | None = None
    team_id: int | None = None
    queue_id: int | None = None
    date_from: dt.date | None = None  # shifts ending on or after this day
    date_to: dt.date | None = None  # shifts starting on or before this day


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def shifts_visible_to(*, user: User) -> QuerySet[Shift]:
    """Admins: every shift; supervisors: their teams'; agents: their own; others: 403."""
    scope = supervision_scope(user=user)
    qs = Shift.objects.select_related("agent", "team", "queue")
    if scope.own_agent_id is not None:
        return qs.filter(agent_id=scope.own_agent_id)
    if scope.team_ids is not None:
        return qs.filter(team_id__in=scope.team_ids)
    return qs


def shift_list(*, user: User, filters: ShiftFilters) -> QuerySet[Shift]:
    qs = shifts_visible_to(user=user)
    if filters.agent_id:
        qs = qs.filter(agent_id=filters.agent_id)
    if filters.team_id:
        qs = qs.filter(team_id=filters.team_id)
    if filters.queue_id:
        team_id = Queue.objects.filter(pk=filters.queue_id).values_list("team_id", flat=True)
        qs = qs.filter(Q(queue_id=filters.queue_id) | Q(queue__isnull=True, team_id__in=team_id))
    if filters.date_from:
        qs = qs.filter(ends_at__gt=_day_start(filters.date_from))
    if filters.date_to:
        qs = qs.filter(starts_at__lt=_day_start(filters.date_to + dt.timedelta(days=1)))
    return qs.order_by("starts_at", "agent_id", "pk")


def shift_get_for_user(*, user: User, pk: int) -> Shift:
    """A shift the user may see, or 404."""
    shift = shifts_visible_to(user=user).filter(pk=pk).first()
    if shift is None:
        raise Http404
    return shift


def rota_teams(*, user: User) -> list[Team]:
    """The teams a user schedules (supervisors: theirs; admins: every team with queues)."""
    scope = supervision_scope(user=user)
    if not scope.is_supervision:
        return []
    teams = Team.objects.order_by("name")
    if scope.team_ids is not None:
        return list(teams.filter(pk__in=scope.team_ids))
    return list(teams.filter(queues__isnull=False).distinct())


def rota_agents(*, teams: list[Team]) -> QuerySet[User]:
    """The active members of those teams: who may be scheduled."""
    return (
        User.objects.filter(is_active=True, teams__in=teams)
        .distinct()
        .order_by("first_name", "last_name", "email")
    )


def shift_targets(
    *, agent_id: int | None, team_id: int | None, queue_id: int | None
) -> dict[str, Any]:
    """The agent, team and queue an API body names, as objects; an unknown id is a 400 on
    its field (whether the actor schedules that team is the service's check)."""
    found: dict[str, Any] = {}
    errors: dict[str, Any] = {}
    for name, model, pk, message in (
        ("agent", User, agent_id, ERROR_AGENT),
        ("team", Team, team_id, ERROR_TEAM),
        ("queue", Queue, queue_id, ERROR_QUEUE),
    ):
        if pk is None:
            continue
        obj = model.objects.filter(pk=pk).first()
        if obj is None:
            errors[name] = message
        found[name] = obj
    if errors:
        raise ValidationError(errors)
    return found


MY_FIGURES = ("first_response_median", "sla_first_response", "sla_resolution")


def my_figures(*, user: User) -> dict[str, Any]:
    """An agent's own figures for their workspace: today and this week, computed by the
    KPI engine forced to agent=them (two runs of it), and their open load against cap.
    Tickets resolved is the engine's resolution-time count (its denominator); CSAT shows
    only when a satisfaction source is registered, as everywhere else."""
    from . import registry
    from .live.figures import agent_load

    today = timezone.localdate()
    ids = MY_FIGURES + (("csat",) if registry.has_satisfaction_source() else ())
    periods = []
    for key, start in (("today", today), ("week", today - dt.timedelta(days=today.weekday()))):
        result = kpis_compute(KpiFilters(date_from=start, date_to=today, agent_ids=(user.pk,)))
        periods.append((key, result.figures))
    rows = [
        {
            "id": "resolved",
            "label": _("Tickets resolved"),
            "cells": [
                {
                    "period": key,
                    "value": int(figures["resolution_median"].denominator or 0)
                    if "resolution_median" in figures
                    else 0,
                }
                for key, figures in periods
            ],
        }
    ]
    for kpi in ids:
        rows.append(
            {
                "id": kpi,
                "label": FORMULAS[kpi].label,
                "cells": [
                    {"period": key, "figure": figures[kpi].as_dict() if kpi in figures else None}
                    for key, figures in periods
                ],
            }
        )
    load, cap = agent_load(user.pk)
    return {
        "periods": [key for key, _figures in periods],
        "rows": rows,
        "load": load,
        "cap": cap,
        "over_cap": cap is not None and load >= cap,
    }
