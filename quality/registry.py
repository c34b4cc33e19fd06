"""Plug points of supervision for apps built later (no import of them here).

- Satisfaction (the surveys app): `register_satisfaction_source(fn)` where
  `fn(date_from, date_to, *, queue_ids=None, team_ids=None, agent_ids=None, channel=None)`
  returns `{"csat_responses", "csat_satisfied", "nps_responses", "promoters",
  "detractors"}` (counts). CSAT and NPS are shown only when a source is registered.
- Surges (campaigns): `register_surge_source(fn)` where
  `fn(queue_id, date_from, date_to) -> dict[date, int]` gives extra expected contacts per
  day; the staffing plan adds them, spread like the queue's usual day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

SatisfactionSource = Callable[..., dict[str, int]]
SurgeSource = Callable[[int, dt.date, dt.date], dict[dt.date, int]]

_satisfaction: list[SatisfactionSource] = []
_surges: list[SurgeSource] = []

SATISFACTION_KEYS = ("csat_responses", "csat_satisfied", "nps_responses", "promoters", "detractors")


def register_satisfaction_source(fn: SatisfactionSource) -> None:
    if fn not in _satisfaction:
        _satisfaction.append(fn)


def unregister_satisfaction_source(fn: SatisfactionSource) -> None:
    if fn in _satisfaction:
        _satisfaction.remove(fn)


def has_satisfaction_source() -> bool:
    return bool(_satisfaction)


def satisfaction(date_from: dt.date, date_to: dt.date, **filters: Any) -> dict[str, int]:
    total = dict.fromkeys(SATISFACTION_KEYS, 0)
    for fn in list(_satisfaction):
        answer = fn(date_from, date_to, **filters)
        for key in SATISFACTION_KEYS:
            total[key] += int(answer.get(key, 0) or 0)
    return total


def register_surge_source(fn: SurgeSource) -> None:
    if fn not in _surges:
        _surges.append(fn)


def unregister_surge_source(fn: SurgeSource) -> None:
    if fn in _surges:
        _surges.remove(fn)


def surges(queue_id: int, date_from: dt.date, date_to: dt.date) -> dict[dt.date, int]:
    total: dict[dt.date, int] = {}
    for fn in list(_surges):
        for day, extra in fn(queue_id, date_from, date_to).items():
            total[day] = total.get(day, 0) + int(extra)
    return total
