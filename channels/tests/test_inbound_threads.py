"""Hostile inbound email (2/3): deduplication, threading, reply stripping, automatic mail,
contacts and routing."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail

from channels.models import InboundEmail, OutboundEmail
from crm.models import Contact
from tickets.models import Message, Ticket

from .hostile import headers, processed, raw_mail, receive

pytestmark = pytest.mark.django_db

# --- deduplication -----------------------------------------------------------------------


def test_duplicate_message_id_delivered_twice_even_with_different_transport_headers(maildesk):
    body = [*headers(message_id="dup-1@exemple.fr"), "Content-Type: text/plain", "", "Bonjour."]
    first = receive(raw_mail("Received: from a by b; Thu, 3 Dec 2026 10:00:01 +0100", *body))
    second = receive(raw_mail("Received: from c by d; Thu, 3 Dec 2026 10:00:09 +0100", *body))
    assert first.pk == second.pk
    assert (Ticket.objects.count(), Message.objects.count(), Contact.objects.count()) == (1, 1, 1)


def test_no_message_id_identical_bytes_are_stored_once(maildesk):
    raw = raw_mail(*headers(message_id=None), "Content-Type: text/plain", "", "Sans identifiant.")
    assert receive(raw).pk == receive(raw).pk
    assert InboundEmail.objects.get().dedup_key.startswith("sha:")
    assert Ticket.objects.count() == 1


def test_message_id_dedup_ignores_the_case_of_the_brackets_spacing(maildesk):
    body = ["Content-Type: text/plain", "", "Bonjour."]
    receive(raw_mail(*headers(message_id="Space-1@exemple.fr"), *body))
    receive(
        raw_mail(*headers(message_id=None, extra=("Message-ID:   <Space-1@exemple.fr> ",)), *body)
    )
    assert Ticket.objects.count() == 1


# --- threading ---------------------------------------------------------------------------


def _our_message(ticket: Ticket, message_id: str) -> OutboundEmail:
    return OutboundEmail.objects.create(
        purpose="ticket_reply",
        ticket_message=ticket.messages.first(),
        from_address="support@relais.example",
        to=["zoe@exemple.fr"],
        subject=f"Re: [{ticket.number}] {ticket.subject}",
        message_id=message_id,
        body_text="Votre colis est en route.",
        source_type=ContentType.objects.get_for_model(Ticket),
        source_id=ticket.pk,
        status=OutboundEmail.Status.SENT,
    )


def test_in_reply_to_and_references_thread_onto_the_ticket(maildesk):
    ticket = processed(raw_mail(*headers(), "", "Premier message.")).ticket
    _our_message(ticket, "our-77@relais.example")
    reply = processed(
        raw_mail(
            *headers(
                subject="Sans rapport",
                message_id="h-2@exemple.fr",
                extra=(
                    "In-Reply-To: <unknown@elsewhere>",
                    "References: <h-1@exemple.fr>\r\n <our-77@relais.example>",
                ),
            ),
            "",
            "Toujours rien reçu.",
        )
    )
    assert reply.ticket == ticket
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize(
    "prefix", ["RE:", "Re :", "TR:", "Réf.", "AW:", "Fwd:", "RE: TR:", "[EXT] Re:", "Antw:"]
)
def test_ticket_number_in_the_subject_threads_whatever_the_prefix(maildesk, prefix):
    ticket = processed(raw_mail(*headers(), "", "Premier message.")).ticket
    reply = processed(
        raw_mail(
            *headers(
                sender="ZOE@EXEMPLE.FR",
                subject=f"{prefix} [{ticket.number}] Question",
                message_id="h-2@exemple.fr",
            ),
            "",
            "Une précision.",
        )
    )
    assert reply.ticket == ticket


def test_ticket_number_threads_with_an_encoded_word_subject(maildesk):
    ticket = processed(raw_mail(*headers(), "", "Premier message.")).ticket
    encoded = "=?utf-8?q?R=C3=A9f=2E_=5B" + ticket.number.replace("-", "=2D") + "=5D_suite?="
    reply = processed(raw_mail(*headers(subject=encoded, message_id="h-3@exemple.fr"), "", "x"))
    assert reply.ticket == ticket


def test_french_quoted_history_outlook_headers_and_signature_are_stripped(maildesk):
    ticket = processed(raw_mail(*headers(), "", "Premier message.")).ticket
    _our_message(ticket, "our-9@relais.example")
    body = (
        "Merci, mais le colis n’est toujours pas arrivé.\n"
        "\n"
        "-- \n"
        "Zoé Lefèvre\n"
        "06 12 34 56 78\n"
        "\n"
        "Le lun. 3 déc. 2026 à 10:00, Support Relais <support@relais.example> a écrit :\n"
        "> Votre colis est en route.\n"
        "> Bonne journée\n"
    )
    row = processed(
        raw_mail(
            *headers(
                subject=f"RE: [{ticket.number}] Question",
                message_id="h-4@exemple.fr",
                extra=("In-Reply-To: <our-9@relais.example>",),
            ),
            "Content-Type: text/plain; charset=utf-8",
            "",
            body,
        )
    )
    text = row.ticket_message.body_text
    assert text.startswith("Merci, mais le colis n’est toujours pas arrivé.")
    assert "Votre colis est en route" not in text
    assert "06 12 34 56 78" not in text
    assert b"Votre colis est en route" in bytes(row.raw)  # the original is kept


def test_outlook_de_envoye_block_is_stripped(maildesk):
    ticket = processed(raw_mail(*headers(), "", "Premier message.")).ticket
    body = (
        "Bonjour,\r\n\r\nJe vous renvoie le bon de retour signé.\r\n\r\nCordialement,\r\n"
        "Zoé\r\n\r\n"
        "De : Support Relais <support@relais.example>\r\n"
        "Envoyé : lundi 3 décembre 2026 10:00\r\n"
        "À : Zoé Lefèvre <zoe@exemple.fr>\r\n"
        f"Objet : [{ticket.number}] Question\r\n"
        "\r\n"
        "Pouvez-vous nous renvoyer le bon de retour ?\r\n"
    )
    row = processed(
        raw_mail(
            *headers(subject=f"RE: [{ticket.number}] Question", message_id="h-5@exemple.fr"),
            "Content-Type: text/plain; charset=windows-1252",
            "Content-Transfer-Encoding: 8bit",
            "",
            body.encode("cp1252"),
        )
    )
    assert row.ticket == ticket
    text = row.ticket_message.body_text
    assert "Je vous renvoie le bon de retour signé." in text
    assert "Pouvez-vous nous renvoyer" not in text
    assert "Envoyé" not in text


@pytest.mark.parametrize(
    "tail",
    [
        "-----Message d'origine-----\nDe : Support\nEnvoyé : lundi 3 décembre 2026 10:00\n"
        "À : Zoé\nObjet : Question\n\nPouvez-vous préciser ?",
        "Envoyé de mon iPhone\n\n> Le 3 déc. 2026 à 10:00, Support <s@relais.example> a écrit :"
        "\n>\n> Pouvez-vous préciser ?",
        "________________________________\nDe : Support <s@relais.example>\n"
        "Envoyé : lundi 3 décembre 2026 10:00\nÀ : Zoé\nObjet : Question\n\nPouvez-vous ?",
    ],
)
def test_outlook_separators_and_phone_lines_do_not_stay_in_the_reply(maildesk, tail):
    from channels.inbound.reply import strip_reply

    assert strip_reply(f"Oui, c’est bien ça.\n\n{tail}", subject="RE: Question") == (
        "Oui, c’est bien ça."
    )


# --- automatic mail ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "extra",
    [
        ("Auto-Submitted: auto-replied",),
        ("Auto-Submitted: auto-generated",),
        ("X-Autoreply: yes",),
        ("Precedence: bulk",),
        ("Precedence: junk",),
        ("Return-Path: <>",),
        ("X-Auto-Response-Suppress: All", "Thread-Topic: Absence du bureau"),
    ],
)
def test_auto_replies_and_loops_are_ignored_and_never_answered(maildesk, extra):
    mail.outbox.clear()
    subject = "Réponse automatique : Question"
    row = receive(raw_mail(*headers(subject=subject, extra=extra), "", "Je suis absente."))
    assert row.status == InboundEmail.Status.IGNORED, row.reason
    assert Ticket.objects.count() == 0
    assert Contact.objects.count() == 0
    assert mail.outbox == []


def test_a_dsn_bounce_of_our_message_is_attached_to_it(maildesk):
    ticket = processed(raw_mail(*headers(), "", "Premier message.")).ticket
    ours = _our_message(ticket, "out-42@relais.example")
    raw = raw_mail(
        "From: Mail Delivery System <MAILER-DAEMON@mx.exemple.fr>",
        "To: support@relais.example",
        "Subject: Undelivered Mail Returned to Sender",
        "Message-ID: <dsn-1@mx.exemple.fr>",
        "Auto-Submitted: auto-replied",
        "MIME-Version: 1.0",
        'Content-Type: multipart/report; report-type=delivery-status; boundary="r"',
        "",
        "--r",
        "Content-Type: text/plain; charset=utf-8",
        "",
        "Votre message n'a pas pu être remis.",
        "--r",
        "Content-Type: message/delivery-status",
        "",
        "Reporting-MTA: dns; mx.exemple.fr",
        "",
        "Final-Recipient: rfc822; zoe@exemple.fr",
        "Action: failed",
        "Status: 5.1.1",
        "Diagnostic-Code: smtp; 550 5.1.1 user unknown",
        "--r",
        "Content-Type: text/rfc822-headers",
        "",
        "From: support@relais.example",
        "To: zoe@exemple.fr",
        f"Subject: Re: [{ticket.number}] Question",
        "Message-ID: <out-42@relais.example>",
        "--r--",
    )
    row = receive(raw)
    assert row.status == InboundEmail.Status.BOUNCE
    assert row.bounced == ours
    ours.refresh_from_db()
    assert ours.status == OutboundEmail.Status.BOUNCED
    assert Message.objects.count() == 1


# --- contacts and routing ----------------------------------------------------------------


def test_uppercase_bare_address_matches_the_existing_contact(maildesk):
    from crm import services as crm_services

    existing = crm_services.contact_create(
        actor=None, first_name="Zoé", last_name="Lefèvre", emails=["Zoe.Lefevre@Exemple.fr"]
    )
    for i, sender in enumerate(["ZOE.LEFEVRE@EXEMPLE.FR", "<zoe.lefevre@exemple.FR>"]):
        row = processed(raw_mail(*headers(sender=sender, message_id=f"u{i}@x"), "", "Bonjour."))
        assert row.ticket.contact == existing
    assert Contact.objects.count() == 1


def test_several_recipients_route_to_the_queue_whose_address_is_among_them(maildesk):
    raw = raw_mail(
        "Delivered-To: archive@exemple.fr",
        *headers(
            to="Jean <jean@exemple.fr>, Marie <marie@exemple.fr>",
            extra=("Cc: RECLAMATIONS@relais.example, autre@exemple.fr",),
        ),
        "",
        "Bonjour à tous.",
    )
    assert processed(raw).ticket.queue == maildesk.other_queue


def test_envelope_recipient_wins_over_to_when_sent_in_bcc(maildesk):
    raw = raw_mail(
        "Delivered-To: reclamations@relais.example",
        *headers(to="undisclosed-recipients:;"),
        "",
        "En copie cachée.",
    )
    assert processed(raw).ticket.queue == maildesk.other_queue


@pytest.mark.parametrize("space", ["\u00a0", "\u202f", " "])
def test_gmail_html_only_reply_with_a_no_break_space_before_the_colon_is_stripped(maildesk, space):
    ticket = processed(raw_mail(*headers(), "", "Premier message.")).ticket
    html = (
        "<div>Bonjour,<br><br>C&#39;est bien re&ccedil;u, merci.</div>"
        '<div class="gmail_quote"><div class="gmail_attr">Le lun. 3 d&eacute;c. 2026 '
        f"&agrave; 10:00, Support &lt;support@relais.example&gt; a &eacute;crit{space}:"
        '<br></div><blockquote class="gmail_quote">Votre colis est en route.</blockquote></div>'
    )
    row = processed(
        raw_mail(
            *headers(subject=f"Re: [{ticket.number}] Question", message_id="h-9@exemple.fr"),
            "Content-Type: text/html; charset=utf-8",
            "",
            html,
        )
    )
    assert row.ticket == ticket
    text = row.ticket_message.body_text
    assert "C'est bien reçu, merci." in text
    assert "Votre colis" not in text
    assert "a écrit" not in text
