from __future__ import annotations

from smtplib import SMTPException
from typing import Any

from celery import shared_task
from django.core.management import call_command


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def notification_email_task(self: Any, notification_id: int) -> bool:
    """Safe to run twice and after a kill: see accounts.services.notification_email_deliver."""
    from .services import NotificationEmailBusy, notification_email_deliver

    try:
        return notification_email_deliver(notification_id=notification_id)
    except NotificationEmailBusy as busy:
        raise self.retry(countdown=busy.seconds) from None


@shared_task(
    acks_late=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def password_reset_email_task(*, user_id: int, domain: str, use_https: bool) -> bool:
    # A retry after a lost worker may send a second link; both are valid until one of
    # them is used, which is harmless. Never sending one is not.
    from .services import password_reset_email_send

    return password_reset_email_send(user_id=user_id, domain=domain, use_https=use_https)


@shared_task(acks_late=True)
def sessions_clear_task() -> None:
    """Expired sessions pile up in the database; Django leaves their removal to a job."""
    call_command("clearsessions")


@shared_task(acks_late=True)
def notifications_release_task() -> int:
    """Release the notifications held outside their recipients' contact hours."""
    from .services import notifications_release

    return notifications_release()
