"""Who works where on a given day: the one rule the team calendar, the allowance and the
right to disconnect share. Pure functions over plain values; `selectors` builds them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .dates import WorkCalendar, days_in

HOME = "home"
OFFICE = "office"
HOLIDAY = "holiday"
ABSENT = "absent"
WEEKEND = "weekend"

EXCEPTIONAL_DAYS = frozenset(range(5))


@dataclass(frozen=True)
class Period:
    """A span during which one version of an agreement is in force."""

    first: dt.date
    last: dt.date | None
    weekdays: frozenset[int]
    kind: str = "regular"
    agreement_id: int | None = None

    def covers(self, day: dt.date) -> bool:
        return self.first <= day and (self.last is None or day <= self.last)


@dataclass(frozen=True)
class AbsenceSpan:
    first: dt.date
    last: dt.date
    kind: str  # leave, absence, office

    def covers(self, day: dt.date) -> bool:
        return self.first <= day <= self.last


@dataclass
class EmployeeSchedule:
    periods: list[Period] = field(default_factory=list)
    absences: list[AbsenceSpan] = field(default_factory=list)

    def place_on(self, day: dt.date, calendar: WorkCalendar) -> str:
        if day.weekday() >= 5:
            return WEEKEND
        if calendar.is_holiday(day):
            return HOLIDAY
        for absence in self.absences:
            if absence.covers(day):
                return OFFICE if absence.kind == "office" else ABSENT
        for period in self.periods:
            if period.covers(day) and day.weekday() in period.weekdays:
                return HOME
        return OFFICE

    def covered(self, day: dt.date) -> bool:
        """Whether any agreement (occasional ones included) is in force that day."""
        return any(period.covers(day) for period in self.periods)

    def scheduled_home_days(
        self, first: dt.date, last: dt.date, calendar: WorkCalendar
    ) -> list[dt.date]:
        return [day for day in days_in(first, last) if self.place_on(day, calendar) == HOME]

    def valid_declared_days(self, days: Iterable[dt.date], calendar: WorkCalendar) -> list[dt.date]:
        """Declared days that can count: working days under an agreement, not absent."""
        valid = []
        for day in sorted(set(days)):
            place = self.place_on(day, calendar)
            if place in (HOME, OFFICE) and self.covered(day) and not self._absent(day):
                valid.append(day)
        return valid

    def _absent(self, day: dt.date) -> bool:
        return any(a.covers(day) for a in self.absences)


@dataclass(frozen=True)
class VersionSpan:
    """What the selectors read of a version to build periods."""

    effective_from: dt.date
    weekdays: Sequence[int]


def periods_for_agreement(
    *,
    agreement_id: int,
    kind: str,
    status: str,
    start_date: dt.date,
    last_day: dt.date | None,
    activated_on: dt.date | None,
    versions: Sequence[VersionSpan],
    today: dt.date,
) -> list[Period]:
    """The agreement's in-force spans, one per version.

    An agreement signed but not started yet is planned from its start date (never in the
    past: if its checklist held it back, the days before activation were at the office).
    An agreement activated after its start date covers days from its activation."""
    if status == "signed":
        first = max(start_date, today)
    elif status in ("active", "ended"):
        first = max(start_date, activated_on) if activated_on else start_date
    else:
        return []
    if last_day is not None and last_day < first:
        return []
    ordered = sorted(versions, key=lambda v: v.effective_from)
    periods: list[Period] = []
    for index, version in enumerate(ordered):
        span_first = max(first, version.effective_from) if index else first
        if index + 1 < len(ordered):
            span_last: dt.date | None = ordered[index + 1].effective_from - dt.timedelta(days=1)
        else:
            span_last = last_day
        if last_day is not None and span_last is not None:
            span_last = min(span_last, last_day)
        if span_last is not None and span_last < span_first:
            continue
        weekdays = EXCEPTIONAL_DAYS if kind == "exceptional" else frozenset(version.weekdays)
        if kind == "occasional":
            weekdays = frozenset()
        periods.append(Period(span_first, span_last, weekdays, kind, agreement_id))
    return periods


def days_in_range(first: dt.date, last: dt.date) -> list[dt.date]:
    return list(days_in(first, last))
