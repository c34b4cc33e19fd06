"""Sending email, for any app: `email_send` records the message and sends it through
Django's email backend from a Celery task after commit, retried with backoff; the outcome
(sent, failed with the error, bounced) is kept on the `OutboundEmail` row.

Campaigns and any later sender use this, not `send_mail`: they get Message-IDs we can
thread on, a delivery status, and bounces attached to what they bounced
(`register_bounce_hook` to react, e.g. suppress an address).
"""

from __future__ import annotations

import logging
import mimetypes
import uuid
from collections.abc import Callable, Iterable, Sequence
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.models import Message

from ..inbound.parse import clean_header_text
from ..models import OutboundEmail

logger = logging.getLogger(__name__)

ERROR_NO_RECIPIENT = _("The email has no valid recipient.")
ERROR_NOT_FAILED = _("Only a failed email can be sent again.")
ERROR_HEADER = _("Invalid email header: %(name)s.")

LOOP_HEADER = "X-Relais-Loop"
MAX_RECIPIENTS = 100

BounceHook = Callable[[OutboundEmail], None]
_bounce_hooks: dict[str, BounceHook] = {}


def register_bounce_hook(purpose_prefix: str, hook: BounceHook) -> None:
    """Called (inside the transaction) when mail whose purpose starts with the prefix
    bounces for good."""
    _bounce_hooks[purpose_prefix] = hook


def make_message_id(from_address: str) -> str:
    domain = parseaddr(from_address)[1].rpartition("@")[2] or "relais.invalid"
    return f"relais.{uuid.uuid4().hex}@{domain}"


def _clean_addresses(values: Iterable[str]) -> list[str]:
    result: list[str] = []
    for value in values:
        name, address = parseaddr(clean_header_text(value, 400))
        if "@" not in address or address.lower() in (a.lower() for a in result):
            continue
        result.append(formataddr((name, address)) if name else address)
    return result[:MAX_RECIPIENTS]


def email_send(
    *,
    purpose: str,
    to: Sequence[str],
    subject: str,
    text: str,
    html: str = "",
    from_address: str = "",
    cc: Sequence[str] = (),
    in_reply_to: str = "",
    references: Sequence[str] = (),
    headers: dict[str, str] | None = None,
    attachments: Sequence[dict[str, str]] = (),
    source: models.Model | None = None,
    ticket_message: Message | None = None,
) -> OutboundEmail:
    """Record an email and send it after commit. `attachments` are files already in
    default storage: {"name", "path", "content_type"}."""
    recipients = _clean_addresses(to)
    if not recipients:
        raise ValidationError(ERROR_NO_RECIPIENT, code="recipient")
    extra: dict[str, str] = {}
    for name, value in (headers or {}).items():
        if not name.replace("-", "").isalnum():
            raise ValidationError(ERROR_HEADER % {"name": name[:40]}, code="header")
        extra[name] = clean_header_text(value, 2000)
    sender = clean_header_text(from_address, 320) or settings.DEFAULT_FROM_EMAIL
    row = OutboundEmail(
        purpose=purpose[:30],
        ticket_message=ticket_message,
        from_address=sender,
        to=recipients,
        cc=_clean_addresses(cc),
        subject=clean_header_text(subject, 998),
        message_id=make_message_id(sender),
        in_reply_to=clean_header_text(in_reply_to, 500),
        references=" ".join(f"<{clean_header_text(r, 500)}>" for r in references[-20:] if r),
        headers=extra,
        body_text=text,
        body_html=html,
        attachments=list(attachments),
    )
    if source is not None:
        row.source_type = ContentType.objects.get_for_model(source)
        row.source_id = source.pk
    row.save()
    _queue(row.pk)
    return row


def _queue(pk: int) -> None:
    from ..tasks import outbound_send_task

    transaction.on_commit(lambda: outbound_send_task.delay(pk))


def build_message(row: OutboundEmail) -> EmailMultiAlternatives:
    headers = {
        "Message-ID": f"<{row.message_id}>",
        LOOP_HEADER: "1",
        **row.headers,
    }
    if row.in_reply_to:
        headers["In-Reply-To"] = f"<{row.in_reply_to}>"
    if row.references:
        headers["References"] = row.references
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body_text,
        from_email=row.from_address,
        to=row.to,
        cc=row.cc,
        headers=headers,
    )
    if row.body_html:
        message.attach_alternative(row.body_html, "text/html")
    for attachment in row.attachments:
        with default_storage.open(attachment["path"], "rb") as handle:
            content = handle.read()
        content_type = attachment.get("content_type") or (
            mimetypes.guess_type(attachment["name"])[0] or "application/octet-stream"
        )
        message.attach(attachment["name"], content, content_type)
    return message


def outbound_deliver(*, outbound_id: int) -> OutboundEmail | None:
    """Send once. Raises on a transient failure so the task retries; a row already sent
    (a duplicate task) is left alone."""
    row = OutboundEmail.objects.filter(pk=outbound_id).first()
    if row is None or row.status in (OutboundEmail.Status.SENT, OutboundEmail.Status.BOUNCED):
        return row
    OutboundEmail.objects.filter(pk=row.pk).update(attempts=models.F("attempts") + 1)
    try:
        build_message(row).send(fail_silently=False)
    except Exception as exc:
        OutboundEmail.objects.filter(pk=row.pk).update(
            last_error=f"{exc.__class__.__name__}: {exc}"[:2000]
        )
        raise
    OutboundEmail.objects.filter(pk=row.pk).exclude(status=OutboundEmail.Status.BOUNCED).update(
        status=OutboundEmail.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    row.refresh_from_db()
    return row


def outbound_mark_failed(*, outbound_id: int, error: str) -> None:
    OutboundEmail.objects.filter(pk=outbound_id).exclude(
        status__in=[OutboundEmail.Status.SENT, OutboundEmail.Status.BOUNCED]
    ).update(status=OutboundEmail.Status.FAILED, last_error=error[:2000])


def outbound_retry(*, outbound: OutboundEmail) -> OutboundEmail:
    """The "retry" button on a failed email."""
    with transaction.atomic():
        row = OutboundEmail.objects.select_for_update().get(pk=outbound.pk)
        if row.status != OutboundEmail.Status.FAILED:
            raise ValidationError(ERROR_NOT_FAILED, code="not_failed")
        row.status = OutboundEmail.Status.QUEUED
        row.last_error = ""
        row.save(update_fields=["status", "last_error"])
        _queue(row.pk)
    return row


def bounce_record(
    *, message_ids: list[str], reason: str, failed_recipient: str = "", permanent: bool = True
) -> OutboundEmail | None:
    """Attach a bounce to the email it bounced (found by the Message-ID it quotes)."""
    if not message_ids:
        return None
    row = OutboundEmail.objects.select_for_update().filter(message_id__in=message_ids).first()
    if row is None:
        return None
    text = f"{failed_recipient} {reason}".strip()[:500]
    if permanent:
        row.status = OutboundEmail.Status.BOUNCED
        row.bounced_at = timezone.now()
    row.bounce_reason = text
    row.save(update_fields=["status", "bounced_at", "bounce_reason"])
    if permanent:
        for prefix, hook in _bounce_hooks.items():
            if row.purpose.startswith(prefix):
                hook(row)
    return row


def outbound_for_source(source: models.Model) -> models.QuerySet[OutboundEmail]:
    return OutboundEmail.objects.filter(
        source_type=ContentType.objects.get_for_model(source), source_id=source.pk
    )
