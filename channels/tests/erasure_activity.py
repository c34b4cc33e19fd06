"""channels' rows for the erase-and-dump test (tests/test_erasure_dump.py): an inbound
email from the person (raw source stored), a quarantined one that never became a ticket,
the agent's emailed reply and the acknowledgement (outbound records), a web form
submission, and a webhook delivery whose payload quotes them."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from channels.inbound import routing
from channels.inbound.services import inbound_receive
from channels.models import (
    InboundAddress,
    InboundEmail,
    WebFormTopic,
    WebhookDelivery,
    WebhookEndpoint,
)
from channels.tests.factories import simple_email
from channels.webform.services import webform_submit
from crm.tests.erasure_activity import identity
from tickets import services as ticket_services
from tickets.tests.factories import QueueFactory


def create_activity(contact: Any, staff: dict[str, Any]) -> None:
    who = identity(contact)
    queue = QueueFactory(name="Erasure channels", email_address="erasure@relais.example")
    InboundAddress.objects.create(address="erasure@relais.example", queue=queue)
    routing.forget_own_addresses()
    row, _created = inbound_receive(
        raw=simple_email(
            sender=f"{who.full_name} <{who.email}>",
            to="erasure@relais.example",
            subject=f"Demande de {who.full_name}",
            body=f"Bonjour, je suis {who.sentence()}",
            message_id="erasure-1@exemple.net",
        ),
        source=InboundEmail.Source.API,
    )
    row.refresh_from_db()
    assert row.ticket_id is not None, row.reason
    ticket_services.ticket_reply(
        ticket=row.ticket, author=staff["agent"], body=f"Bonjour {who.full_name}, c'est noté."
    )
    # Mail from the person that never reached a ticket.
    raw = simple_email(
        sender=who.email,
        subject=f"Relance {who.last_name}",
        body=who.sentence(),
        message_id="erasure-2@exemple.net",
    )
    InboundEmail.objects.create(
        source=InboundEmail.Source.API,
        dedup_key="erasure-2@exemple.net",
        message_id="erasure-2@exemple.net",
        sha256="0" * 64,
        raw=raw,
        size=len(raw),
        status=InboundEmail.Status.QUARANTINED,
        reason=f"Trop de messages de {who.email}",
        sender=who.email,
        recipients=[who.emails[-1]],
        subject=f"Relance {who.last_name}",
    )
    topic = WebFormTopic.objects.create(name_fr="Effacement", name_en="Erasure", queue=queue)
    webform_submit(
        name=who.full_name,
        email=who.email,
        subject=f"Formulaire de {who.last_name}",
        message=f"Message du formulaire : {who.sentence()}",
        topic=topic,
        phone=who.national,
        customer_number=f"CLI-{who.last_name}",
    )
    endpoint = WebhookEndpoint.objects.create(
        name="ERP",
        url="https://erp.example.com/hook",
        secret="s" * 32,
        events=["*"],
        is_active=False,
    )
    WebhookDelivery.objects.create(
        endpoint=endpoint,
        event="ticket.created",
        payload={
            "event": "ticket.created",
            "data": {
                "contact": {"name": who.full_name, "email": who.email, "phone": who.phone},
                "subject": f"Demande {who.last_name}",
            },
        },
        status=WebhookDelivery.Status.FAILED,
        response_excerpt=f"unknown customer {who.email}",
        error="HTTP 422",
        last_attempt_at=timezone.now(),
    )
