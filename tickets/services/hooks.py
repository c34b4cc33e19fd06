"""The desk's part of the shared record's merge, erase and export (registered with
crm.registry in TicketsConfig.ready())."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext

from crm.models import Contact

from ..models import Message, Ticket


def contact_merge_hook(survivor: Contact, duplicate: Contact) -> None:
    Ticket.objects.filter(contact=duplicate).update(contact=survivor)
    Message.objects.filter(author_contact=duplicate).update(author_contact=survivor)


def contact_erase_hook(contact: Contact) -> None:
    """Erasure: the customer's own words go whole (what a declaration cannot say: it
    depends on the direction). Subjects, replies, notes, attachments and events are
    declared in tickets/privacy.py; the ticket skeleton (dates, status) stays for the
    statistics, as the erased contact's counts do."""
    erased = gettext("[erased on request]")
    Message.objects.filter(ticket__contact=contact, direction=Message.Direction.INBOUND).update(
        body_html=erased, body_text=erased
    )


def contact_export_hook(contact: Contact) -> dict[str, Any]:
    return {
        "tickets": [
            {
                "number": t.number,
                "subject": t.subject,
                "status": t.status,
                "created_at": t.created_at.isoformat(),
                "messages": [
                    {"at": m.created_at.isoformat(), "direction": m.direction, "text": m.body_text}
                    for m in t.messages.all()
                    if m.kind == Message.Kind.PUBLIC
                ],
            }
            for t in Ticket.objects.filter(contact=contact).prefetch_related("messages")
        ]
    }
