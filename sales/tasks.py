"""Celery tasks: thin wrappers over the sweeps (idempotent: each claims rows once)."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(acks_late=True, ignore_result=True)
def handoff_escalation_sweep_task() -> int:
    return services.handoff_escalation_sweep().claimed


@shared_task(acks_late=True, ignore_result=True)
def next_step_reminder_sweep_task() -> int:
    return services.next_step_reminder_sweep().claimed
