"""The customer's private link to a ticket: signed, so no account and no guessable id.
It names the ticket and the contact; the contact must still be the ticket's customer."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from tickets.models import Ticket

SALT = "channels.portal"


def portal_token(ticket: Ticket) -> str:
    return signing.dumps({"t": ticket.pk, "c": ticket.contact_id}, salt=SALT, compress=True)


def portal_url(ticket: Ticket) -> str:
    path = reverse("channels:portal", args=[portal_token(ticket)])
    return settings.RELAIS_PUBLIC_URL.rstrip("/") + path


def ticket_from_token(token: str) -> Ticket | None:
    try:
        data = signing.loads(token[:500], salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    pk = data.get("t")
    if not isinstance(pk, int):
        return None
    ticket = Ticket.objects.select_related("queue", "contact").filter(pk=pk).first()
    if ticket is None or ticket.contact_id is None or ticket.contact_id != data.get("c"):
        return None
    while ticket.merged_into_id:
        merged = Ticket.objects.select_related("queue", "contact").get(pk=ticket.merged_into_id)
        if merged.contact_id != ticket.contact_id:
            break
        ticket = merged
    return ticket
