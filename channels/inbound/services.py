"""Receiving email: one service whichever way the message came in (the mail gateway's
API call, `manage.py ingest_email`, an IMAP mailbox).

1. `inbound_receive` stores the raw bytes first, keyed for deduplication, and queues
   processing after commit. Once it returns, the message cannot be lost: a broker that
   drops the task is covered by `inbound_requeue_stale` (beat, every two minutes).
2. `inbound_process` runs in the worker, under a row lock, in one transaction: it either
   records everything (contact, ticket or reply, attachments, status) or nothing, so a
   killed worker leaves the row "received" and the redelivered task does the work once.
3. What cannot be processed is quarantined with its reason and raw source; an admin or
   a supervisor re-ingests it after a fix (`inbound_reingest`).
"""

from __future__ import annotations

import datetime as dt
import html
import logging
from email.parser import BytesHeaderParser
from email.policy import compat32
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tickets import services as ticket_services
from tickets.models import Ticket

from ..models import InboundEmail, Mailbox, OutboundEmail
from . import attachments as attachment_rules
from . import detect, routing
from .parse import ParsedEmail, clean_header_text, message_ids, parse_email
from .reply import strip_reply

logger = logging.getLogger(__name__)

QUARANTINE_OVERSIZED = _("Larger than the limit of %(limit)s bytes (%(size)s bytes).")
QUARANTINE_UNPARSEABLE = _("The message could not be read: %(detail)s")
QUARANTINE_NO_SENDER = _("No usable sender address.")
QUARANTINE_NO_QUEUE = _("No queue for this address and no default queue.")
QUARANTINE_HOSTILE = _("Refused as hostile or broken: %(detail)s")
QUARANTINE_FAILED = _("Processing failed: %(detail)s")
ERROR_EMPTY = _("The message is empty.")
ERROR_NOT_QUARANTINED = _("Only a quarantined message can be re-ingested.")

KEPT_WHEN_OVERSIZED = 1024 * 1024
# Defects that make a message unusable: quarantine rather than guess.
HOSTILE_DEFECTS = (
    "too many recipients",
    "subject too long",
    "too many MIME parts",
    "MIME nested too deep",
    "From: header too long",
)


def _dedup_key(raw: bytes) -> tuple[str, str, dict[str, str]]:
    """(key, Message-ID, a few headers) from the header block only: cheap, and done
    before anything can fail."""
    try:
        headers = BytesHeaderParser(policy=compat32).parsebytes(raw[: 256 * 1024])
        mid_list = message_ids(str(headers.get("Message-ID", "") or ""))
        info = {
            "sender": clean_header_text(str(headers.get("From", "") or ""), 254),
            "subject": clean_header_text(str(headers.get("Subject", "") or ""), 998),
        }
    except Exception:
        mid_list, info = [], {"sender": "", "subject": ""}
    from .parse import content_hash

    digest = content_hash(raw)
    mid = mid_list[0] if mid_list else ""
    return (f"mid:{mid}" if mid else f"sha:{digest}"), mid, {**info, "sha256": digest}


def inbound_receive(
    *, raw: bytes, source: str, mailbox: Mailbox | None = None
) -> tuple[InboundEmail, bool]:
    """Store a message as received; (row, created). A second delivery of the same
    message returns the first row and `False`."""
    if not raw or not raw.strip():
        raise ValidationError(ERROR_EMPTY, code="empty")
    limit = settings.CHANNELS_EMAIL_MAX_BYTES
    key, mid, info = _dedup_key(raw)
    oversized = len(raw) > limit
    from email.utils import parseaddr

    row = InboundEmail(
        source=source,
        mailbox=mailbox,
        dedup_key=key[:600],
        message_id=mid,
        sha256=info["sha256"],
        raw=raw[:KEPT_WHEN_OVERSIZED] if oversized else raw,
        raw_truncated=oversized,
        size=len(raw),
        sender=parseaddr(info["sender"])[1].lower()[:254],
        subject=info["subject"],
    )
    if oversized:
        row.status = InboundEmail.Status.QUARANTINED
        row.reason = str(QUARANTINE_OVERSIZED % {"limit": limit, "size": len(raw)})
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        existing = InboundEmail.objects.defer("raw").get(dedup_key=row.dedup_key)
        return existing, False
    if not oversized:
        _queue(row.pk)
    return row, True


def _queue(pk: int) -> None:
    from ..tasks import inbound_process_task

    transaction.on_commit(lambda: inbound_process_task.delay(pk))


def inbound_requeue_stale(*, older_than: dt.timedelta | None = None) -> int:
    """Queue again what was received but not processed (a task the broker lost)."""
    cutoff = timezone.now() - (
        older_than or dt.timedelta(seconds=settings.CHANNELS_REQUEUE_AFTER_SECONDS)
    )
    ids = list(
        InboundEmail.objects.filter(
            status=InboundEmail.Status.RECEIVED, received_at__lt=cutoff
        ).values_list("pk", flat=True)[:5000]
    )
    from ..tasks import inbound_process_task

    for pk in ids:
        inbound_process_task.delay(pk)
    return len(ids)


def inbound_process(*, inbound_id: int) -> InboundEmail | None:
    """Turn a received message into a ticket, a reply, a bounce record or a quarantine
    entry. Safe to run twice: the second run finds the row processed and does nothing."""
    try:
        with transaction.atomic():
            row = InboundEmail.objects.select_for_update().filter(pk=inbound_id).first()
            if row is None or row.status != InboundEmail.Status.RECEIVED:
                return row
            _process_locked(row)
            return row
    except Exception as exc:
        logger.exception("inbound email %s failed", inbound_id)
        detail = _error_text(exc)
        with transaction.atomic():
            row = InboundEmail.objects.select_for_update().filter(pk=inbound_id).first()
            if row is None or row.status != InboundEmail.Status.RECEIVED:
                return row
            _quarantine(row, str(QUARANTINE_FAILED % {"detail": detail}))
            return row


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(str(m) for m in exc.messages)[:1000]
    return f"{exc.__class__.__name__}: {exc}"[:1000]


def _quarantine(row: InboundEmail, reason: str) -> None:
    row.status = InboundEmail.Status.QUARANTINED
    row.reason = reason[:5000]
    row.processed_at = timezone.now()
    row.attempts += 1
    row.save(update_fields=["status", "reason", "processed_at", "attempts"])


def _finish(row: InboundEmail, status: str, reason: str = "", **fields: Any) -> None:
    row.status = status
    row.reason = reason[:5000]
    row.processed_at = timezone.now()
    row.attempts += 1
    for name, value in fields.items():
        setattr(row, name, value)
    row.save(
        update_fields=[
            "status",
            "reason",
            "processed_at",
            "attempts",
            "sender",
            "recipients",
            "subject",
            *fields,
        ]
    )


def _process_locked(row: InboundEmail) -> None:
    parsed = parse_email(bytes(row.raw))
    row.subject = parsed.subject[:998]
    row.recipients = [str(a) for a in parsed.recipients[:50]]
    if parsed.sender is not None:
        row.sender = parsed.sender.address
    fatal = [d for d in parsed.defects if d.startswith("unparseable")]
    if fatal:
        _quarantine_parsed(row, str(QUARANTINE_UNPARSEABLE % {"detail": fatal[0]}))
        return
    hostile = [d for d in parsed.defects if d in HOSTILE_DEFECTS]
    if hostile:
        _quarantine_parsed(row, str(QUARANTINE_HOSTILE % {"detail": ", ".join(hostile)}))
        return
    verdict = detect.classify(parsed, own_addresses=routing.own_addresses())
    if verdict is not None and verdict.kind == detect.BOUNCE:
        bounced = _bounce_attach(row, verdict)
        _finish(row, InboundEmail.Status.BOUNCE, verdict.reason, bounced=bounced)
        return
    if verdict is not None:
        _finish(row, InboundEmail.Status.IGNORED, f"{verdict.kind}: {verdict.reason}")
        return
    if parsed.sender is None:
        _quarantine_parsed(row, str(QUARANTINE_NO_SENDER))
        return
    if _too_many_from(row, parsed.sender.address):
        _finish(row, InboundEmail.Status.IGNORED, f"{detect.LOOP}: too many messages from sender")
        return
    _deliver(row, parsed)


def _quarantine_parsed(row: InboundEmail, reason: str) -> None:
    row.status = InboundEmail.Status.QUARANTINED
    _finish(row, InboundEmail.Status.QUARANTINED, reason)


def _too_many_from(row: InboundEmail, sender: str) -> bool:
    window = timezone.now() - dt.timedelta(minutes=settings.CHANNELS_LOOP_WINDOW_MINUTES)
    recent = (
        InboundEmail.objects.filter(sender=sender, received_at__gte=window)
        .exclude(pk=row.pk)
        .exclude(status=InboundEmail.Status.RECEIVED)
        .count()
    )
    return recent >= settings.CHANNELS_LOOP_MAX_MESSAGES


def _bounce_attach(row: InboundEmail, verdict: detect.Verdict) -> OutboundEmail | None:
    from ..outbound.services import bounce_record

    return bounce_record(
        message_ids=list(verdict.bounced_message_ids),
        reason=verdict.reason,
        failed_recipient=verdict.failed_recipient,
        permanent=verdict.permanent,
    )


def text_to_html(text: str) -> str:
    """Plain text as safe HTML paragraphs (customers' mail is not Markdown)."""
    paragraphs = [p for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "".join(
        "<p>" + "<br>".join(html.escape(line) for line in p.strip("\n").split("\n")) + "</p>"
        for p in paragraphs
    )


def _body(parsed: ParsedEmail, refusals: list[attachment_rules.Refusal]) -> str:
    reply = strip_reply(parsed.text, subject=parsed.subject)
    if not reply.strip():
        reply = gettext("(no text)")
    body = text_to_html(reply[:90_000])
    if refusals:
        items = "".join(
            f"<li>{html.escape(r.filename)}: {html.escape(r.reason)}</li>" for r in refusals[:50]
        )
        body += f"<p><em>{html.escape(gettext('Attachments not kept:'))}</em></p><ul>{items}</ul>"
    return body


def _deliver(row: InboundEmail, parsed: ParsedEmail) -> None:
    assert parsed.sender is not None
    language = _language(parsed)
    contact, _created = routing.contact_for(
        parsed.sender, channel=Ticket.Channel.EMAIL, inbound=row, language=language
    )
    ticket = routing.thread_ticket(parsed, contact)
    queue = ticket.queue if ticket is not None else routing.route_queue(parsed, row.mailbox)
    if queue is None:
        _quarantine_parsed(row, str(QUARANTINE_NO_QUEUE))
        return
    kept, refusals = attachment_rules.select(parsed.attachments)
    message = ticket_services.customer_message_receive(
        ticket=ticket,
        queue=queue,
        contact=contact,
        subject=parsed.subject or gettext("(no subject)"),
        body=_body(parsed, refusals),
        channel=Ticket.Channel.EMAIL,
        attachments=kept,
        received_at=_sent_at(parsed),
    )
    _finish(
        row,
        InboundEmail.Status.PROCESSED,
        ticket=message.ticket,
        ticket_message=message,
    )
    if ticket is None or message.ticket_id != ticket.pk:
        from ..outbound.tickets import acknowledge

        acknowledge(ticket=message.ticket, in_reply_to=row.message_id)


def _sent_at(parsed: ParsedEmail) -> dt.datetime | None:
    """The Date header when it is plausible (not in the future, not years old): a
    message that waited in a mailbox keeps its real time."""
    if parsed.date is None:
        return None
    now = timezone.now()
    if parsed.date > now or parsed.date < now - dt.timedelta(days=30):
        return None
    return parsed.date


def _language(parsed: ParsedEmail) -> str:
    declared = (parsed.headers.get("content-language") or "").lower()
    if declared.startswith("en"):
        return "en"
    if declared.startswith("fr"):
        return "fr"
    return ""


def inbound_reingest(*, inbound: InboundEmail) -> InboundEmail:
    """Process a quarantined message again (after the fix: an address added, a limit
    raised, a bug corrected). Oversized mail kept only in part cannot be."""
    with transaction.atomic():
        row = InboundEmail.objects.select_for_update().get(pk=inbound.pk)
        if row.status != InboundEmail.Status.QUARANTINED:
            raise ValidationError(ERROR_NOT_QUARANTINED, code="not_quarantined")
        if row.raw_truncated:
            raise ValidationError(
                QUARANTINE_OVERSIZED
                % {"limit": settings.CHANNELS_EMAIL_MAX_BYTES, "size": row.size},
                code="oversized",
            )
        row.status = InboundEmail.Status.RECEIVED
        row.reason = ""
        row.save(update_fields=["status", "reason"])
        _queue(row.pk)
    return row
