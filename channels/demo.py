"""Demo data for channels: addresses and topics, acknowledgement templates, tickets that
came by email (with threads, an auto-reply and a bounce), web form tickets, quarantined
mail, an IMAP mailbox (inactive) and a webhook endpoint with its delivery log.

Everything goes through the real services (the raw mail is parsed and processed as a
gateway's would be), so the demo shows what production would store."""

from __future__ import annotations

from django.utils import timezone

from accounts.demo import DEMO_DOMAIN, DemoContext
from tickets import services as ticket_services
from tickets.models import Queue

from .inbound import routing
from .inbound.services import inbound_process, inbound_receive
from .models import (
    AcknowledgementTemplate,
    InboundAddress,
    InboundEmail,
    Mailbox,
    OutboundEmail,
    WebFormTopic,
    WebhookDelivery,
    WebhookEndpoint,
)
from .webform.services import webform_submit

CUSTOMERS = [
    ("Zoé", "Lefèvre", "fr", "Ma facture de mars compte deux fois l'abonnement."),
    ("Jérôme", "Béranger", "fr", "La télécommande achetée 50 € ne fonctionne plus."),
    ("Émilie", "Garnier", "fr", "Le colis n'est toujours pas arrivé après dix jours."),
    ("Oliver", "Shaw", "en", "My router keeps disconnecting every evening around 6pm."),
    ("André", "Moreau", "fr", "Je souhaite résilier mon abonnement au 31 du mois."),
    ("Emily", "Clarke", "en", "I cannot log in: the page says my password is wrong."),
    ("Nadia", "Roux", "fr", "Le produit reçu est abîmé, je joins une photo."),
    ("Paul", "Martin", "fr", "Pourriez-vous nous adresser un devis pour 12 unités ?"),
]
SUBJECTS = [
    "Facture incorrecte",
    "Télécommande en panne",
    "Livraison en retard",
    "Router disconnects",
    "Résiliation",
    "Login problem",
    "Produit abîmé",
    "Demande de devis",
]


def _raw(
    *, sender: str, to: str, subject: str, body: str, message_id: str, headers: str = ""
) -> bytes:
    lines = [
        f"From: {sender}",
        f"To: {to}",
        f"Subject: {subject}",
        f"Date: {timezone.now():%a, %d %b %Y %H:%M:%S +0000}",
        f"Message-ID: <{message_id}>",
    ]
    if headers:
        lines.append(headers)
    lines += [
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
        "",
        body,
        "",
    ]
    return "\r\n".join(lines).encode()


def _ingest(raw: bytes, source: str = InboundEmail.Source.DEMO) -> InboundEmail:
    row, _created = inbound_receive(raw=raw, source=source)
    inbound_process(inbound_id=row.pk)
    row.refresh_from_db()
    return row


def seed_channels(ctx: DemoContext) -> None:
    if InboundAddress.objects.exists():
        ctx.log("channels already present")
        return
    service = Queue.objects.filter(kind=Queue.Kind.SERVICE).order_by("pk").first()
    if service is None:
        ctx.log("channels: no service queue, skipped")
        return
    complaints = Queue.objects.filter(name="Réclamations").first() or service
    InboundAddress.objects.create(address=f"support@{DEMO_DOMAIN}", queue=service, is_default=True)
    InboundAddress.objects.create(address=f"sav@{DEMO_DOMAIN}", queue=service)
    InboundAddress.objects.create(address=f"litiges@{DEMO_DOMAIN}", queue=complaints)
    routing.forget_own_addresses()
    for order, (fr, en, queue) in enumerate(
        [
            ("Facturation", "Billing", service),
            ("Livraison", "Delivery", service),
            ("Panne ou problème technique", "Fault or technical problem", service),
            ("Réclamation", "Complaint", complaints),
        ]
    ):
        WebFormTopic.objects.create(name_fr=fr, name_en=en, queue=queue, order=order)
    for queue in (service, complaints):
        AcknowledgementTemplate.objects.create(
            queue=queue,
            language="fr",
            subject="Nous avons bien reçu votre demande",
            body="Bonjour {{ contact.first_name }},\n\nVotre demande est enregistrée sous le "
            "numéro **{{ ticket.number }}**. Nous vous répondons au plus vite.\n\n"
            "Le service client",
        )
        AcknowledgementTemplate.objects.create(
            queue=queue,
            language="en",
            subject="We have received your request",
            body="Hello {{ contact.first_name }},\n\nYour request is registered as "
            "**{{ ticket.number }}**. We will answer you shortly.\n\nCustomer service",
        )
    agents = ctx.registry.get("agents") or []
    # Email tickets, half of them with a reply and the customer's answer threaded back.
    for i, (first, last, _lang, body) in enumerate(CUSTOMERS):
        address = f"{first.lower()}.{last.lower()}@exemple.fr".replace("é", "e").replace("è", "e")
        address = address.replace("É", "e").replace("ô", "o")
        row = _ingest(
            _raw(
                sender=f"{first} {last} <{address}>",
                to=f"support@{DEMO_DOMAIN}",
                subject=SUBJECTS[i],
                body=f"Bonjour,\n\n{body}\n\n{first}",
                message_id=f"demo-{i}@exemple.fr",
            )
        )
        if row.ticket is None or not agents or i % 2:
            continue
        agent = agents[i % len(agents)]
        ticket_services.ticket_reply(
            ticket=row.ticket,
            author=agent,
            body=f"Bonjour {first},\n\nNous regardons cela tout de suite.",
        )
        sent = OutboundEmail.objects.filter(ticket_message__ticket=row.ticket).latest("created_at")
        OutboundEmail.objects.filter(pk=sent.pk).update(
            status=OutboundEmail.Status.SENT, sent_at=timezone.now(), attempts=1
        )
        _ingest(
            _raw(
                sender=f"{first} {last} <{address}>",
                to=f"support@{DEMO_DOMAIN}",
                subject=f"Re: [{row.ticket.number}] {SUBJECTS[i]}",
                body=f"Merci !\n\nLe {timezone.now():%d/%m/%Y}, Service client a écrit :\n"
                "> Nous regardons cela tout de suite.",
                message_id=f"demo-answer-{i}@exemple.fr",
                headers=f"In-Reply-To: <{sent.message_id}>\r\nReferences: <{sent.message_id}>",
            )
        )
        if i == 2:  # the customer's address then fails: a bounce attached to our reply
            _ingest(
                _raw(
                    sender=f"MAILER-DAEMON@mx.{DEMO_DOMAIN}",
                    to=f"support@{DEMO_DOMAIN}",
                    subject="Undelivered Mail Returned to Sender",
                    body=f"Final-Recipient: rfc822; {address}\nStatus: 5.1.1\n\n"
                    f"Message-ID: <{sent.message_id}>",
                    message_id=f"demo-bounce-{i}@mx.{DEMO_DOMAIN}",
                    headers="Return-Path: <>\r\nX-Failed-Recipients: " + address,
                )
            )
    _ingest(
        _raw(
            sender="absent@exemple.fr",
            to=f"support@{DEMO_DOMAIN}",
            subject="Réponse automatique : absent",
            body="Je suis absent jusqu'à lundi.",
            message_id="demo-oof@exemple.fr",
            headers="Auto-Submitted: auto-replied",
        )
    )
    # Web form tickets.
    topics = list(WebFormTopic.objects.order_by("order"))
    for i, (first, last, lang, body) in enumerate(CUSTOMERS[:4]):
        webform_submit(
            name=f"{first} {last}",
            email=f"web.{i}@exemple.fr",
            subject=SUBJECTS[i],
            message=body,
            topic=topics[i % len(topics)],
            language=lang,
            phone="06 12 34 56 7" + str(i),
        )
    # Quarantine: what could not be processed, with its reason.
    _ingest(b"\x00\xff garbage that is no email at all")
    _ingest(
        _raw(
            sender="spam@exemple.fr",
            to=", ".join(f"r{i}@exemple.fr" for i in range(600)),
            subject="Offre",
            body="Offre",
            message_id="demo-spam@exemple.fr",
        )
    )
    _ingest(
        _raw(
            sender="client@ailleurs.example",
            to=f"support@{DEMO_DOMAIN}",
            subject="x" * 20_000,
            body="Bonjour",
            message_id="demo-long-subject@x",
        )
    )
    Mailbox.objects.create(
        name="Boîte support (exemple)",
        host="imap.example.com",
        port=993,
        username=f"support@{DEMO_DOMAIN}",
        password_env="RELAIS_IMAP_PASSWORD",  # noqa: S106
        is_active=False,
    )
    endpoint = WebhookEndpoint.objects.create(
        name="CRM externe (exemple)",
        url="https://hooks.example.com/relais",
        secret="demo-secret-change-me",  # noqa: S106
        events=["ticket.created", "ticket.resolved"],
        is_active=False,
    )
    for status, code, error in (("success", 200, ""), ("failed", 503, "HTTP 503")):
        WebhookDelivery.objects.create(
            endpoint=endpoint,
            event="ticket.created",
            payload={},
            status=status,
            attempts=1 if code == 200 else 8,
            response_status=code,
            latency_ms=120,
            error=error,
            last_attempt_at=timezone.now(),
        )
    # The demo is history: what the desk "sent" then is recorded as sent, not mailed now.
    OutboundEmail.objects.filter(status=OutboundEmail.Status.QUEUED).update(
        status=OutboundEmail.Status.SENT, sent_at=timezone.now(), attempts=1
    )
    ctx.log(
        f"channels: {InboundEmail.objects.count()} emails, "
        f"{InboundEmail.objects.filter(status='quarantined').count()} quarantined"
    )
