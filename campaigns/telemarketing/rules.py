"""Pure arithmetic of the telemarketing rules (no Django, no database: tested alone and
listed in tests/test_architecture.py). Times are aware datetimes; the calling window is
checked on the local time the caller passes in."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

HOURS = "hours"
HOLIDAY = "holiday"
CAP = "cap"
REFUSED = "refused"
BLOCTEL = "bloctel"


@dataclass(frozen=True)
class Rules:
    weekdays: frozenset[int]  # ISO: 1 = Monday
    windows: tuple[tuple[time, time], ...]  # [start, end): 20:00 is already too late
    max_calls: int
    max_calls_days: int
    refusal_days: int


@dataclass(frozen=True)
class Hold:
    """Why a contact may not be called now; `until` is when the hold ends (cap, refusal),
    `since` when the refusal was said, `holiday` the holiday's name."""

    code: str
    until: datetime | None = None
    since: datetime | None = None
    holiday: str = ""
    count: int = 0


def in_window(local: datetime, rules: Rules) -> bool:
    if local.isoweekday() not in rules.weekdays:
        return False
    moment = local.time().replace(tzinfo=None)
    return any(start <= moment < end for start, end in rules.windows)


def window_hold(local: datetime, rules: Rules, holiday_name: str | None) -> Hold | None:
    """A public holiday, or outside the days and hours (local time)."""
    if holiday_name:
        return Hold(HOLIDAY, holiday=holiday_name)
    if not in_window(local, rules):
        return Hold(HOURS)
    return None


def cap_hold(now: datetime, attempts: Iterable[datetime], rules: Rules) -> Hold | None:
    """`max_calls` attempts in the last `max_calls_days` days: held until the oldest one
    that keeps the count at the cap leaves the window."""
    start = now - timedelta(days=rules.max_calls_days)
    recent = sorted(at for at in attempts if start < at <= now)
    if len(recent) < rules.max_calls:
        return None
    frees = recent[len(recent) - rules.max_calls] + timedelta(days=rules.max_calls_days)
    return Hold(CAP, until=frees, count=len(recent))


def refusal_hold(now: datetime, refusals: Iterable[datetime], rules: Rules) -> Hold | None:
    """No call for `refusal_days` days after the latest refusal."""
    said = [at for at in refusals if at <= now]
    if not said or rules.refusal_days <= 0:
        return None
    last = max(said)
    until = last + timedelta(days=rules.refusal_days)
    return Hold(REFUSED, since=last, until=until) if now < until else None
