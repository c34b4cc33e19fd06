from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from .kpis import facts


@shared_task(acks_late=True)
def facts_rebuild_day_task(day: str | None = None) -> int:
    """Rebuild one day's ticket facts (yesterday by default); safe to run twice."""
    when = dt.date.fromisoformat(day) if day else timezone.localdate() - dt.timedelta(days=1)
    return facts.facts_rebuild_day(day=when)


@shared_task(acks_late=True)
def summaries_send_task(kind: str = "daily") -> int:
    """The team summaries (daily every morning, weekly on Mondays)."""
    from .reports import summaries_send

    if kind == "weekly" and timezone.localdate().weekday() != 0:
        return 0
    return summaries_send(kind=kind)
