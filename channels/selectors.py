"""Reads for channels' pages and API."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import InboundEmail, OutboundEmail, WebhookDelivery

LIST_FIELDS = (
    "id",
    "source",
    "status",
    "reason",
    "sender",
    "subject",
    "size",
    "received_at",
    "processed_at",
    "ticket_id",
    "message_id",
    "raw_truncated",
    "mailbox_id",
)


def inbound_list(*, status: str | None = None) -> QuerySet[InboundEmail]:
    rows = InboundEmail.objects.only(*LIST_FIELDS).select_related("ticket")
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-received_at", "-id")


def quarantine_list() -> QuerySet[InboundEmail]:
    return inbound_list(status=InboundEmail.Status.QUARANTINED)


def outbound_for_messages(message_ids: list[int]) -> dict[int, OutboundEmail]:
    """The latest email sent for each ticket message (one query for a page)."""
    latest: dict[int, OutboundEmail] = {}
    rows = OutboundEmail.objects.filter(ticket_message_id__in=message_ids).defer(
        "body_text", "body_html"
    )
    for row in rows.order_by("created_at", "id"):
        latest[row.ticket_message_id] = row  # type: ignore[index]
    return latest


def inbound_for_messages(message_ids: list[int]) -> dict[int, InboundEmail]:
    rows = InboundEmail.objects.filter(ticket_message__in=message_ids).only(
        "id", "sender", "recipients", "subject", "message_id", "received_at", "ticket_message"
    )
    return {row.ticket_message_id: row for row in rows}  # type: ignore[misc]


def deliveries_list(*, endpoint_id: int | None = None) -> QuerySet[WebhookDelivery]:
    rows = WebhookDelivery.objects.select_related("endpoint").defer("payload")
    if endpoint_id:
        rows = rows.filter(endpoint_id=endpoint_id)
    return rows.order_by("-created_at", "-id")
