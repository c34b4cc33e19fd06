"""Celery tasks: ids in, a service call, idempotent, acks_late (settings), retried with
backoff where the outside world (SMTP, HTTP, IMAP) is involved."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def inbound_process_task(inbound_id: int) -> str:
    from .inbound.services import inbound_process

    row = inbound_process(inbound_id=inbound_id)
    return row.status if row is not None else "missing"


@shared_task(acks_late=True)
def inbound_requeue_task() -> int:
    from .inbound.services import inbound_requeue_stale

    return inbound_requeue_stale()


@shared_task(acks_late=True)
def mailboxes_poll_task() -> int:
    from .inbound.imap import mailboxes_poll

    return mailboxes_poll()


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def outbound_send_task(self: Any, outbound_id: int) -> None:
    from django.conf import settings

    from .outbound.services import outbound_deliver, outbound_mark_failed

    try:
        outbound_deliver(outbound_id=outbound_id)
    except Exception as exc:
        attempt = self.request.retries + 1
        if attempt >= settings.CHANNELS_EMAIL_MAX_ATTEMPTS or self.app.conf.task_always_eager:
            outbound_mark_failed(outbound_id=outbound_id, error=f"{exc.__class__.__name__}: {exc}")
            return
        base = min(60 * 2 ** (attempt - 1), 3600)
        raise self.retry(exc=exc, countdown=base + secrets.randbelow(base // 5 + 1)) from exc


@shared_task(acks_late=True)
def webhook_fanout_task(body: dict[str, Any]) -> int:
    from .webhooks.services import fanout

    ids = fanout(body=body)
    for pk in ids:
        webhook_deliver_task.delay(pk)
    return len(ids)


@shared_task(bind=True, acks_late=True, max_retries=None)
def webhook_deliver_task(self: Any, delivery_id: int) -> None:
    from .webhooks.services import DeliveryFailed, backoff_seconds, deliver

    eager = self.app.conf.task_always_eager
    try:
        deliver(delivery_id=delivery_id, final=eager)
    except DeliveryFailed as exc:
        raise self.retry(exc=exc, countdown=backoff_seconds(self.request.retries + 1)) from exc
