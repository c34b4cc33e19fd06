"""Business hours for sales: each sales team follows the calendar of its policy.

The arithmetic is the service desk's (`tickets.sla.Schedule`); a team without a policy
counts wall-clock time, so nothing is ever "never due".
"""

from __future__ import annotations

import datetime as dt

from tickets.sla import Schedule
from tickets.sla.cache import schedule_for

from .models import SalesTeamPolicy

DEFAULT_ACCEPT_MINUTES = 240


def team_policy(team_id: int | None) -> SalesTeamPolicy | None:
    if team_id is None:
        return None
    return SalesTeamPolicy.objects.filter(team_id=team_id).select_related("team").first()


def _schedule(policy: SalesTeamPolicy | None) -> Schedule | None:
    if policy is None:
        return None
    schedule = schedule_for(policy.calendar_id)
    return schedule if schedule.is_ever_open else None


def acceptance_due(policy: SalesTeamPolicy | None, start: dt.datetime) -> dt.datetime:
    """When a handoff given at `start` must be accepted: the team's delay in its business
    hours (a handoff given on Friday evening is due on Monday)."""
    minutes = policy.accept_within_minutes if policy else DEFAULT_ACCEPT_MINUTES
    schedule = _schedule(policy)
    if schedule is not None:
        due = schedule.add(start, minutes * 60)
        if due is not None:
            return due
    return start + dt.timedelta(minutes=minutes)


def business_seconds(policy: SalesTeamPolicy | None, start: dt.datetime, end: dt.datetime) -> int:
    """Business seconds between two moments in the team's calendar (wall clock without)."""
    if end <= start:
        return 0
    schedule = _schedule(policy)
    if schedule is None:
        return int((end - start).total_seconds())
    return int(schedule.between(start, end))
