from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def invitations_send_due_task() -> int:
    """Every minute (beat) and after an NPS send: set-based, safe to run twice at once."""
    return services.invitations_send_due()
