"""One row of each channels model, for cross-app tests that walk every URL."""

from __future__ import annotations

from typing import Any

from channels.models import (
    AcknowledgementTemplate,
    InboundAddress,
    InboundEmail,
    Mailbox,
    OutboundEmail,
    WebFormTopic,
    WebhookDelivery,
    WebhookEndpoint,
)


def channels_objects(*, queue: Any, ticket: Any) -> dict[str, Any]:
    """URL name -> the object whose pk fills it."""
    message = ticket.messages.first()
    inbound = InboundEmail.objects.create(
        source="api",
        dedup_key=f"sample:{ticket.pk}",
        sha256="0" * 64,
        raw=b"From: a@b\r\n\r\nx",
        size=14,
        status=InboundEmail.Status.QUARANTINED,
        reason="sample",
        ticket=ticket,
    )
    outbound = OutboundEmail.objects.create(
        purpose="ticket_reply",
        ticket_message=message,
        from_address="s@relais.example",
        to=["c@exemple.fr"],
        subject="Re",
        message_id=f"sample-{ticket.pk}@relais.example",
        body_text="x",
        status=OutboundEmail.Status.FAILED,
    )
    endpoint = WebhookEndpoint.objects.create(
        name="Sample", url="https://hooks.example.com/x", secret="s", events=["ticket.created"]
    )
    delivery = WebhookDelivery.objects.create(endpoint=endpoint, event="ticket.created", payload={})
    return {
        "api-acknowledgement-detail": AcknowledgementTemplate.objects.create(
            queue=queue, language="fr", subject="Reçu", body="Reçu"
        ),
        "api-inbound-address-detail": InboundAddress.objects.create(
            address=f"sample{queue.pk}@relais.example", queue=queue
        ),
        "api-mailbox-detail": Mailbox.objects.create(
            name="Sample", host="imap.example.com", username="u"
        ),
        "api-topic-detail": WebFormTopic.objects.create(
            name_fr="Sujet", name_en="Topic", queue=queue
        ),
        "api-inbound-email-detail": inbound,
        "api-inbound-reingest": inbound,
        "api-outbound-retry": outbound,
        "api-webhook-detail": endpoint,
        "api-webhook-redeliver": delivery,
    }
