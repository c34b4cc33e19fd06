"""The KPIs over a period, in SQL: counts and sums over the ticket facts, the tickets
and the calls, grouped by queue, team, agent, channel, day or week.

Attribution (docs/supervision.md): a time figure belongs to the period of its end event
(first response, resolution); an SLA outcome to the moment it was decided (met: when
done; missed: when due); backlog is read at the end of the period. Tickets count under
their current queue and assignee; merged tickets (duplicates) are left out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate, TruncWeek
from django.utils import timezone

from telephony.models import PhoneCall
from tickets.models import Ticket

from .. import registry
from ..models import KpiSettings, PresenceSpan, TicketFact
from . import buckets
from .formulas import FORMULAS
from .labels import group_labels, key_out
from .percentiles import grouped_percentiles

GROUP_BY = ("queue", "team", "agent", "channel", "day", "week")
PRESENT = ("available", "busy")


@dataclass(frozen=True)
class KpiFilters:
    date_from: dt.date
    date_to: dt.date  # inclusive
    queue_ids: tuple[int, ...] = ()
    team_ids: tuple[int, ...] = ()
    agent_ids: tuple[int, ...] = ()
    channel: str = ""
    group_by: str = ""

    @property
    def start(self) -> dt.datetime:
        zone = timezone.get_current_timezone()
        return dt.datetime.combine(self.date_from, dt.time.min, tzinfo=zone)

    @property
    def end(self) -> dt.datetime:
        zone = timezone.get_current_timezone()
        return dt.datetime.combine(self.date_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone)


@dataclass
class Figure:
    id: str
    value: float | None
    numerator: float | None
    denominator: float | None

    @property
    def formula(self) -> Any:
        return FORMULAS[self.id]

    def as_dict(self) -> dict[str, Any]:
        f = self.formula
        return {
            "id": self.id,
            "label": str(f.label),
            "value": self.value,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "formula_id": f.id,
            "formula": str(f.text),
            "unit": f.unit,
        }


@dataclass
class KpiResult:
    filters: KpiFilters
    figures: dict[str, Figure]
    groups: list[dict[str, Any]] = field(default_factory=list)


def _ratio(num: float | None, den: float | None) -> float | None:
    if not den:
        return None
    return (num or 0) / den


def _time_key(kind: str, path: str) -> Any:
    zone = timezone.get_current_timezone()
    if kind == "day":
        return TruncDate(path, tzinfo=zone)
    return TruncWeek(path, tzinfo=zone)  # a datetime: _grouped makes it the local Monday


TICKET_DIMS = {
    "queue": "queue_id",
    "team": "queue__team_id",
    "agent": "assignee_id",
    "channel": "channel",
}
CALL_DIMS = {"queue": "queue_id", "team": "queue__team_id", "agent": "agent_id"}


def _ticket_key(f: KpiFilters, prefix: str, time_field: str) -> Any:
    if not f.group_by:
        return None
    if f.group_by in ("day", "week"):
        return _time_key(f.group_by, time_field)
    return F(prefix + TICKET_DIMS[f.group_by])


def _call_key(f: KpiFilters) -> Any:
    if not f.group_by:
        return None
    if f.group_by in ("day", "week"):
        return _time_key(f.group_by, "offered_at")
    if f.group_by == "channel":
        return Value("phone")
    return F(CALL_DIMS[f.group_by])


def _scope_tickets(qs: QuerySet[Any], f: KpiFilters, prefix: str) -> QuerySet[Any]:
    if f.queue_ids:
        qs = qs.filter(**{f"{prefix}queue_id__in": f.queue_ids})
    if f.team_ids:
        qs = qs.filter(**{f"{prefix}queue__team_id__in": f.team_ids})
    if f.agent_ids:
        qs = qs.filter(**{f"{prefix}assignee_id__in": f.agent_ids})
    if f.channel:
        qs = qs.filter(**{f"{prefix}channel": f.channel})
    return qs


def _scope_calls(f: KpiFilters) -> QuerySet[PhoneCall]:
    qs = PhoneCall.objects.filter(
        direction=PhoneCall.Direction.INBOUND, offered_at__gte=f.start, offered_at__lt=f.end
    )
    if f.channel and f.channel != Ticket.Channel.PHONE:
        return qs.none()
    if f.queue_ids:
        qs = qs.filter(queue_id__in=f.queue_ids)
    if f.team_ids:
        qs = qs.filter(queue__team_id__in=f.team_ids)
    if f.agent_ids:
        qs = qs.filter(agent_id__in=f.agent_ids)
    return qs


def _grouped(qs: QuerySet[Any], key: Any, **aggregates: Any) -> dict[Any, dict[str, Any]]:
    qs = qs.order_by()
    if key is None:
        return {None: qs.aggregate(**aggregates)}
    rows = qs.annotate(g=key).values("g").annotate(**aggregates)
    return {buckets.local_date(row["g"]): row for row in rows}


Table = dict[Any, dict[str, Figure]]


def _put(table: Table, group: Any, figure: Figure) -> None:
    table.setdefault(group, {})[figure.id] = figure


def _ticket_figures(f: KpiFilters, settings: KpiSettings, table: Table) -> None:
    now = timezone.now()
    start, end = f.start, f.end
    decided_end = min(end, now)
    facts = _scope_tickets(TicketFact.objects.filter(merged=False), f, "ticket__")
    tickets = _scope_tickets(Ticket.objects.filter(merged_into__isnull=True), f, "")

    created = tickets.filter(created_at__gte=start, created_at__lt=end)
    for g, row in _grouped(created, _ticket_key(f, "", "created_at"), n=Count("pk")).items():
        _put(table, g, Figure("tickets_created", row["n"] or 0, row["n"] or 0, None))

    for field_name, at, ids in (
        ("first_response_s", "first_response_at", ("first_response_median", "first_response_p90")),
        ("resolution_s", "resolved_at", ("resolution_median", "resolution_p90")),
    ):
        period = facts.filter(**{f"{at}__gte": start, f"{at}__lt": end})
        key = _ticket_key(f, "ticket__", at)
        for g, (n, (median, p90)) in grouped_percentiles(
            period, key, field_name, (0.5, 0.9)
        ).items():
            g = buckets.local_date(g)
            _put(table, g, Figure(ids[0], median, None, n))
            _put(table, g, Figure(ids[1], p90, None, n))

    for kpi, at, met in (
        ("sla_first_response", "fr_sla_at", "fr_sla_met"),
        ("sla_resolution", "res_sla_at", "res_sla_met"),
    ):
        decided = facts.filter(
            **{f"{at}__gte": start, f"{at}__lt": decided_end, f"{met}__isnull": False}
        )
        rows = _grouped(
            decided,
            _ticket_key(f, "ticket__", at),
            den=Count("pk"),
            num=Count("pk", filter=Q(**{met: True})),
        )
        for g, row in rows.items():
            if row["den"]:
                _put(table, g, Figure(kpi, _ratio(row["num"], row["den"]), row["num"], row["den"]))

    resolved = facts.filter(resolved_at__gte=start, resolved_at__lt=end)
    window = dt.timedelta(days=settings.fcr_window_days)
    repeat = (
        Ticket.objects.filter(
            created_at__gt=OuterRef("resolved_at"),
            created_at__lte=ExpressionWrapper(
                OuterRef("resolved_at") + window, output_field=DateTimeField()
            ),
        )
        .exclude(pk=OuterRef("ticket_id"))
        .annotate(topic=Coalesce("category_id", Value(0)))
        .filter(
            Q(follow_up_of_id=OuterRef("ticket_id"))
            | Q(
                contact_id=OuterRef("ticket__contact_id"),
                topic=Coalesce(OuterRef("ticket__category_id"), Value(0)),
            )
        )
    )
    rows = _grouped(
        resolved.annotate(repeated=Exists(repeat)),
        _ticket_key(f, "ticket__", "resolved_at"),
        den=Count("pk"),
        reopened=Count("pk", filter=Q(ticket__reopened_count__gt=0)),
        fcr=Count("pk", filter=Q(ticket__reopened_count=0, repeated=False)),
    )
    for g, row in rows.items():
        if row["den"]:
            _put(
                table,
                g,
                Figure(
                    "reopen_rate", _ratio(row["reopened"], row["den"]), row["reopened"], row["den"]
                ),
            )
            _put(table, g, Figure("fcr", _ratio(row["fcr"], row["den"]), row["fcr"], row["den"]))

    if f.group_by not in ("day", "week"):  # per day or week: _bucket_backlog
        at_end = min(end, now)
        open_at_end = tickets.filter(created_at__lt=at_end).exclude(
            Q(resolved_at__lt=at_end) | Q(closed_at__lt=at_end)
        )
        key = _ticket_key(f, "", "created_at")
        for g, row in _grouped(open_at_end, key, n=Count("pk")).items():
            _put(table, g, Figure("backlog", row["n"] or 0, row["n"] or 0, None))


def _call_figures(f: KpiFilters, settings: KpiSettings, table: Table) -> None:
    threshold = settings.abandon_threshold_s
    sl_t = settings.service_level_s
    short = Q(outcome=PhoneCall.Outcome.ABANDONED, wait_seconds__lt=threshold)
    calls = _scope_calls(f).exclude(short)
    answered = Q(answered_at__isnull=False)
    handled = answered & Q(status=PhoneCall.Status.ENDED)
    rows = _grouped(
        calls,
        _call_key(f),
        offered=Count("pk"),
        answered=Count("pk", filter=answered),
        abandoned=Count("pk", filter=Q(outcome=PhoneCall.Outcome.ABANDONED)),
        within=Count("pk", filter=answered & Q(wait_seconds__lte=sl_t)),
        handled=Count("pk", filter=handled),
        handling=Sum(
            F("talk_seconds") + F("hold_seconds") + F("after_call_seconds"), filter=handled
        ),
    )
    for g, row in rows.items():
        offered = row["offered"] or 0
        if not offered:
            continue
        _put(table, g, Figure("calls_offered", offered, offered, None))
        _put(table, g, Figure("calls_answered", row["answered"], row["answered"], None))
        _put(table, g, Figure("calls_abandoned", row["abandoned"], row["abandoned"], None))
        _put(
            table,
            g,
            Figure("abandon_rate", _ratio(row["abandoned"], offered), row["abandoned"], offered),
        )
        _put(
            table,
            g,
            Figure("service_level", _ratio(row["within"], offered), row["within"], offered),
        )
        handling = row["handling"] or 0
        if row["handled"]:
            _put(
                table, g, Figure("aht", _ratio(handling, row["handled"]), handling, row["handled"])
            )


def _available_seconds(f: KpiFilters, agent_ids: set[int] | None) -> dict[int, float]:
    """Present (available or busy) seconds per agent within the period. Spans are few
    per agent and day, so they are clipped in Python."""
    now = timezone.now()
    end = min(f.end, now)
    spans = PresenceSpan.objects.filter(status__in=PRESENT, started_at__lt=end).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gt=f.start)
    )
    if agent_ids is not None:
        spans = spans.filter(user_id__in=agent_ids)
    out: dict[int, float] = {}
    for user_id, started_at, ended_at in spans.values_list("user_id", "started_at", "ended_at"):
        begin = max(started_at, f.start)
        finish = min(ended_at or end, end)
        if finish > begin:
            out[user_id] = out.get(user_id, 0.0) + (finish - begin).total_seconds()
    return out


def _occupancy(f: KpiFilters, table: Table) -> None:
    if f.channel and f.channel != Ticket.Channel.PHONE:
        return
    from accounts.models import Team

    calls = _scope_calls(f).filter(answered_at__isnull=False, agent_id__isnull=False)
    handling = dict(
        calls.order_by()
        .values_list("agent_id")
        .annotate(h=Sum(F("talk_seconds") + F("hold_seconds") + F("after_call_seconds")))
    )
    agents: set[int] | None = set(f.agent_ids) if f.agent_ids else None
    members: dict[int, set[int]] = {}
    if f.team_ids or f.queue_ids or f.group_by in ("team", "queue"):
        teams = Team.objects.all()
        if f.team_ids:
            teams = teams.filter(pk__in=f.team_ids)
        if f.queue_ids:
            teams = teams.filter(queues__in=f.queue_ids)
        for team_id, user_id in teams.values_list("pk", "members"):
            if user_id:
                members.setdefault(team_id, set()).add(user_id)
        team_members = set().union(*members.values()) if members else set()
        agents = team_members if agents is None else agents & team_members
    if f.group_by in ("day", "week"):
        _occupancy_by_bucket(f, table, calls, agents)
        return
    available = _available_seconds(f, agents)

    def put(group: Any, user_ids: set[int] | None) -> None:
        ids = set(available) if user_ids is None else user_ids
        den = sum(available.get(u, 0.0) for u in ids)
        num = float(sum(handling.get(u, 0) or 0 for u in ids))
        if den:
            _put(table, group, Figure("occupancy", num / den, num, den))

    put(None if not f.group_by else "phone" if f.group_by == "channel" else None, agents)
    if f.group_by == "agent":
        table.pop(None, None)
        for user_id in set(available):
            put(user_id, {user_id})
    elif f.group_by == "team":
        table.pop(None, None)
        for team_id, ids in members.items():
            put(team_id, ids)
    elif f.group_by == "queue":
        table.pop(None, None)
        from tickets.models import Queue

        for queue_id, team_id in Queue.objects.filter(team_id__in=members).values_list(
            "pk", "team_id"
        ):
            put(queue_id, members[team_id])


def _bucket_backlog(f: KpiFilters, table: Table) -> None:
    """Each day's or week's backlog, read at its end."""
    tickets = _scope_tickets(Ticket.objects.filter(merged_into__isnull=True), f, "")
    spans = buckets.buckets(f.group_by, f.date_from, f.date_to, timezone.now())
    for g, n in buckets.backlog_by_bucket(tickets, spans).items():
        _put(table, g, Figure("backlog", n, n, None))


def _occupancy_by_bucket(
    f: KpiFilters, table: Table, calls: QuerySet[PhoneCall], agents: set[int] | None
) -> None:
    """Handling of the agents in scope in each day or week / their present time in it."""
    spans = buckets.buckets(f.group_by, f.date_from, f.date_to, timezone.now())
    if agents is not None:
        calls = calls.filter(agent_id__in=agents)
    handling = buckets.handling_by_bucket(calls, _call_key(f))
    for g, den in buckets.present_by_bucket(spans, agents).items():
        num = handling.get(g, 0.0)
        _put(table, g, Figure("occupancy", num / den, num, den))


def _satisfaction(f: KpiFilters, table: Table) -> None:
    if not registry.has_satisfaction_source():
        return
    groups: list[tuple[Any, dict[str, Any], dt.date, dt.date]] = []
    base = {
        "queue_ids": f.queue_ids or None,
        "team_ids": f.team_ids or None,
        "agent_ids": f.agent_ids or None,
        "channel": f.channel or None,
    }
    if not f.group_by:
        groups.append((None, base, f.date_from, f.date_to))
    else:
        for g in list(table):
            if g is None:
                continue
            narrowed = dict(base)
            d_from, d_to = f.date_from, f.date_to
            if f.group_by in ("queue", "team", "agent"):
                narrowed[f"{f.group_by}_ids"] = (g,)
            elif f.group_by == "channel":
                narrowed["channel"] = g
            elif isinstance(g, dt.date):
                d_from = max(g, f.date_from)
                d_to = min(g + dt.timedelta(days=0 if f.group_by == "day" else 6), f.date_to)
            groups.append((g, narrowed, d_from, d_to))
    for g, filters, d_from, d_to in groups:
        s = registry.satisfaction(d_from, d_to, **filters)
        if s["csat_responses"]:
            _put(
                table,
                g,
                Figure(
                    "csat",
                    s["csat_satisfied"] / s["csat_responses"],
                    s["csat_satisfied"],
                    s["csat_responses"],
                ),
            )
        if s["nps_responses"]:
            score = 100.0 * (s["promoters"] - s["detractors"]) / s["nps_responses"]
            _put(
                table, g, Figure("nps", score, s["promoters"] - s["detractors"], s["nps_responses"])
            )


def _table(f: KpiFilters, settings: KpiSettings) -> Table:
    table: Table = {}
    _ticket_figures(f, settings, table)
    _call_figures(f, settings, table)
    by_time = f.group_by in ("day", "week")
    if not by_time:
        _occupancy(f, table)
    # Satisfaction is asked per group: the days and weeks with tickets or calls, not
    # every day a backlog or a presence makes a group of (one source call per group).
    _satisfaction(f, table)
    if by_time:
        _occupancy(f, table)
        _bucket_backlog(f, table)
    return table


def kpis_compute(filters: KpiFilters) -> KpiResult:
    settings = KpiSettings.current()
    overall_filters = KpiFilters(**{**filters.__dict__, "group_by": ""})
    overall = _table(overall_filters, settings).get(None, {})
    result = KpiResult(filters=filters, figures=overall)
    if filters.group_by:
        table = _table(filters, settings)
        table.pop(None, None)
        labels = group_labels(filters.group_by, list(table))
        for g in sorted(table, key=lambda k: str(labels.get(k, k)) if k is not None else ""):
            result.groups.append(
                {"key": key_out(g), "label": labels.get(g, str(g)), "figures": table[g]}
            )
        if filters.group_by in ("day", "week"):
            result.groups.sort(key=lambda r: str(r["key"]))
    return result
