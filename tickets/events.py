"""The service desk's integration events (relais.events): what outbound webhooks and any
later subscriber hear. Emitted inside the services' transactions; subscribers defer."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from relais import events

from .models import Message, Ticket

TICKET_CREATED = "ticket.created"
TICKET_UPDATED = "ticket.updated"
TICKET_RESOLVED = "ticket.resolved"
MESSAGE_RECEIVED = "message.received"


def register() -> None:
    events.register_event_type(TICKET_CREATED, _("Ticket created"), app="tickets")
    events.register_event_type(TICKET_UPDATED, _("Ticket updated"), app="tickets")
    events.register_event_type(TICKET_RESOLVED, _("Ticket resolved"), app="tickets")
    events.register_event_type(MESSAGE_RECEIVED, _("Customer message received"), app="tickets")


def ticket_payload(ticket: Ticket) -> dict[str, Any]:
    return {
        "id": ticket.pk,
        "number": ticket.number,
        "subject": ticket.subject,
        "status": ticket.status,
        "priority": ticket.priority,
        "channel": ticket.channel,
        "queue_id": ticket.queue_id,
        "contact_id": ticket.contact_id,
        "assignee_id": ticket.assignee_id,
        "created_at": ticket.created_at.isoformat() if ticket.created_at else None,
        "updated_at": ticket.updated_at.isoformat() if ticket.updated_at else None,
        "url": settings.RELAIS_PUBLIC_URL.rstrip("/") + ticket.get_absolute_url(),
    }


def emit_ticket(code: str, ticket: Ticket, **extra: Any) -> None:
    events.emit(code, {"ticket": ticket_payload(ticket), **extra})


def emit_message(message: Message) -> None:
    events.emit(
        MESSAGE_RECEIVED,
        {
            "ticket": ticket_payload(message.ticket),
            "message": {
                "id": message.pk,
                "channel": message.channel,
                "created_at": message.created_at.isoformat(),
                "text": message.body_text[:10_000],
                "contact_id": message.author_contact_id,
            },
        },
    )
