"""Scheduled telework work: start and end agreements on their dates, remind onboarding
owners, keep the allowance lines current. Each task is idempotent."""

from __future__ import annotations

import datetime as dt

from celery import shared_task


@shared_task(acks_late=True)
def agreements_daily_task() -> dict[str, int]:
    from . import services

    ended = services.agreements_end_due()
    started = services.agreements_activate_due()
    reminded = services.onboarding_send_reminders()
    return {"started": started, "ended": ended, "reminded": reminded}


@shared_task(acks_late=True)
def allowance_refresh_task() -> int:
    from django.utils import timezone

    from . import services

    return services.allowance_refresh(month=timezone.localdate())


@shared_task(acks_late=True)
def allowance_refresh_employee_task(employee_id: int, since: str) -> None:
    from . import services

    services.allowance_refresh_employee(employee_id=employee_id, since=dt.date.fromisoformat(since))
