"""Outgoing mail on a real SMTP conversation (aiosmtpd): headers, threading, parts,
attachments, failures with retry, acknowledgements."""

from __future__ import annotations

import email
from email import policy

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from channels.inbound import services as inbound
from channels.models import AcknowledgementTemplate, InboundEmail, OutboundEmail
from channels.outbound import services as outbound
from tickets import services as ticket_services
from tickets.models import Message, Ticket

from .factories import eml, simple_email

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def receive(raw: bytes) -> InboundEmail:
    with TestCase.captureOnCommitCallbacks(execute=True):
        row, _created = inbound.inbound_receive(raw=raw, source=InboundEmail.Source.API)
    row.refresh_from_db()
    return row


def reply(ticket: Ticket, author, body: str = "Bonjour, c'est corrigé.", **kwargs) -> Message:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return ticket_services.ticket_reply(ticket=ticket, author=author, body=body, **kwargs)


def test_public_reply_reaches_the_smtp_server_threaded_from_the_queue_address(
    maildesk, smtp_server
):
    first = receive(
        simple_email(
            sender="Zoé Lefèvre <zoe@exemple.fr>", subject="Facture", message_id="cust-1@exemple.fr"
        )
    )
    ticket = first.ticket
    attachment = SimpleUploadedFile("avoir.pdf", PDF, "application/pdf")
    message = reply(
        ticket, maildesk.agent, body="Bonjour **Zoé**, voici l'avoir.", attachments=[attachment]
    )
    received = smtp_server.wait_for(1)[0]
    assert received.rcpt_tos == ["zoe@exemple.fr"]
    parsed = email.message_from_bytes(received.data, policy=policy.default)
    assert parsed["From"] == "Service client <support@relais.example>"
    assert parsed["To"] == "zoe@exemple.fr"
    assert parsed["Subject"] == f"Re: [{ticket.number}] Facture"
    assert parsed["In-Reply-To"] == "<cust-1@exemple.fr>"
    assert "<cust-1@exemple.fr>" in parsed["References"]
    row = OutboundEmail.objects.get(ticket_message=message)
    assert parsed["Message-ID"] == f"<{row.message_id}>"
    assert row.status == OutboundEmail.Status.SENT
    assert parsed.get_body(("plain",)).get_content().startswith("Bonjour Zoé, voici l'avoir.")
    assert "<strong>Zoé</strong>" in parsed.get_body(("html",)).get_content()
    names = [part.get_filename() for part in parsed.iter_attachments()]
    assert names == ["avoir.pdf"]
    message.refresh_from_db()
    assert message.channel == "email"


def test_the_customer_answer_to_our_reply_threads_onto_the_same_ticket(maildesk, smtp_server):
    first = receive(
        simple_email(
            sender="zoe.lefevre@gmail.com", message_id="c1@gmail.com", subject="Livraison en retard"
        )
    )
    reply(first.ticket, maildesk.agent)
    sent = OutboundEmail.objects.get()
    answer = receive(eml("gmail_fr_reply.eml", NUMBER=first.ticket.number, OUR_ID=sent.message_id))
    assert answer.ticket == first.ticket
    assert first.ticket.messages.count() == 3


def test_internal_notes_are_never_emailed(maildesk, smtp_server):
    first = receive(simple_email())
    reply(first.ticket, maildesk.agent, kind="note", body="Note interne")
    assert OutboundEmail.objects.count() == 0


def test_a_refused_delivery_is_shown_failed_and_retry_sends_it(maildesk, smtp_server, settings):
    first = receive(simple_email())
    smtp_server.fail_next = 1
    message = reply(first.ticket, maildesk.agent)
    row = OutboundEmail.objects.get(ticket_message=message)
    assert row.status == OutboundEmail.Status.FAILED
    assert "451" in row.last_error
    with TestCase.captureOnCommitCallbacks(execute=True):
        outbound.outbound_retry(outbound=row)
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.SENT
    assert len(smtp_server.wait_for(1)) == 1


def test_retry_refuses_an_email_that_did_not_fail(maildesk, smtp_server):
    first = receive(simple_email())
    message = reply(first.ticket, maildesk.agent)
    row = OutboundEmail.objects.get(ticket_message=message)
    with pytest.raises(ValidationError) as info:
        outbound.outbound_retry(outbound=row)
    assert outbound.ERROR_NOT_FAILED in info.value.messages


@pytest.mark.parametrize(("language", "expected"), [("fr", "Bien reçu"), ("en", "Received")])
def test_new_ticket_is_acknowledged_in_the_customer_language(
    maildesk, smtp_server, language, expected
):
    from crm import services as crm_services

    crm_services.contact_create(
        actor=None,
        first_name="Zoé",
        last_name="Lefèvre",
        emails=["zoe@exemple.fr"],
        preferred_language=language,
    )
    AcknowledgementTemplate.objects.create(
        queue=maildesk.queue,
        language="fr",
        subject="Bien reçu : {{ ticket.subject }}",
        body="Bonjour {{ contact.first_name }}, votre demande {{ ticket.number }} est bien reçue.",
    )
    AcknowledgementTemplate.objects.create(
        queue=maildesk.queue,
        language="en",
        subject="Received: {{ ticket.subject }}",
        body="Hello {{ contact.first_name }}, request {{ ticket.number }} received.",
    )
    row = receive(simple_email(sender="zoe@exemple.fr", subject="Colis"))
    received = smtp_server.wait_for(1)[0]
    parsed = email.message_from_bytes(received.data, policy=policy.default)
    assert parsed["Subject"] == f"[{row.ticket.number}] {expected}" + (
        " : Colis" if language == "fr" else ": Colis"
    )
    assert parsed["Auto-Submitted"] == "auto-replied"
    assert parsed["In-Reply-To"] == "<q-1@exemple.fr>"
    assert row.ticket.number in parsed.get_body(("plain",)).get_content()


def test_automatic_mail_is_never_acknowledged(maildesk, smtp_server):
    AcknowledgementTemplate.objects.create(
        queue=maildesk.queue, language="fr", subject="Reçu", body="Reçu"
    )
    receive(eml("auto_reply_x_autoreply.eml"))
    receive(simple_email(headers="Precedence: bulk"))
    assert OutboundEmail.objects.count() == 0


def test_email_send_is_reusable_with_extra_headers_and_refuses_injection(maildesk, smtp_server):
    with TestCase.captureOnCommitCallbacks(execute=True):
        row = outbound.email_send(
            purpose="campaign:42",
            to=["a@exemple.fr\r\nBcc: victim@example.com"],
            subject="Offre\r\nBcc: x@y",
            text="Bonjour",
            headers={"List-Unsubscribe": "<mailto:u@x>"},
        )
    received = smtp_server.wait_for(1)[0]
    assert len(received.rcpt_tos) == 1
    assert "victim@example.com" not in received.rcpt_tos
    parsed = email.message_from_bytes(received.data, policy=policy.default)
    assert "Bcc" not in parsed
    assert parsed["List-Unsubscribe"] == "<mailto:u@x>"
    assert row.status == OutboundEmail.Status.QUEUED
    with pytest.raises(ValidationError) as info:
        outbound.email_send(
            purpose="x", to=["a@b.fr"], subject="s", text="t", headers={"Bad\nName": "v"}
        )
    assert info.value.code == "header"


def test_bounce_hooks_hear_of_permanent_bounces(maildesk, smtp_server):
    heard = []
    outbound.register_bounce_hook("campaign:", heard.append)
    with TestCase.captureOnCommitCallbacks(execute=True):
        row = outbound.email_send(
            purpose="campaign:7", to=["nobody@exemple.fr"], subject="s", text="t"
        )
    receive(eml("bounce_dsn.eml", NUMBER="x", OUR_ID=row.message_id))
    assert [r.pk for r in heard] == [row.pk]


def test_a_phone_ticket_customer_gets_the_public_reply_once_by_email(maildesk, smtp_server):
    # Issue 9: a requester who is a customer is told of a public reply, on their email
    # even when the ticket was logged from a call, and once (no staff notification too).
    from crm.tests.factories import ContactFactory
    from tickets.tests.factories import open_ticket

    contact = ContactFactory(emails=["ines.r@exemple.fr"])
    ticket = open_ticket(maildesk, contact=contact, channel=Ticket.Channel.PHONE)
    reply(ticket, maildesk.agent, body="Nous passons demain.")
    received = smtp_server.wait_for(1)
    assert [r.rcpt_tos for r in received] == [["ines.r@exemple.fr"]]
    assert OutboundEmail.objects.filter(ticket_message__ticket=ticket).count() == 1
    from accounts.models import Notification

    assert not Notification.objects.filter(body__contains="Nous passons demain").exists()
