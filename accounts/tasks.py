from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task
from django.core.management import call_command


@shared_task(
    acks_late=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def notification_email_task(notification_id: int) -> bool:
    from .services import notification_email_deliver

    return notification_email_deliver(notification_id=notification_id)


@shared_task(acks_late=True)
def sessions_clear_task() -> None:
    """Expired sessions pile up in the database; Django leaves their removal to a job."""
    call_command("clearsessions")
