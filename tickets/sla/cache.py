"""What the SLA clocks read on every ticket write, kept per process: each calendar's
`Schedule` and each (queue, priority) policy.

Calendars and policies change rarely (admin edits); a short time-to-live keeps every
process close to the database without a query per ticket write. One lock guards both
tables (gunicorn threads and Celery threads share a process) and one function, `forget()`,
empties them: after an admin edit, after loading public holidays, between tests. A value
loaded while `forget()` ran is not stored, so an edit is never hidden behind a read that
started before it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

from ..models import BusinessCalendar, Holiday, OpeningHours, SlaPolicy
from .schedule import Schedule

CACHE_SECONDS = 60

K = TypeVar("K")
V = TypeVar("V")

_lock = threading.Lock()
_generation = 0  # bumped by forget(): loads begun before it are not stored
_schedules: dict[int, tuple[float, Schedule]] = {}
_policies: dict[tuple[int, int], tuple[float, SlaPolicy | None]] = {}


def _cached(table: dict[K, tuple[float, V]], key: K, load: Callable[[], V]) -> V:
    now = time.monotonic()
    with _lock:
        hit = table.get(key)
        generation = _generation
    if hit is not None and now - hit[0] < CACHE_SECONDS:
        return hit[1]
    value = load()  # outside the lock: a query must not hold up the other threads
    with _lock:
        if generation == _generation:
            table[key] = (now, value)
    return value


def _load_schedule(calendar_id: int) -> Schedule:
    calendar = BusinessCalendar.objects.get(pk=calendar_id)
    return Schedule.build(
        time_zone=calendar.time_zone,
        intervals=OpeningHours.objects.filter(calendar_id=calendar_id).values_list(
            "weekday", "opens_at", "closes_at"
        ),
        closed_dates=Holiday.objects.filter(calendar_id=calendar_id).values_list("date", flat=True),
    )


def schedule_for(calendar_id: int) -> Schedule:
    """The calendar's opening hours and closed dates (at most CACHE_SECONDS old)."""
    return _cached(_schedules, calendar_id, lambda: _load_schedule(calendar_id))


def policy_for(*, queue_id: int, priority: int) -> SlaPolicy | None:
    """The SLA policy of the queue for this priority, None when the queue has none."""
    return _cached(
        _policies,
        (queue_id, priority),
        lambda: SlaPolicy.objects.filter(queue_id=queue_id, priority=priority).first(),
    )


def forget() -> None:
    """Drop every cached schedule and policy (the one invalidation: edits are rare, and a
    reload costs one query per calendar or policy on the next write)."""
    global _generation
    with _lock:
        _generation += 1
        _schedules.clear()
        _policies.clear()
