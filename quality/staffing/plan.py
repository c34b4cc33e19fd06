"""A week's staffing plan for a queue: for each weekday and interval, the contacts
expected (the mean of the same weekday and interval over the last N weeks, plus the
surges campaigns announce), the queue's AHT over those weeks, and Erlang C.

The history is counted in SQL (calls grouped by ISO weekday, hour and interval slot in
the desk's time zone); only the 7 x 96 counts reach Python.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, IntegerField, Q, Sum
from django.db.models.expressions import ExpressionWrapper, Value
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, ExtractMinute
from django.utils import timezone

from telephony.models import PhoneCall

from .. import registry
from ..models import KpiSettings, ShrinkageFactor
from .erlang import ErlangResult, compound_shrinkage, erlang_c

DEFAULT_AHT_S = 180
INTERVALS = (900, 1800)


@dataclass(frozen=True)
class PlanRow:
    day: dt.date
    start: dt.time
    contacts: float
    result: ErlangResult


@dataclass(frozen=True)
class Plan:
    queue_id: int
    week_start: dt.date
    interval_s: int
    weeks: int
    aht_s: float
    target_sl: float
    target_s: int
    shrinkage: float
    rows: list[PlanRow]


def current_shrinkage() -> float:
    factors = ShrinkageFactor.objects.filter(is_active=True).values_list("percent", flat=True)
    return compound_shrinkage(float(Decimal(p) / 100) for p in factors)


def staffing_plan(
    *, queue_id: int, week_start: dt.date, interval_s: int = 1800, weeks: int = 4
) -> Plan:
    if interval_s not in INTERVALS:
        raise ValueError("interval must be 900 or 1800 seconds")
    week_start = week_start - dt.timedelta(days=week_start.weekday())
    zone = timezone.get_current_timezone()
    since = dt.datetime.combine(week_start - dt.timedelta(weeks=weeks), dt.time.min, tzinfo=zone)
    until = dt.datetime.combine(week_start, dt.time.min, tzinfo=zone)
    settings = KpiSettings.current()
    history = PhoneCall.objects.filter(
        queue_id=queue_id,
        direction=PhoneCall.Direction.INBOUND,
        offered_at__gte=since,
        offered_at__lt=until,
    ).exclude(outcome=PhoneCall.Outcome.ABANDONED, wait_seconds__lt=settings.abandon_threshold_s)
    slot_minutes = interval_s // 60
    counts = (
        history.order_by()
        .annotate(
            dow=ExtractIsoWeekDay("offered_at", tzinfo=zone),
            hour=ExtractHour("offered_at", tzinfo=zone),
            slot=ExpressionWrapper(
                ExtractMinute("offered_at", tzinfo=zone) / Value(slot_minutes),
                output_field=IntegerField(),
            ),
        )
        .values_list("dow", "hour", "slot")
        .annotate(n=Count("pk"))
    )
    expected: dict[tuple[int, int], float] = {}
    for dow, hour, slot, n in counts:
        minute = hour * 60 + int(slot) * slot_minutes
        expected[(int(dow) - 1, minute)] = expected.get((int(dow) - 1, minute), 0) + n / weeks
    handled = history.filter(answered_at__isnull=False, status=PhoneCall.Status.ENDED).aggregate(
        n=Count("pk", filter=Q(answered_at__isnull=False)),
        s=Sum(F("talk_seconds") + F("hold_seconds") + F("after_call_seconds")),
    )
    aht = (handled["s"] or 0) / handled["n"] if handled["n"] else DEFAULT_AHT_S
    aht = max(aht, 1.0)
    surges = registry.surges(queue_id, week_start, week_start + dt.timedelta(days=6))
    for day, extra in surges.items():
        if not extra:  # a source may list quiet days with 0: nothing to add
            continue
        weekday = day.weekday()
        profile = {m: v for (d, m), v in expected.items() if d == weekday}
        total = sum(profile.values())
        if total:
            for minute, v in profile.items():
                expected[(weekday, minute)] += extra * v / total
        else:  # no history that day: spread over the working day, 09:00-18:00
            slots = range(9 * 60, 18 * 60, slot_minutes)
            for minute in slots:
                expected[(weekday, minute)] = expected.get((weekday, minute), 0) + extra / len(
                    slots
                )
    shrinkage = current_shrinkage()
    target_sl = settings.service_level_target / 100
    rows = []
    for (weekday, minute), contacts in sorted(expected.items()):
        result = erlang_c(
            contacts=contacts,
            interval_s=interval_s,
            aht_s=aht,
            target_sl=target_sl,
            target_s=settings.service_level_s,
            shrinkage=shrinkage,
        )
        rows.append(
            PlanRow(
                week_start + dt.timedelta(days=weekday),
                dt.time(minute // 60, minute % 60),
                contacts,
                result,
            )
        )
    return Plan(
        queue_id,
        week_start,
        interval_s,
        weeks,
        aht,
        target_sl,
        settings.service_level_s,
        shrinkage,
        rows,
    )
