from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def wrapup_sweep() -> int:
    """End after-call work left open too long (every minute, from beat)."""
    return services.wrapup_sweep()
