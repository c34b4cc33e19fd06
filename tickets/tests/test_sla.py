"""Business-time arithmetic (pure) and the SLA clocks on tickets (through the services)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tickets.sla import Schedule

PARIS = ZoneInfo("Europe/Paris")
OFFICE = [(d, dt.time(9), dt.time(18)) for d in range(5)]  # Mon-Fri 09:00-18:00
SPLIT = [(d, dt.time(9), dt.time(12)) for d in range(5)] + [
    (d, dt.time(14), dt.time(18)) for d in range(5)
]
HOLIDAYS = {dt.date(2026, 5, 1), dt.date(2026, 5, 8), dt.date(2026, 5, 14), dt.date(2026, 12, 25)}


def paris(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


@pytest.fixture
def office() -> Schedule:
    return Schedule.build(time_zone="Europe/Paris", intervals=OFFICE, closed_dates=HOLIDAYS)


def test_friday_afternoon_target_lands_on_monday(office):
    # Friday 17:00 + 2 business hours = 1 h on Friday, 1 h on Monday morning.
    due = office.add(paris(2026, 11, 20, 17, 0), 2 * 3600)
    assert due == paris(2026, 11, 23, 10, 0)


def test_clock_started_out_of_hours_starts_at_opening(office):
    due = office.add(paris(2026, 11, 21, 11, 0), 30 * 60)  # a Saturday
    assert due == paris(2026, 11, 23, 9, 30)


def test_public_holiday_is_skipped(office):
    # Thursday 30 April 2026 17:00 + 2 h: Friday 1 May is a holiday, so Monday 4 May.
    due = office.add(paris(2026, 4, 30, 17, 0), 2 * 3600)
    assert due == paris(2026, 5, 4, 10, 0)


def test_lunch_break_is_not_business_time():
    schedule = Schedule.build(time_zone="Europe/Paris", intervals=SPLIT)
    assert schedule.add(paris(2026, 11, 23, 11, 0), 2 * 3600) == paris(2026, 11, 23, 15, 0)
    assert schedule.between(paris(2026, 11, 23, 11, 0), paris(2026, 11, 23, 15, 0)) == 7200


def test_daylight_saving_change_keeps_wall_clock_hours(office):
    # Summer time starts on Sunday 29 March 2026: Friday 17:00 + 2 h is Monday 10:00 local.
    due = office.add(paris(2026, 3, 27, 17, 0), 2 * 3600)
    assert due == paris(2026, 3, 30, 10, 0)
    assert due.astimezone(PARIS).utcoffset() == dt.timedelta(hours=2)


def test_calendar_without_opening_hours_never_comes_due():
    schedule = Schedule.build(time_zone="Europe/Paris", intervals=[])
    assert schedule.add(paris(2026, 11, 23, 9), 60) is None
    assert schedule.between(paris(2026, 11, 23, 9), paris(2026, 11, 30, 9)) == 0


def test_overlapping_intervals_are_merged():
    schedule = Schedule.build(
        time_zone="Europe/Paris",
        intervals=[(0, dt.time(9), dt.time(12)), (0, dt.time(11), dt.time(13))],
    )
    assert schedule.between(paris(2026, 11, 23, 0), paris(2026, 11, 24, 0)) == 4 * 3600


def test_negative_duration_is_refused(office):
    with pytest.raises(ValueError, match="negative"):
        office.add(paris(2026, 11, 23, 9), -1)


moments = st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2027, 12, 31)).map(
    lambda d: d.replace(tzinfo=dt.UTC)
)
durations = st.integers(min_value=0, max_value=60 * 3600)


@settings(max_examples=300, deadline=None)
@given(start=moments, seconds=durations)
def test_between_inverts_add(start, seconds):
    """Whatever the start (weekend, night, holiday), the business time between the start
    and the computed due time is exactly the target."""
    office = Schedule.build(time_zone="Europe/Paris", intervals=SPLIT, closed_dates=HOLIDAYS)
    due = office.add(start, seconds)
    assert due is not None
    assert office.between(start, due) == pytest.approx(seconds, abs=1e-6)
    # The due time is never outside opening hours, unless the target is zero out of hours.
    if seconds > 0:
        just_before = due - dt.timedelta(microseconds=1)
        assert office.is_open(just_before)


@settings(max_examples=200, deadline=None)
@given(start=moments, first=durations, second=durations)
def test_adding_in_two_steps_equals_adding_once(start, first, second):
    office = Schedule.build(time_zone="Europe/Paris", intervals=OFFICE, closed_dates=HOLIDAYS)
    once = office.add(start, first + second)
    halfway = office.add(start, first)
    assert halfway is not None
    assert office.add(halfway, second) == once


@settings(max_examples=200, deadline=None)
@given(a=moments, b=moments, c=moments)
def test_between_is_additive(a, b, c):
    a, b, c = sorted([a, b, c])
    office = Schedule.build(time_zone="Europe/Paris", intervals=SPLIT, closed_dates=HOLIDAYS)
    assert office.between(a, c) == pytest.approx(office.between(a, b) + office.between(b, c))
