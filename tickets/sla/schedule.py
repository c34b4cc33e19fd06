"""Business-time arithmetic: pure functions over a calendar's opening hours and holidays.

A `Schedule` is a plain value (time zone, opening intervals per weekday, closed dates), so
the arithmetic is tested without a database. This module imports nothing from Django or
the models (tests/test_architecture.py keeps it so); tickets.sla.cache builds schedules
from the database and keeps them per process.

Times are converted to the calendar's zone, walked day by day, and returned as aware UTC
datetimes. Daylight-saving days get the wall-clock hours they show (a 09:00-18:00 day is
nine hours on both sides of a change).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

# Beyond this a target is unreachable (no opening hours, or every day a holiday).
MAX_DAYS = 3 * 366


@dataclass(frozen=True)
class Schedule:
    zone: ZoneInfo
    # weekday (0 = Monday) -> sorted, non-overlapping (opens, closes) wall-clock intervals
    hours: dict[int, tuple[tuple[dt.time, dt.time], ...]]
    closed_dates: frozenset[dt.date] = field(default_factory=frozenset)

    @classmethod
    def build(
        cls,
        *,
        time_zone: str,
        intervals: Iterable[tuple[int, dt.time, dt.time]],
        closed_dates: Iterable[dt.date] = (),
    ) -> Schedule:
        per_day: dict[int, list[tuple[dt.time, dt.time]]] = {}
        for weekday, opens, closes in intervals:
            if closes > opens:
                per_day.setdefault(weekday, []).append((opens, closes))
        merged: dict[int, tuple[tuple[dt.time, dt.time], ...]] = {}
        for weekday, spans in per_day.items():
            spans.sort()
            out: list[tuple[dt.time, dt.time]] = []
            for opens, closes in spans:
                if out and opens <= out[-1][1]:
                    out[-1] = (out[-1][0], max(out[-1][1], closes))
                else:
                    out.append((opens, closes))
            merged[weekday] = tuple(out)
        return cls(zone=ZoneInfo(time_zone), hours=merged, closed_dates=frozenset(closed_dates))

    @property
    def is_ever_open(self) -> bool:
        return any(self.hours.values())

    def _day_intervals(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        if day in self.closed_dates:
            return []
        return [
            (
                dt.datetime.combine(day, opens, tzinfo=self.zone),
                dt.datetime.combine(day, closes, tzinfo=self.zone),
            )
            for opens, closes in self.hours.get(day.weekday(), ())
        ]

    def add(self, start: dt.datetime, seconds: float) -> dt.datetime | None:
        """The moment `seconds` of business time after `start`; None if never reached."""
        if seconds < 0:
            raise ValueError("seconds must not be negative")
        if not self.is_ever_open:
            return None
        remaining = dt.timedelta(seconds=seconds)
        local = start.astimezone(self.zone)
        day = local.date()
        for _ in range(MAX_DAYS):
            for opens, closes in self._day_intervals(day):
                begin = max(opens, local)
                if begin >= closes:
                    continue
                available = closes - begin
                if remaining <= available:
                    # A zero target starting out of hours is due when the desk opens.
                    return (begin + remaining).astimezone(dt.UTC)
                remaining -= available
            day += dt.timedelta(days=1)
        return None

    def between(self, start: dt.datetime, end: dt.datetime) -> float:
        """Business seconds from `start` to `end` (0 if end is not after start)."""
        if end <= start or not self.is_ever_open:
            return 0.0
        local_start = start.astimezone(self.zone)
        local_end = end.astimezone(self.zone)
        total = dt.timedelta()
        day = local_start.date()
        last = local_end.date()
        while day <= last:
            for opens, closes in self._day_intervals(day):
                begin = max(opens, local_start)
                finish = min(closes, local_end)
                if finish > begin:
                    total += finish - begin
            day += dt.timedelta(days=1)
        return total.total_seconds()

    def is_open(self, moment: dt.datetime) -> bool:
        local = moment.astimezone(self.zone)
        return any(o <= local < c for o, c in self._day_intervals(local.date()))
