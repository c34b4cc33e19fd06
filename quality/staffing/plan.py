"""A week's staffing plan for a queue: for each weekday and interval, the contacts
expected (the mean of the same weekday and interval over the last N weeks, plus the
surges campaigns announce), the queue's AHT over those weeks, and Erlang C.

The history is counted in SQL (calls grouped by ISO weekday, hour and interval slot in
the desk's time zone); only the 7 x 96 counts reach Python.

Against the need, the agents scheduled (the rota, `Shift`): the week's shifts serving
the queue (on it, or team-wide on its team) are fetched in one query and spread over the
intervals in Python: a shift counts for the fraction of each interval it covers, times
(length - break) / length (its break taken pro rata over the shift, since the rota does
not say when). The gap is scheduled - agents needed (Erlang C, before shrinkage: the
breaks the rota knows are already taken off the scheduled side).
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
from ..models import KpiSettings, Shift, ShrinkageFactor
from .erlang import ErlangResult, compound_shrinkage, erlang_c

DEFAULT_AHT_S = 180
INTERVALS = (900, 1800)


@dataclass(frozen=True)
class PlanRow:
    day: dt.date
    start: dt.time
    contacts: float
    result: ErlangResult
    scheduled: float = 0.0

    @property
    def needed(self) -> int:
        return self.result.agents

    @property
    def gap(self) -> float:
        """Scheduled - needed: negative when short of agents."""
        return round(self.scheduled - self.result.agents, 2)

    @property
    def level(self) -> str:
        """The gap's colour: red when short, amber when two or more agents over."""
        if self.gap < -0.05:
            return "danger"
        if self.gap >= 2:
            return "warning"
        return "success"


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


def scheduled_agents(
    *, queue_id: int, week_start: dt.date, interval_s: int = 1800
) -> dict[tuple[int, int], float]:
    """(weekday, minute of the local day) -> agents scheduled in that interval; one query."""
    from tickets.models import Queue

    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(week_start, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(week_start + dt.timedelta(days=7), dt.time.min, tzinfo=zone)
    team = Queue.objects.filter(pk=queue_id).values("team_id")[:1]
    shifts = (
        Shift.objects.filter(Q(queue_id=queue_id) | Q(queue__isnull=True, team_id__in=team))
        .filter(starts_at__lt=end, ends_at__gt=start)
        .values_list("starts_at", "ends_at", "break_minutes")
    )
    step = dt.timedelta(seconds=interval_s)
    out: dict[tuple[int, int], float] = {}
    for starts_at, ends_at, break_minutes in shifts:
        length = (ends_at - starts_at).total_seconds()
        net = max(0.0, 1 - break_minutes * 60 / length)
        begin, finish = max(starts_at, start), min(ends_at, end)
        local = begin.astimezone(zone)
        slot_minutes = interval_s // 60
        slot = local.replace(
            minute=local.minute // slot_minutes * slot_minutes, second=0, microsecond=0
        )
        cursor = slot.astimezone(dt.UTC)
        while cursor < finish:
            covered = (min(finish, cursor + step) - max(begin, cursor)).total_seconds()
            here = cursor.astimezone(zone)
            key = (here.weekday(), here.hour * 60 + here.minute)
            out[key] = out.get(key, 0.0) + covered / interval_s * net
            cursor += step
    return {k: round(v, 4) for k, v in out.items()}


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
    scheduled = scheduled_agents(queue_id=queue_id, week_start=week_start, interval_s=interval_s)
    for key in scheduled:  # scheduled without expected contacts: all surplus
        expected.setdefault(key, 0.0)
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
                scheduled.get((weekday, minute), 0.0),
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
