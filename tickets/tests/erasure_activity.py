"""The desk's rows for the erase-and-dump test (tests/test_erasure_dump.py): a ticket
whose subject names the person and is then changed, replies and an internal note quoting
the identifiers, an attachment (a file on disk), the customer's own message."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from crm.tests.erasure_activity import identity
from tickets import services
from tickets.models import Message, Ticket
from tickets.tests.factories import desk


def create_activity(contact: Any, staff: dict[str, Any]) -> None:
    who = identity(contact)
    d = desk()
    ticket = services.ticket_create(
        queue=d.queue,
        contact=contact,
        channel=Ticket.Channel.PHONE,
        actor=d.agent,
        subject=f"Box en panne chez {who.full_name}",
        body=f"Appel de {who.sentence()}",
        attachments=[
            SimpleUploadedFile(f"{who.last_name}.txt", who.sentence().encode(), "text/plain")
        ],
    )
    services.ticket_reply(
        ticket=ticket,
        author=d.agent,
        body=f"Bonjour {who.first_name}, nous vous rappelons au {who.national}.",
    )
    services.ticket_reply(
        ticket=ticket,
        author=d.agent,
        kind=Message.Kind.NOTE,
        body=f"Note interne : {who.sentence()}",
    )
    ticket.refresh_from_db()
    services.ticket_update(ticket=ticket, actor=d.agent, subject=f"Panne {who.email}")
    services.customer_message_receive(
        ticket=ticket,
        queue=d.queue,
        contact=contact,
        subject=ticket.subject,
        body=f"<p>Merci, ici {who.sentence()}</p>",
        channel=Ticket.Channel.EMAIL,
    )
