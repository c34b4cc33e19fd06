"""Channels' fragments on the ticket page (tickets.registry.MessageExtra)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest

from tickets.models import Message
from tickets.registry import MessageExtra

from . import selectors


def _email_details(messages: Sequence[Message], request: HttpRequest) -> dict[int, dict[str, Any]]:
    """Sender, recipients, "show original" for inbound email; delivery status and "retry"
    for what we sent. Two queries for the whole page."""
    ids = [m.pk for m in messages]
    inbound = selectors.inbound_for_messages(ids)
    outbound = selectors.outbound_for_messages(ids)
    result: dict[int, dict[str, Any]] = {}
    for message_id in ids:
        row_in = inbound.get(message_id)
        row_out = outbound.get(message_id)
        if row_in is not None or row_out is not None:
            result[message_id] = {"inbound": row_in, "outbound": row_out}
    return result


email_extra = MessageExtra(
    key="channels.email", template="channels/ticket_message_email.html", loader=_email_details
)
