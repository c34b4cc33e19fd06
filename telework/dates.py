"""Pure date arithmetic for telework: working days, public holidays, notice periods,
months. No database here, so it can be property-tested on its own."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import holidays as holidays_lib

CALENDAR = "calendar"
WORKING = "working"


@lru_cache(maxsize=256)
def public_holidays(country: str, subdivision: str, year: int) -> frozenset[dt.date]:
    if not country:
        return frozenset()
    table = holidays_lib.country_holidays(country, subdiv=subdivision or None, years=[year])
    return frozenset(table.keys())


def holiday_country_known(country: str, subdivision: str = "") -> bool:
    try:
        holidays_lib.country_holidays(country, subdiv=subdivision or None, years=[2025])
    except (NotImplementedError, KeyError, ValueError, AttributeError):
        return False
    return True


@dataclass(frozen=True)
class WorkCalendar:
    """Monday to Friday, minus the public holidays of a country (and region)."""

    country: str = "FR"
    subdivision: str = ""

    def is_holiday(self, day: dt.date) -> bool:
        return day in public_holidays(self.country, self.subdivision, day.year)

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and not self.is_holiday(day)

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after `day`."""
        day += dt.timedelta(days=1)
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def add_working_days(self, day: dt.date, count: int) -> dt.date:
        """The date on which `count` working days after `day` have elapsed."""
        for _ in range(count):
            day = self.next_working_day(day)
        return day

    def working_days_between(self, after: dt.date, through: dt.date) -> int:
        """Working days in (after, through]."""
        count, day = 0, after + dt.timedelta(days=1)
        while day <= through:
            count += self.is_working_day(day)
            day += dt.timedelta(days=1)
        return count

    def notice_end(self, notified_on: dt.date, days: int, unit: str) -> dt.date:
        """The day the notice given on `notified_on` has run in full: `days` calendar
        days later, or once `days` working days (weekends and holidays skipped) have
        passed. Zero days: the same day."""
        if unit == WORKING:
            return self.add_working_days(notified_on, days)
        return notified_on + dt.timedelta(days=days)

    def earliest_return(self, notified_on: dt.date, days: int, unit: str) -> dt.date:
        """The earliest day back at the office: the first working day after the notice."""
        return self.next_working_day(self.notice_end(notified_on, days, unit))


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def parse_month(text: str) -> dt.date | None:
    """ "2025-03" -> 2025-03-01; anything else -> None."""
    text = (text or "").strip()
    if len(text) != 7 or text[4] != "-":
        return None
    try:
        year, month = int(text[:4]), int(text[5:])
        return dt.date(year, month, 1)
    except ValueError:
        return None


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day `months` later, clamped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def adaptation_end(start: dt.date, months: int) -> dt.date | None:
    """The last day of an adaptation period of `months` starting on `start`."""
    if months <= 0:
        return None
    return add_months(start, months) - dt.timedelta(days=1)


def days_in(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)
