"""Inbound email through the one service: corpus, threading, dedup, loops, quarantine."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail

from channels.inbound import services
from channels.models import ContactOrigin, InboundEmail, OutboundEmail
from crm.models import Contact
from tickets.models import Message, Ticket

from .factories import eml, simple_email

pytestmark = pytest.mark.django_db


def receive(raw: bytes) -> InboundEmail:
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        row, _created = services.inbound_receive(raw=raw, source=InboundEmail.Source.API)
    row.refresh_from_db()
    return row


def test_new_email_opens_a_ticket_in_the_queue_of_the_address_and_creates_the_contact(maildesk):
    row = receive(eml("thunderbird_fr.eml"))
    assert row.status == InboundEmail.Status.PROCESSED
    ticket = row.ticket
    assert ticket.queue == maildesk.queue  # sent to sav@, an extra address of the queue
    assert ticket.channel == Ticket.Channel.EMAIL
    assert ticket.subject == "Problème de télécommande à 50 €"
    contact = ticket.contact
    assert (contact.first_name, contact.last_name) == ("Jérôme", "Béranger")
    assert contact.emails.get().email == "jerome.beranger@exemple.org"
    assert ContactOrigin.objects.get(contact=contact).channel == "email"
    message = row.ticket_message
    assert "télécommande achetée 50 €" in message.body_text
    assert "Cordialement" not in message.body_text  # signature stripped, original kept
    assert b"Cordialement" in bytes(row.raw)


def test_known_sender_is_matched_by_any_of_their_addresses(maildesk):
    from crm import services as crm_services

    existing = crm_services.contact_create(
        actor=None,
        first_name="Emily",
        last_name="Clarke",
        emails=["emily.c@work.example", "Emily.Clarke@example.com"],
    )
    row = receive(eml("multipart_alternative_en.eml"))
    assert row.ticket.contact == existing
    assert Contact.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("iso_8859_1.eml", "Mon échéance du mois a été prélevée deux fois."),
        ("windows_1252_declared_latin1.eml", "J’attends toujours le remboursement de 45 €"),
        ("broken_charset_utf8_declared.eml", "La facture de février est erronée"),
        ("unknown_charset.eml", "Le décodeur ne s'allume plus."),
        ("lotus_notes.eml", "12 unités de la référence A-1234"),
        ("outlook_fr_reply.eml", "59,90 € au lieu de 29,95 €"),
        ("malformed_mime.eml", "pas de délimiteur"),
        ("truncated.eml", "Voici la pièce jointe."),
    ],
)
def test_french_accents_survive_every_charset_and_broken_mime(maildesk, name, expected):
    row = receive(eml(name, NUMBER="T-2025-000999", OUR_ID="unknown@relais.example"))
    assert row.status == InboundEmail.Status.PROCESSED, row.reason
    assert expected in row.ticket_message.body_text


def test_reply_threads_by_in_reply_to_onto_our_message_and_strips_the_quote(maildesk):
    first = receive(simple_email(sender="Zoé <zoe.lefevre@gmail.com>", subject="Livraison"))
    ticket = first.ticket
    ours = OutboundEmail.objects.create(
        purpose="ticket_reply",
        ticket_message=ticket.messages.get(),
        from_address="s@x",
        to=["zoe.lefevre@gmail.com"],
        subject="Re",
        message_id="our-1@relais.example",
        body_text="x",
        source_type=ContentType.objects.get_for_model(Ticket),
        source_id=ticket.pk,
    )
    row = receive(eml("gmail_fr_reply.eml", NUMBER="T-1999-000001", OUR_ID=ours.message_id))
    assert row.ticket == ticket
    text = row.ticket_message.body_text
    assert "Le colis n’est toujours pas arrivé" in text
    assert "Votre colis est en route" not in text
    assert "a écrit" not in text


def test_reply_threads_by_references_of_an_earlier_inbound_message(maildesk):
    first = receive(
        simple_email(message_id="older-0001@exemple.fr", sender="zoe.lefevre@exemple.fr")
    )
    row = receive(eml("french_reply_quoted.eml", NUMBER="nothing", OUR_ID="unknown@x"))
    assert row.ticket == first.ticket
    assert row.ticket_message.body_text.startswith("D'accord, je confirme la résiliation")
    assert "Souhaitez-vous" not in row.ticket_message.body_text


def test_subject_number_threads_only_for_the_ticket_customer(maildesk):
    first = receive(simple_email(sender="zoe@exemple.fr", message_id="a@x"))
    number = first.ticket.number
    same = receive(
        simple_email(sender="zoe@exemple.fr", subject=f"Re: [{number}] Question", message_id="b@x")
    )
    assert same.ticket == first.ticket
    stranger = receive(
        simple_email(
            sender="mallory@evil.example", subject=f"Re: [{number}] Question", message_id="c@x"
        )
    )
    assert stranger.ticket != first.ticket


def test_the_same_message_delivered_twice_is_stored_once(maildesk):
    from django.test import TestCase

    raw = eml("attachments.eml")
    with TestCase.captureOnCommitCallbacks(execute=True):
        row, created = services.inbound_receive(raw=raw, source=InboundEmail.Source.API)
        again, created_again = services.inbound_receive(raw=raw, source=InboundEmail.Source.IMAP)
    assert (created, created_again) == (True, False)
    assert again.pk == row.pk
    assert Ticket.objects.count() == 1
    assert Message.objects.count() == 1


def test_without_message_id_the_content_hash_deduplicates(maildesk):
    raw = eml("no_message_id.eml")
    receive(raw)
    receive(raw)
    assert InboundEmail.objects.count() == 1
    assert InboundEmail.objects.get().dedup_key.startswith("sha:")
    assert Ticket.objects.count() == 1


def test_processing_twice_does_nothing_the_second_time(maildesk):
    row = receive(simple_email())
    services.inbound_process(inbound_id=row.pk)
    assert Message.objects.count() == 1


@pytest.mark.parametrize(
    "name", ["auto_reply_outlook.eml", "auto_reply_x_autoreply.eml", "mailing_list.eml"]
)
def test_automatic_mail_never_opens_a_ticket_nor_gets_an_answer(maildesk, name):
    mail.outbox.clear()
    row = receive(eml(name, NUMBER="T-2025-000001", OUR_ID="x@y"))
    assert row.status == InboundEmail.Status.IGNORED
    assert Ticket.objects.count() == 0
    assert mail.outbox == []


def test_mail_from_our_own_address_is_ignored(maildesk):
    row = receive(simple_email(sender="Support <support@relais.example>"))
    assert row.status == InboundEmail.Status.IGNORED
    assert "own_address" in row.reason


def test_a_sender_over_the_rate_is_treated_as_a_loop(maildesk, settings):
    settings.CHANNELS_LOOP_MAX_MESSAGES = 3
    rows = [
        receive(
            simple_email(sender="bot@robot.example", message_id=f"m{i}@x", subject=f"Alerte {i}")
        )
        for i in range(5)
    ]
    assert [r.status for r in rows] == ["processed"] * 3 + ["ignored"] * 2
    assert "loop" in rows[-1].reason


@pytest.mark.parametrize("name", ["bounce_dsn.eml", "bounce_qmail.eml"])
def test_a_bounce_is_attached_to_the_message_it_bounced(maildesk, name):
    first = receive(simple_email())
    ours = OutboundEmail.objects.create(
        purpose="ticket_reply",
        ticket_message=first.ticket.messages.get(),
        from_address="s@x",
        to=["nobody@exemple.fr"],
        subject="Re",
        message_id="bounced-1@relais.example",
        body_text="x",
        status=OutboundEmail.Status.SENT,
    )
    row = receive(eml(name, NUMBER=first.ticket.number, OUR_ID=ours.message_id))
    assert row.status == InboundEmail.Status.BOUNCE
    assert row.bounced == ours
    ours.refresh_from_db()
    assert ours.status == OutboundEmail.Status.BOUNCED
    assert "5.1.1" in ours.bounce_reason
    assert Ticket.objects.count() == 1


def test_hostile_html_is_sanitised_once_at_write_time(maildesk):
    row = receive(eml("hostile_html.eml"))
    html = row.ticket_message.body_html
    assert "<script" not in html
    assert "javascript:" not in html
    assert "onerror" not in html
    assert "voir ma facture" in html


def test_header_injection_in_the_sender_name_cannot_forge_an_address(maildesk):
    row = receive(eml("header_injection.eml"))
    assert row.ticket.contact.emails.get().email == "eve@attaquant.example"
    assert "\n" not in row.ticket.subject
    assert "\r" not in row.ticket.subject


def test_executables_and_zip_bombs_are_left_out_and_the_message_says_so(maildesk):
    row = receive(eml("dangerous_attachments.eml"))
    message = row.ticket_message
    assert row.status == InboundEmail.Status.PROCESSED
    assert message.attachments.count() == 0
    assert "facture.pdf.exe" in message.body_text
    assert "archive.zip" in message.body_text


def test_attachments_and_inline_images_are_kept(maildesk):
    row = receive(eml("attachments.eml"))
    names = sorted(row.ticket_message.attachments.values_list("filename", flat=True))
    assert names == ["facture mars été.pdf", "photo.png"]
    inline = receive(eml("apple_mail_en.eml", OUR_ID="none@x"))
    assert list(inline.ticket_message.attachments.values_list("filename", flat=True)) == [
        "screenshot.png"
    ]


def test_forwarded_mail_keeps_the_forwarded_content(maildesk):
    row = receive(eml("forwarded_inline.eml"))
    assert "Votre commande 88412 a été annulée" in row.ticket_message.body_text
    attached = receive(eml("forwarded_attachment.eml"))
    assert attached.ticket_message.attachments.get().filename == "resiliation.eml"


def test_unknown_address_goes_to_the_default_queue(maildesk):
    row = receive(simple_email(to="quelquun@ailleurs.example"))
    assert row.ticket.queue == maildesk.queue


def test_address_of_another_queue_routes_there(maildesk):
    row = receive(simple_email(to="Réclamations <reclamations@relais.example>"))
    assert row.ticket.queue == maildesk.other_queue


def test_no_queue_at_all_quarantines_and_reingest_after_the_fix_works(db):
    from tickets.tests.factories import desk

    d = desk()
    row = receive(simple_email(to="nobody@nowhere.example"))
    assert row.status == InboundEmail.Status.QUARANTINED
    assert row.reason
    from channels.models import InboundAddress

    InboundAddress.objects.create(address="nobody@nowhere.example", queue=d.queue)
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        services.inbound_reingest(inbound=row)
    row.refresh_from_db()
    assert row.status == InboundEmail.Status.PROCESSED
    assert row.ticket.queue == d.queue


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (simple_email(subject="x" * 1_000_000), "subject too long"),
        (
            simple_email(to=", ".join(f"r{i}@exemple.fr" for i in range(10_000))),
            "too many recipients",
        ),
        (b"\x00\xff\xfe garbage without headers", None),
    ],
)
def test_hostile_or_unusable_mail_is_quarantined_never_a_crash(maildesk, raw, reason):
    row = receive(raw)
    assert row.status == InboundEmail.Status.QUARANTINED
    expected = reason or str(services.QUARANTINE_NO_SENDER)
    assert expected in row.reason
    assert Ticket.objects.count() == 0


def test_oversized_mail_is_quarantined_without_being_parsed(maildesk, settings):
    settings.CHANNELS_EMAIL_MAX_BYTES = 10_000
    row = receive(simple_email(body="x" * 20_000))
    assert row.status == InboundEmail.Status.QUARANTINED
    assert row.raw_truncated is False or len(bytes(row.raw)) <= 1024 * 1024
    assert "20" in row.reason
