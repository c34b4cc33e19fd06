"""Where an incoming message belongs: the queue (by the address it was sent to), the
ticket it answers (by Message-ID, then by the ticket number in the subject) and the
contact who wrote it (by any of their email addresses, created when unknown)."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models.functions import Lower

from crm import services as crm_services
from crm.models import Contact, ContactEmail
from tickets.models import Queue, Ticket

from ..models import ContactOrigin, InboundAddress, InboundEmail, Mailbox, OutboundEmail
from .parse import Address, ParsedEmail

# "[T-2026-000123]", "T-2026-000123", "#T-2026-123" anywhere in the subject.
SUBJECT_NUMBER = re.compile(r"\bT-(\d{4})-0*(\d{1,12})\b", re.IGNORECASE)
_OWN_CACHE_KEY = "channels:own-addresses"


def own_addresses() -> frozenset[str]:
    """Every address we send from or receive on (cached 60 s: read on every message)."""
    cached = cache.get(_OWN_CACHE_KEY)
    if cached is not None:
        return frozenset(cached)
    addresses = {a.lower() for a in InboundAddress.objects.values_list("address", flat=True)}
    addresses |= {
        a.lower()
        for a in Queue.objects.exclude(email_address="").values_list("email_address", flat=True)
    }
    from email.utils import parseaddr

    addresses.add(parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower())
    addresses.discard("")
    cache.set(_OWN_CACHE_KEY, sorted(addresses), 60)
    return frozenset(addresses)


def forget_own_addresses() -> None:
    cache.delete(_OWN_CACHE_KEY)


def route_queue(parsed: ParsedEmail, mailbox: Mailbox | None = None) -> Queue | None:
    """The queue of the first of our addresses the message was sent to (envelope first,
    then To and Cc), else the mailbox's default, else the global default."""
    candidates = [*parsed.delivered_to, *(a.address for a in parsed.recipients)][:600]
    if candidates:
        by_address = {
            a.address: a.queue
            for a in InboundAddress.objects.filter(
                address__in=candidates, queue__is_active=True
            ).select_related("queue")
        }
        by_queue = {
            q.email_address.lower(): q
            for q in Queue.objects.filter(is_active=True)
            .annotate(lower_address=Lower("email_address"))
            .filter(lower_address__in=candidates)
        }
        for candidate in candidates:
            if candidate in by_address:
                return by_address[candidate]
            if candidate in by_queue:
                return by_queue[candidate]
    fallback = mailbox.default_queue if mailbox is not None else None
    if fallback is not None and fallback.is_active:
        return fallback
    default = (
        InboundAddress.objects.filter(is_default=True, queue__is_active=True)
        .select_related("queue")
        .first()
    )
    return default.queue if default else None


def thread_ticket(parsed: ParsedEmail, sender_contact: Contact | None) -> Ticket | None:
    """The ticket this message answers, if any."""
    ids = parsed.thread_ids[:50]
    if ids:
        from django.contrib.contenttypes.models import ContentType

        outbound = (
            OutboundEmail.objects.filter(
                message_id__in=ids, source_type=ContentType.objects.get_for_model(Ticket)
            )
            .order_by("-created_at")
            .first()
        )
        if outbound is not None and outbound.source_id is not None:
            found = Ticket.objects.select_related("queue").filter(pk=outbound.source_id).first()
            if found is not None:
                return _live(found)
        inbound = (
            InboundEmail.objects.filter(message_id__in=ids, ticket__isnull=False)
            .select_related("ticket")
            .order_by("-received_at")
            .first()
        )
        if inbound is not None and inbound.ticket is not None:
            return _live(inbound.ticket)
    # The number in the subject is guessable: trust it only from the ticket's customer.
    if sender_contact is not None:
        for match in SUBJECT_NUMBER.finditer(parsed.subject):
            ticket = (
                Ticket.objects.filter(pk=int(match.group(2)), contact=sender_contact)
                .select_related("queue")
                .first()
            )
            if ticket is not None:
                return _live(ticket)
    return None


def _live(ticket: Ticket) -> Ticket:
    """A merged ticket's messages go to the ticket it was merged into."""
    seen = {ticket.pk}
    while ticket.merged_into_id and ticket.merged_into_id not in seen:
        seen.add(ticket.merged_into_id)
        ticket = Ticket.objects.select_related("queue").get(pk=ticket.merged_into_id)
    return ticket


def contact_for(
    address: Address,
    *,
    channel: str,
    inbound: InboundEmail | None = None,
    phone: str = "",
    language: str = "",
) -> tuple[Contact, bool]:
    """The active contact with this email (oldest first), or a new one marked as
    created from this channel."""
    existing = (
        ContactEmail.objects.filter(
            email__iexact=address.address,
            contact__merged_into__isnull=True,
            contact__erased_at__isnull=True,
        )
        .select_related("contact")
        .order_by("contact_id")
        .first()
    )
    if existing is not None:
        return existing.contact, False
    first, last = _split_name(address.name, address.address)
    fields: dict[str, Any] = {"first_name": first}
    if language in ("fr", "en"):
        fields["preferred_language"] = language
    phones = [phone] if phone else []
    try:
        contact = crm_services.contact_create(
            actor=None,
            last_name=last,
            emails=[address.address],
            phones=phones,
            allow_duplicate=True,
            **fields,
        )
    except Exception:
        contact = crm_services.contact_create(
            actor=None,
            last_name=last or address.address,
            emails=[address.address],
            allow_duplicate=True,
        )
    ContactOrigin.objects.create(contact=contact, channel=channel, inbound_email=inbound)
    return contact, True


def _split_name(display: str, address: str) -> tuple[str, str]:
    display = " ".join((display or "").replace('"', " ").split()).strip("'")[:150]
    if "@" in display:  # "zoe@exemple.fr" <zoe@exemple.fr>: no name, only the address
        display = ""
    if "," in display:  # "Lefèvre, Zoé" (Outlook, Lotus)
        last, _sep, first = display.partition(",")
        return first.strip()[:100], last.strip()[:100] or address
    parts = display.split(" ")
    if len(parts) >= 2:
        return " ".join(parts[:-1])[:100], parts[-1][:100]
    if display:
        return "", display[:100]
    local = address.split("@", 1)[0]
    pieces = [p for p in re.split(r"[._\-+]", local) if p and not p.isdigit()]
    if len(pieces) >= 2:
        return pieces[0].capitalize()[:100], pieces[-1].capitalize()[:100]
    return "", (local or address)[:100]
