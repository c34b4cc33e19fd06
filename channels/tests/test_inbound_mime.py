"""Hostile inbound email (1/3): charsets, encoded words, attachment names, MIME structure."""

from __future__ import annotations

import base64

import pytest

from .hostile import PDF, PNG, b64, headers, processed, raw_mail

pytestmark = pytest.mark.django_db

# --- charsets ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("charset", "body", "expected"),
    [
        (
            "iso-8859-1",
            "Ma facture a été prélevée deux fois, à corriger.".encode("latin-1"),
            "Ma facture a été prélevée deux fois, à corriger.",
        ),
        (
            "ISO-8859-15",
            "Le cœur du problème : 45 € prélevés.".encode("iso-8859-15"),
            "Le cœur du problème : 45 € prélevés.",
        ),
        (
            "windows-1252",
            "J’attends « mon » remboursement de 45 € — œuvre.".encode("cp1252"),
            "J’attends « mon » remboursement de 45 € — œuvre.",
        ),
        # Lying declarations: Latin-1 bytes sent as us-ascii, as utf-8, as nothing at all.
        ("us-ascii", "Reçu hier, déjà cassé.".encode("latin-1"), "Reçu hier, déjà cassé."),
        ("utf-8", "La facture de février est erronée.".encode("latin-1"), "février est erronée"),
        ("", "Numéro de série illisible.".encode("latin-1"), "Numéro de série illisible."),
        ("x-mac-klingon", "Pièce détachée manquante.".encode(), "Pièce détachée manquante."),
    ],
)
def test_body_charsets_and_lying_declarations_keep_the_french_accents(
    maildesk, charset, body, expected
):
    declared = f"; charset={charset}" if charset else ""
    raw = raw_mail(
        *headers(message_id=f"cs-{charset or 'none'}@exemple.fr"),
        f"Content-Type: text/plain{declared}",
        "Content-Transfer-Encoding: 8bit",
        "",
        body,
    )
    row = processed(raw)
    assert expected in row.ticket_message.body_text


def test_quoted_printable_latin1_body(maildesk):
    raw = raw_mail(
        *headers(),
        "Content-Type: text/plain; charset=iso-8859-1",
        "Content-Transfer-Encoding: quoted-printable",
        "",
        "Bonjour, la t=E9l=E9commande ne r=E9pond plus depuis la mise =E0 jour, c'est=",
        " tr=E8s g=EAnant.",
    )
    row = processed(raw)
    assert "la télécommande ne répond plus depuis la mise à jour, c'est très gênant." in (
        row.ticket_message.body_text
    )


# --- RFC 2047 headers --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        # Q, split across folded lines: the space between adjacent words disappears.
        (
            "=?ISO-8859-1?Q?Probl=E8me_de?=\r\n =?ISO-8859-1?Q?_t=E9l=E9commande?=",
            "Problème de télécommande",
        ),
        # B, UTF-8, a multi-byte character cut between two encoded words (Outlook does it).
        (
            "=?UTF-8?B?"
            + base64.b64encode("Réclamation é".encode()[:-1]).decode()
            + "?=\r\n =?UTF-8?B?"
            + base64.b64encode("Réclamation é".encode()[-1:] + " à 50 €".encode()).decode()
            + "?=",
            "Réclamation é à 50 €",
        ),
        ("=?windows-1252?Q?Re=3A_=93Facture=94_=80?=", "Re: “Facture” €"),
        ("=?utf-8?q?D=C3=A9j=C3=A0?= vu, =?iso-8859-15?b?pA==?=", "Déjà vu, €"),
        # Unknown charset: never a crash, the bytes read as UTF-8 or Windows-1252.
        ("=?x-unknown-charset?Q?R=C3=A9siliation?=", "Résiliation"),
        # Raw 8-bit in a header (no encoded word at all), UTF-8 and Latin-1.
        ("Commande reçue", "Commande reçue"),
    ],
)
def test_encoded_word_subjects(maildesk, subject, expected):
    raw = raw_mail(*headers(subject=subject), "Content-Type: text/plain", "", "Bonjour.")
    row = processed(raw)
    assert row.ticket.subject == expected
    assert row.subject == expected


def test_latin1_8bit_subject_without_encoded_word(maildesk):
    raw = raw_mail(
        b"From: client@exemple.fr",
        b"To: support@relais.example",
        "Subject: Numéro erroné".encode("latin-1"),
        b"Message-ID: <l1@exemple.fr>",
        b"",
        b"Bonjour.",
    )
    assert processed(raw).ticket.subject == "Numéro erroné"


@pytest.mark.parametrize(
    ("sender", "first", "last"),
    [
        ("=?ISO-8859-1?Q?J=E9r=F4me_B=E9ranger?= <jerome@exemple.fr>", "Jérôme", "Béranger"),
        (
            "=?UTF-8?B?" + base64.b64encode("Zoé".encode()).decode() + "?=\r\n"
            " =?UTF-8?Q?_Lef=C3=A8vre?= <zoe@exemple.fr>",
            "Zoé",
            "Lefèvre",
        ),
        ('"Lefèvre, Zoé" <zoe@exemple.fr>', "Zoé", "Lefèvre"),
        ("=?x-unknown?Q?Ren=C3=A9e_Dupr=C3=A9?= <renee@exemple.fr>", "Renée", "Dupré"),
        # Outlook's single quotes; a "name" that is only the address.
        ("'Zoé Lefèvre' <zoe@exemple.fr>", "Zoé", "Lefèvre"),
        ('"zoe.lefevre@exemple.fr" <zoe.lefevre@exemple.fr>', "Zoe", "Lefevre"),
    ],
)
def test_encoded_word_sender_names_become_the_contact_name(maildesk, sender, first, last):
    raw = raw_mail(*headers(sender=sender), "Content-Type: text/plain", "", "Bonjour.")
    contact = processed(raw).ticket.contact
    assert (contact.first_name, contact.last_name) == (first, last)


# --- attachments -------------------------------------------------------------------------


def test_rfc2231_filenames_with_accents_are_stored_with_the_right_names(maildesk):
    raw = raw_mail(
        *headers(),
        'Content-Type: multipart/mixed; boundary="b1"',
        "",
        "--b1",
        "Content-Type: text/plain; charset=utf-8",
        "",
        "Voici les pièces.",
        "--b1",
        "Content-Type: application/pdf",
        "Content-Disposition: attachment; filename*=UTF-8''facture%20f%C3%A9vrier%20%E2%82%AC.pdf",
        "Content-Transfer-Encoding: base64",
        "",
        b64(PDF),
        "--b1",
        "Content-Type: application/pdf",
        "Content-Disposition: attachment;",
        " filename*0*=ISO-8859-1''relev%E9%20de%20;",
        " filename*1*=compte%20d%E9cembre.pdf",
        "Content-Transfer-Encoding: base64",
        "",
        b64(PDF + b"2"),
        "--b1",
        "Content-Type: image/png;",
        ' name="=?UTF-8?Q?capture_=C3=A9cran.png?="',
        "Content-Disposition: attachment;",
        ' filename="=?UTF-8?Q?capture_=C3=A9cran.png?="',
        "Content-Transfer-Encoding: base64",
        "",
        b64(PNG),
        "--b1",
        # Apple Mail: decomposed accents (e + U+0301), and punctuation people use.
        "Content-Type: application/pdf",
        "Content-Disposition: attachment;",
        " filename*=utf-8''Re%CC%81sume%CC%81%20%282%29%20l%E2%80%99%C3%A9t%C3%A9%2C%20v1.pdf",
        "Content-Transfer-Encoding: base64",
        "",
        b64(PDF + b"3"),
        "--b1",
        "Content-Type: application/pdf",
        'Content-Disposition: attachment; filename="../../etc/évil.pdf"',
        "Content-Transfer-Encoding: base64",
        "",
        b64(PDF + b"4"),
        "--b1--",
    )
    row = processed(raw)
    names = sorted(row.ticket_message.attachments.values_list("filename", flat=True))
    assert names == [
        "Résumé (2) l’été, v1.pdf",
        "capture écran.png",
        "facture février €.pdf",
        "relevé de compte décembre.pdf",
        "évil.pdf",
    ]
    for attachment in row.ticket_message.attachments.all():
        assert "/" not in attachment.file.name.split("/", 4)[-1]  # the storage path is safe
    assert "Voici les pièces." in row.ticket_message.body_text


def test_attachment_only_email_with_empty_body_still_opens_a_ticket(maildesk):
    raw = raw_mail(
        *headers(subject=""),
        'Content-Type: multipart/mixed; boundary="b"',
        "",
        "--b",
        "Content-Type: application/pdf; name=scan.pdf",
        "Content-Disposition: attachment; filename=scan.pdf",
        "Content-Transfer-Encoding: base64",
        "",
        b64(PDF),
        "--b--",
    )
    row = processed(raw)
    assert row.ticket_message.attachments.get().filename == "scan.pdf"
    assert row.ticket.subject  # "(no subject)", never blank
    assert row.ticket_message.body_text  # "(no text)"


def test_a_zero_byte_attachment_is_named_as_not_kept_in_the_message(maildesk):
    raw = raw_mail(
        *headers(),
        'Content-Type: multipart/mixed; boundary="b"',
        "",
        "--b",
        "Content-Type: text/plain; charset=utf-8",
        "",
        "Le fichier joint.",
        "--b",
        "Content-Type: application/pdf",
        'Content-Disposition: attachment; filename="vide.pdf"',
        "Content-Transfer-Encoding: base64",
        "",
        "",
        "--b--",
    )
    row = processed(raw)
    message = row.ticket_message
    assert message.attachments.count() == 0
    assert "vide.pdf" in message.body_text


# --- structure ---------------------------------------------------------------------------


def test_alternative_with_a_blank_text_part_reads_the_html(maildesk):
    raw = raw_mail(
        *headers(),
        'Content-Type: multipart/alternative; boundary="alt"',
        "",
        "--alt",
        "Content-Type: text/plain; charset=utf-8",
        "",
        " ",
        "--alt",
        "Content-Type: text/html; charset=utf-8",
        "",
        "<html><body><p>Mon <b>numéro</b> de contrat : 4417.</p><p>Merci d’avance.</p>"
        "</body></html>",
        "--alt--",
    )
    text = processed(raw).ticket_message.body_text
    assert "Mon numéro de contrat : 4417." in text
    assert "Merci d’avance." in text


def test_alternative_with_a_placeholder_text_part_reads_the_html(maildesk):
    raw = raw_mail(
        *headers(),
        'Content-Type: multipart/alternative; boundary="alt"',
        "",
        "--alt",
        "Content-Type: text/plain; charset=utf-8",
        "",
        "This is an HTML email. Please use an HTML capable mail client.",
        "--alt",
        "Content-Type: text/html; charset=utf-8",
        "",
        "<p>La box clignote en rouge depuis ce matin.</p>",
        "--alt--",
    )
    text = processed(raw).ticket_message.body_text
    assert "La box clignote en rouge depuis ce matin." in text


def test_related_inline_images_are_kept_by_their_cid(maildesk):
    raw = raw_mail(
        *headers(),
        'Content-Type: multipart/alternative; boundary="alt"',
        "",
        "--alt",
        "Content-Type: text/plain; charset=utf-8",
        "",
        "Voir la capture [image: ecran.png] ci-dessus.",
        "--alt",
        'Content-Type: multipart/related; boundary="rel"',
        "",
        "--rel",
        "Content-Type: text/html; charset=utf-8",
        "",
        '<p>Voir la capture <img src="cid:img1@exemple.fr" alt="écran"> ci-dessus.</p>',
        "--rel",
        "Content-Type: image/png; name=ecran.png",
        "Content-ID: <img1@exemple.fr>",
        "Content-Disposition: inline; filename=ecran.png",
        "Content-Transfer-Encoding: base64",
        "",
        b64(PNG),
        "--rel--",
        "--alt--",
    )
    row = processed(raw)
    assert list(row.ticket_message.attachments.values_list("filename", flat=True)) == ["ecran.png"]
    assert "Voir la capture" in row.ticket_message.body_text
    assert "cid:" not in row.ticket_message.body_html


def test_a_forwarded_message_rfc822_is_kept_as_an_eml_named_after_its_subject(maildesk):
    inner = raw_mail(
        "From: Boutique <commandes@boutique.example>",
        "To: zoe@exemple.fr",
        "Subject: =?utf-8?q?Votre_commande_88412_a_=C3=A9t=C3=A9_annul=C3=A9e?=",
        "Message-ID: <inner-1@boutique.example>",
        "Content-Type: text/plain; charset=iso-8859-1",
        "Content-Transfer-Encoding: 8bit",
        "",
        "Votre commande a été annulée.".encode("latin-1"),
    )
    raw = raw_mail(
        *headers(subject="TR: Votre commande 88412"),
        'Content-Type: multipart/mixed; boundary="fw"',
        "",
        "--fw",
        "Content-Type: text/plain; charset=utf-8",
        "",
        "Regardez ce que j’ai reçu, je n’ai rien demandé.",
        "--fw",
        "Content-Type: message/rfc822",
        "",
        inner,
        "--fw--",
    )
    row = processed(raw)
    message = row.ticket_message
    assert "je n’ai rien demandé" in message.body_text
    attachment = message.attachments.get()
    assert attachment.filename.endswith(".eml")
    assert "88412" in attachment.filename
    # The forwarded message's own Message-ID never threads anything.
    assert row.message_id == "h-1@exemple.fr"


def test_a_message_forwarded_inline_shows_its_text_in_the_body(maildesk):
    raw = raw_mail(
        *headers(subject="Fwd: Résiliation"),
        'Content-Type: multipart/mixed; boundary="fw"',
        "",
        "--fw",
        "Content-Type: message/rfc822",
        "Content-Disposition: inline",
        "",
        "From: Service client <client@operateur.example>",
        "Subject: =?iso-8859-1?q?R=E9siliation_confirm=E9e?=",
        "Content-Type: text/plain; charset=iso-8859-1",
        "Content-Transfer-Encoding: quoted-printable",
        "",
        "Votre contrat est r=E9sili=E9 au 31 d=E9cembre.",
        "--fw--",
    )
    message = processed(raw).ticket_message
    assert "Votre contrat est résilié au 31 décembre." in message.body_text
    assert "Subject: Résiliation confirmée" in message.body_text
    assert message.attachments.get().filename == "Résiliation confirmée.eml"


def test_an_unnamed_text_attachment_gets_a_txt_name(maildesk):
    raw = raw_mail(
        *headers(),
        'Content-Type: multipart/mixed; boundary="b"',
        "",
        "--b",
        "Content-Type: text/plain",
        "",
        "Le journal est joint.",
        "--b",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Disposition: attachment",
        "",
        "2026-12-03 10:00 erreur de connexion",
        "--b--",
    )
    attachment = processed(raw).ticket_message.attachments.get()
    assert attachment.filename == "attachment-1.txt"
