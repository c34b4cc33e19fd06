"""The conversation: staff replies and internal notes, and the requester writing again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.services import notification_send
from crm.models import Contact

from .. import registry
from .. import timeline as kinds
from ..models import Message, Queue, Ticket, TicketEvent
from ..registry import customer_message_received
from .attachments import attachments_store, attachments_validate
from .common import (
    check_open,
    clean_body,
    excerpt,
    lock_ticket,
    record_event,
    record_timeline,
    save_ticket,
)
from .sla import SLA_FIELDS, sla_apply
from .tickets import fallback_queue, ticket_create
from .transitions import check_transition, set_status

Status = Ticket.Status

ERROR_REPLIED_MEANWHILE = _(
    "%(author)s replied to the customer while you were writing. Read their reply, then send "
    "yours again if it is still needed."
)


class ConcurrentReplyError(ValidationError):
    """A public reply from someone else landed after the one the writer last saw."""

    def __init__(self, message: Message) -> None:
        author = str(message.author or message.author_contact or gettext("Someone"))
        super().__init__(ERROR_REPLIED_MEANWHILE % {"author": author}, code="replied_meanwhile")
        # Not `self.message`: ValidationError keeps its own text there.
        self.newer_message = message


def ticket_reply(
    *,
    ticket: Ticket,
    author: User,
    body: str,
    kind: str = Message.Kind.PUBLIC,
    attachments: Sequence[UploadedFile] = (),
    status: str | None = None,
    last_seen_message_id: int | None = None,
    body_format: str = "markdown",
) -> Message:
    """A public reply or an internal note from staff, optionally changing the status.

    With `last_seen_message_id`, a public reply is refused if someone else's public
    message arrived after it: the writer reads it first (no lost update)."""
    if kind not in Message.Kind.values:
        raise ValidationError({"kind": _("Unknown message kind.")})
    safe_html, text = clean_body(body, body_format)
    attachments_validate(attachments)
    with transaction.atomic():
        ticket = lock_ticket(ticket)
        check_open(ticket)
        if kind == Message.Kind.PUBLIC and last_seen_message_id is not None:
            newer = (
                ticket.messages.filter(pk__gt=last_seen_message_id, kind=Message.Kind.PUBLIC)
                .exclude(author=author)
                .select_related("author", "author_contact")
                .order_by("pk")
                .first()
            )
            if newer is not None:
                raise ConcurrentReplyError(newer)
        now = timezone.now()
        target = status
        automatic = target is None and kind == Message.Kind.PUBLIC and ticket.status == Status.NEW
        if automatic:
            target = Status.OPEN
        if target is not None and target != ticket.status:
            check_transition(ticket, target)
        message = Message.objects.create(
            ticket=ticket,
            kind=kind,
            direction=Message.Direction.OUTBOUND,
            author=author,
            body_html=safe_html,
            body_text=text,
            created_at=now,
        )
        if attachments:
            attachments_store(message, attachments)
        changed = ["last_message_at", "message_count"]
        ticket.last_message_at = now
        ticket.message_count += 1
        if kind == Message.Kind.PUBLIC and ticket.first_response_at is None:
            ticket.first_response_at = now
            changed.append("first_response_at")
            sla_apply(ticket, now=now)
            changed += SLA_FIELDS
        if kind == Message.Kind.PUBLIC:
            record_timeline(ticket, kinds.TICKET_REPLIED, author, excerpt=excerpt(text))
        if target is not None and target != ticket.status:
            changed += set_status(ticket, target, author, now, on_timeline=not automatic)
        save_ticket(ticket, now, changed)
        if kind == Message.Kind.PUBLIC:
            message.ticket = ticket
            for hook in registry.public_reply_hooks():
                hook(message)  # e.g. channels emails it, after commit
            requester_notify(message)
    return message


def requester_notify(message: Message) -> None:
    """Tell a staff requester (an IT request) that a public reply was posted: in the app
    and by email (held outside their contact hours, as every notification is). A customer
    requester is answered on their channel by the public reply hooks (channels emails
    the reply), so nothing is sent here for a contact: never twice."""
    ticket = message.ticket
    requester = ticket.requester_user
    if requester is None or ticket.contact_id is not None or not requester.is_active:
        return
    if requester.pk == message.author_id:
        return
    with translation.override(requester.language or None):
        title = gettext("%(author)s answered your request %(number)s") % {
            "author": message.author or gettext("Someone"),
            "number": ticket.number,
        }
    notification_send(
        recipient=requester,
        title=title,
        body=f"{ticket.subject}\n\n{excerpt(message.body_text)}",
        url=reverse("tickets:my_request", args=[ticket.pk]),
        email=True,
    )


def ticket_customer_message(
    *,
    ticket: Ticket,
    body: str,
    contact: Contact | None = None,
    author_user: User | None = None,
    attachments: Sequence[UploadedFile] = (),
    body_format: str = "markdown",
    channel: str = "",
) -> Message:
    """The requester wrote again (email, web form, or a staff requester on an IT ticket).

    Pending on them: back to open. Resolved: reopened. Closed: a new ticket is opened,
    linked to the old one, and the message goes there."""
    safe_html, text = clean_body(body, body_format)
    attachments_validate(attachments)
    with transaction.atomic():
        ticket = lock_ticket(ticket)
        if ticket.status == Status.CLOSED:
            follow_up = ticket_create(
                queue=ticket.queue if ticket.queue.is_active else fallback_queue(ticket),
                subject=ticket.subject,
                body=body,
                body_format=body_format,
                channel=channel or ticket.channel,
                contact=ticket.contact,
                requester_user=ticket.requester_user,
                priority=ticket.priority,
                category=ticket.category,
                attachments=attachments,
                actor=author_user,
            )
            Ticket.objects.filter(pk=follow_up.pk).update(follow_up_of=ticket)
            follow_up.follow_up_of = ticket
            follow_up.related.add(ticket)
            record_event(ticket, TicketEvent.Kind.FOLLOW_UP, None, new=follow_up.number)
            return follow_up.messages.get()
        now = timezone.now()
        message = Message.objects.create(
            ticket=ticket,
            kind=Message.Kind.PUBLIC,
            direction=Message.Direction.INBOUND,
            author=author_user,
            author_contact=contact or ticket.contact,
            channel=channel,
            body_html=safe_html,
            body_text=text,
            created_at=now,
        )
        if attachments:
            attachments_store(message, attachments)
        ticket.last_message_at = now
        ticket.message_count += 1
        changed = ["last_message_at", "message_count"]
        record_timeline(ticket, kinds.TICKET_CUSTOMER_MESSAGE, None, excerpt=excerpt(text))
        if ticket.status in (Status.PENDING_CUSTOMER, Status.RESOLVED):
            if ticket.status == Status.RESOLVED:
                record_event(ticket, TicketEvent.Kind.REOPENED, None)
            changed += set_status(ticket, Status.OPEN, None, now, on_timeline=False)
        save_ticket(ticket, now, changed)
        if message.author_contact_id is not None:
            customer_message_received(message)
    return message


def customer_message_receive(
    *,
    ticket: Ticket | None,
    queue: Queue,
    contact: Contact,
    subject: str,
    body: str,
    channel: str,
    body_format: str = "html",
    attachments: Sequence[UploadedFile] = (),
    received_at: dt.datetime | None = None,
) -> Message:
    """A customer's message arrived by itself (email, web form, their private page, a
    call): a new ticket in `queue`, or the next message of `ticket`. Every inbound
    channel comes through here and emits the "message received" event once; emotion
    triage and other `registry.register_customer_message_hook` hooks run in
    `ticket_create` / `ticket_customer_message`, which this calls."""
    with transaction.atomic():
        if ticket is None:
            new = ticket_create(
                queue=queue,
                subject=subject,
                body=body,
                body_format=body_format,
                channel=channel,
                contact=contact,
                attachments=attachments,
                created_at=received_at,
            )
            message = new.messages.get()
        else:
            message = ticket_customer_message(
                ticket=ticket,
                body=body,
                body_format=body_format,
                contact=contact,
                attachments=attachments,
                channel=channel,
            )
        from .. import events

        events.emit_message(message)
    return message
