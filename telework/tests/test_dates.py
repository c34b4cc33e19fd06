"""Notice arithmetic across month ends and French public holidays (property-based), and
the right-to-disconnect windows."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from telework.dates import CALENDAR, WORKING, WorkCalendar, adaptation_end, add_months
from telework.disconnect import ContactHours

FR = WorkCalendar("FR")
MOSELLE = WorkCalendar("FR", "57")
days = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2030, 12, 31))
counts = st.integers(min_value=0, max_value=60)
PARIS = ZoneInfo("Europe/Paris")


def test_known_french_holidays_are_not_working_days():
    assert not FR.is_working_day(dt.date(2025, 5, 1))  # Fête du travail (Thursday)
    assert not FR.is_working_day(dt.date(2025, 12, 25))
    assert FR.is_working_day(dt.date(2025, 12, 26))  # a working day in Paris...
    assert not MOSELLE.is_working_day(dt.date(2025, 12, 26))  # ...not in Moselle


def test_working_day_notice_across_may_holidays_and_a_month_end():
    # Notice of 10 working days given on Wednesday 23 April 2025: 1 May (Thursday) and
    # 8 May (Thursday) are holidays, and the count crosses the end of April.
    end = FR.notice_end(dt.date(2025, 4, 23), 10, WORKING)
    assert end == dt.date(2025, 5, 9)
    assert FR.earliest_return(dt.date(2025, 4, 23), 10, WORKING) == dt.date(2025, 5, 12)


def test_calendar_day_notice_across_a_month_end_and_the_new_year():
    assert FR.notice_end(dt.date(2025, 12, 20), 15, CALENDAR) == dt.date(2026, 1, 4)
    # 4 January 2026 is a Sunday: back at the office on Monday 5th.
    assert FR.earliest_return(dt.date(2025, 12, 20), 15, CALENDAR) == dt.date(2026, 1, 5)
    # Across February in a leap year.
    assert FR.notice_end(dt.date(2028, 2, 20), 10, CALENDAR) == dt.date(2028, 3, 1)


@settings(max_examples=150, deadline=None)
@given(day=days, n=counts)
def test_working_notice_counts_exactly_n_working_days(day, n):
    end = FR.notice_end(day, n, WORKING)
    assert FR.working_days_between(day, end) == n
    if n:
        assert FR.is_working_day(end)


@settings(max_examples=150, deadline=None)
@given(day=days, n=counts)
def test_earliest_return_is_a_working_day_after_the_notice(day, n):
    for unit in (CALENDAR, WORKING):
        back = FR.earliest_return(day, n, unit)
        assert FR.is_working_day(back)
        assert back > FR.notice_end(day, n, unit)
        assert (back - day).days >= n + 1
        # Only non-working days lie between the notice's end and the return.
        gap = FR.notice_end(day, n, unit) + dt.timedelta(days=1)
        while gap < back:
            assert not FR.is_working_day(gap)
            gap += dt.timedelta(days=1)


@settings(max_examples=100, deadline=None)
@given(day=days, a=counts, b=counts)
def test_notice_is_additive_and_monotone(day, a, b):
    assert FR.notice_end(FR.notice_end(day, a, WORKING), b, WORKING) == FR.notice_end(
        day, a + b, WORKING
    )
    assert FR.notice_end(day, a + b, CALENDAR) >= FR.notice_end(day, a, CALENDAR)


def test_adaptation_of_three_months_clamps_month_ends():
    assert adaptation_end(dt.date(2025, 1, 6), 3) == dt.date(2025, 4, 5)
    assert add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)
    assert adaptation_end(dt.date(2025, 11, 30), 3) == dt.date(2026, 2, 27)
    assert adaptation_end(dt.date(2025, 1, 1), 0) is None


HOURS = ContactHours(dt.time(9), dt.time(17, 30), frozenset(range(5)), FR)


def _at(y, m, d, h, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=PARIS)


def test_inside_contact_hours_nothing_is_held():
    assert HOURS.next_contact(_at(2025, 3, 12, 10)) is None


def test_evening_is_held_until_next_morning_weekend_until_monday_and_holiday_skipped():
    assert HOURS.next_contact(_at(2025, 3, 12, 21)) == _at(2025, 3, 13, 9)
    assert HOURS.next_contact(_at(2025, 3, 12, 7)) == _at(2025, 3, 12, 9)
    assert HOURS.next_contact(_at(2025, 3, 14, 18)) == _at(2025, 3, 17, 9)  # Friday night
    # Wednesday 30 April evening: 1 May is a holiday, so Friday 2 May.
    assert HOURS.next_contact(_at(2025, 4, 30, 19)) == _at(2025, 5, 2, 9)


def test_contact_windows_follow_daylight_saving_time():
    # The night of the change to summer time (30 March 2025): still 09:00 local.
    held = HOURS.next_contact(_at(2025, 3, 29, 22))
    assert held == _at(2025, 3, 31, 9)
    assert held.utcoffset() == dt.timedelta(hours=2)
