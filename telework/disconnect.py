"""The right to disconnect: when may Relais reach a teleworker? Pure arithmetic over the
agreement's contact hours; `telework.reachability` feeds it from the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from .dates import WorkCalendar

LOOKAHEAD_DAYS = 21


@dataclass(frozen=True)
class ContactHours:
    starts_at: dt.time
    ends_at: dt.time
    weekdays: frozenset[int]
    calendar: WorkCalendar
    time_zone: str = "Europe/Paris"

    def _window(self, day: dt.date) -> tuple[dt.datetime, dt.datetime] | None:
        if day.weekday() not in self.weekdays or self.calendar.is_holiday(day):
            return None
        zone = ZoneInfo(self.time_zone)
        return (
            dt.datetime.combine(day, self.starts_at, tzinfo=zone),
            dt.datetime.combine(day, self.ends_at, tzinfo=zone),
        )

    def next_contact(self, at: dt.datetime) -> dt.datetime | None:
        """None when `at` is inside contact hours; else the start of the next ones.

        A teleworker without any contact day in the next three weeks (all holidays, say)
        is not held: a notification must not vanish for longer than that."""
        local = at.astimezone(ZoneInfo(self.time_zone))
        day = local.date()
        for offset in range(LOOKAHEAD_DAYS):
            window = self._window(day + dt.timedelta(days=offset))
            if window is None:
                continue
            starts, ends = window
            if local < starts:
                return starts
            if local < ends:
                return None
        return None


def earliest(values: Sequence[dt.datetime | None]) -> dt.datetime | None:
    """Reachable now through any agreement wins; otherwise the earliest next contact."""
    if not values or any(value is None for value in values):
        return None
    return min(v for v in values if v is not None)
