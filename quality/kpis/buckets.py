"""Backlog and occupancy per day or week (the engine's `group_by="day"|"week"`).

- Backlog of a day or week is read at its end (or now, for the current one; the period's
  end when the period ends inside it), as the period's backlog is: one query, one
  filtered COUNT per bucket over the tickets open at some point of the period.
- Occupancy of a day or week: handling seconds of the calls offered in it (one grouped
  query) / present seconds of the agents in scope within it (their presence spans,
  fetched once and cut at the buckets' bounds in Python; spans are few per agent-day).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from ..models import PresenceSpan

PRESENT = ("available", "busy")


def local_date(value: Any) -> Any:
    """A day or week group key as the local date it starts: TruncWeek gives a datetime
    (aware on PostgreSQL, whose TruncDate of it is the UTC day: Sunday in Paris)."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(timezone.get_current_timezone())
        return value.date()
    return value


def buckets(
    group_by: str, date_from: dt.date, date_to: dt.date, now: dt.datetime
) -> list[tuple[dt.date, dt.datetime, dt.datetime]]:
    """(key, start, end) of each day or ISO week of the period, clipped to the period and
    to now; buckets that have not begun are left out."""
    zone = timezone.get_current_timezone()
    start_of = lambda day: dt.datetime.combine(day, dt.time.min, tzinfo=zone)  # noqa: E731
    period_start, period_end = start_of(date_from), start_of(date_to + dt.timedelta(days=1))
    step = dt.timedelta(days=1 if group_by == "day" else 7)
    key = date_from if group_by == "day" else date_from - dt.timedelta(days=date_from.weekday())
    out = []
    while key <= date_to:
        begin = max(start_of(key), period_start)
        end = min(start_of(key + step), period_end, now)
        if begin < end:
            out.append((key, begin, end))
        key += step
    return out


def backlog_by_bucket(
    tickets: QuerySet[Any], spans: list[tuple[dt.date, dt.datetime, dt.datetime]]
) -> dict[dt.date, int]:
    if not spans:
        return {}
    first, last = spans[0][1], spans[-1][2]
    # Open at some moment of the period: created before its end, not done before its start.
    candidates = tickets.filter(created_at__lt=last).exclude(
        Q(resolved_at__lt=first) | Q(closed_at__lt=first)
    )
    aggregates = {
        f"b{i}": Count(
            "pk",
            filter=Q(created_at__lt=end)
            & (Q(resolved_at__isnull=True) | Q(resolved_at__gte=end))
            & (Q(closed_at__isnull=True) | Q(closed_at__gte=end)),
        )
        for i, (_key, _begin, end) in enumerate(spans)
    }
    row = candidates.order_by().aggregate(**aggregates)
    return {key: row[f"b{i}"] or 0 for i, (key, _b, _e) in enumerate(spans)}


def present_by_bucket(
    spans: list[tuple[dt.date, dt.datetime, dt.datetime]], agent_ids: Iterable[int] | None
) -> dict[dt.date, float]:
    if not spans:
        return {}
    first, last = spans[0][1], spans[-1][2]
    rows = PresenceSpan.objects.filter(status__in=PRESENT, started_at__lt=last).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gt=first)
    )
    if agent_ids is not None:
        rows = rows.filter(user_id__in=list(agent_ids))
    ends = [end for _key, _begin, end in spans]
    out: dict[dt.date, float] = {}
    for started_at, ended_at in rows.values_list("started_at", "ended_at"):
        # Only the buckets this span touches: the first one ending after it starts, on.
        i = bisect.bisect_right(ends, started_at)
        while i < len(spans) and spans[i][1] < (ended_at or last):
            key, begin, end = spans[i]
            overlap = (min(ended_at or end, end) - max(started_at, begin)).total_seconds()
            if overlap > 0:
                out[key] = out.get(key, 0.0) + overlap
            i += 1
    return out


def handling_by_bucket(calls: QuerySet[Any], key: Any) -> dict[dt.date, float]:
    rows = (
        calls.order_by()
        .annotate(g=key)
        .values_list("g")
        .annotate(h=Sum(F("talk_seconds") + F("hold_seconds") + F("after_call_seconds")))
    )
    out: dict[dt.date, float] = {}
    for g, h in rows:
        day = local_date(g)
        out[day] = out.get(day, 0.0) + float(h or 0)
    return out
