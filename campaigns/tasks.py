"""Celery tasks: take ids, call a service; safe to run twice."""

from __future__ import annotations

import smtplib
import time
import uuid

from celery import shared_task
from django.conf import settings

from . import services


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=20)
def campaign_send_task(self, campaign_id: int) -> int:
    """Send batches at the configured rate for up to a time budget, then hand over to a
    new task (so one campaign never holds a worker for hours). A redelivery has the same
    task id and resumes its own claimed batch first."""
    claim = self.request.id or uuid.uuid4().hex
    budget_end = time.monotonic() + settings.CAMPAIGNS_TASK_BUDGET_SECONDS
    rate = max(1.0, float(settings.CAMPAIGNS_SEND_RATE_PER_SECOND))
    handled = 0
    while True:
        started = time.monotonic()
        try:
            count = services.send_batch(campaign_id=campaign_id, claim=claim)
        except (smtplib.SMTPException, OSError) as exc:
            raise self.retry(exc=exc, countdown=min(600, 10 * 2**self.request.retries)) from exc
        if count == 0:
            services.campaign_send_done(campaign_id=campaign_id)
            return handled
        handled += count
        # The rate limit: a batch of `count` takes at least count / rate seconds.
        pause = count / rate - (time.monotonic() - started)
        if pause > 0:
            time.sleep(pause)
        if time.monotonic() > budget_end:
            campaign_send_task.delay(campaign_id)
            return handled


@shared_task(acks_late=True)
def sending_resume_stale_task() -> int:
    return len(services.sending_resume_stale())


@shared_task(acks_late=True)
def campaigns_start_due_task() -> int:
    return services.campaigns_start_due()
