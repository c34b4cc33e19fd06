"""Hostile inbound email (3/3): limits, broken and hostile input, and the same corpus
through the gateway API and the command."""

from __future__ import annotations

import pytest
from django.test import TestCase

from channels.inbound import services
from channels.inbound.parse import parse_email
from channels.models import InboundEmail
from crm.models import Contact
from tickets.models import Attachment, Ticket

from .hostile import HOSTILE_SAMPLES, PDF, b64, headers, processed, raw_mail, receive

pytestmark = pytest.mark.django_db

# --- limits and broken input -------------------------------------------------------------


def test_oversized_email_is_refused_clearly_and_nothing_else_is_written(maildesk, settings):
    settings.CHANNELS_EMAIL_MAX_BYTES = 5_000
    raw = raw_mail(*headers(), "Content-Type: text/plain", "", "x" * 6_000)
    row = receive(raw)
    assert row.status == InboundEmail.Status.QUARANTINED
    assert "5000" in row.reason
    assert str(len(raw)) in row.reason
    assert (Ticket.objects.count(), Contact.objects.count(), Attachment.objects.count()) == (
        0,
        0,
        0,
    )


def test_missing_from_is_quarantined(maildesk):
    row = receive(raw_mail(*headers(sender=""), "", "Sans expéditeur."))
    assert row.status == InboundEmail.Status.QUARANTINED
    assert row.reason == str(services.QUARANTINE_NO_SENDER)
    assert Ticket.objects.count() == 0


@pytest.mark.parametrize(
    "date", ["n'importe quoi", "Mon, 99 Foo 2026 25:61:00 +9999", "", "Thu, 3 Dec 99999 10:00:00"]
)
def test_garbage_date_is_received_now(maildesk, date):
    lines = [x for x in headers() if not x.startswith("Date:")]
    raw = raw_mail(*lines, f"Date: {date}", "", "Bonjour.")
    row = processed(raw)
    assert row.ticket_message.created_at is not None


@pytest.mark.parametrize(
    ("header_lines", "body"),
    [
        ((), b"Un NUL \x00 au milieu."),
        (("Subject: Sujet \x00 nul",), b"Texte."),
        (("Content-Type: text/plain; charset=unicode_escape",), b"Bonjour \\ud800 fin."),
        (("Content-Type: text/plain; charset=raw-unicode-escape",), b"Bonjour \\udfff fin."),
        (("Content-Type: text/plain; charset=utf-7",), b"Bonjour +2AA- fin."),
        (("Content-Type: text/html; charset=utf-8",), b"<p>Bonjour &#xD800; &#0; fin.</p>"),
        (("Content-Type: text/plain; charset=utf-8",), b"CESU \xed\xa0\x80 fin."),
        (("Subject: =?unicode_escape?q?=5Cud800?=",), b"Texte."),
        (
            (
                'Content-Type: multipart/mixed; boundary="b"',
                "",
                "--b",
                "Content-Type: text/plain",
                "",
                "Texte.",
                "--b",
                "Content-Type: application/pdf",
                "Content-Disposition: attachment; filename*=unicode_escape''%5Cud800%00x.pdf",
                "Content-Transfer-Encoding: base64",
                "",
                b64(PDF),
                "--b--",
            ),
            b"",
        ),
    ],
)
def test_nul_bytes_and_lone_surrogates_are_never_stored(maildesk, header_lines, body):
    lines = headers()
    if any(str(h).startswith("Subject:") for h in header_lines):
        lines = [x for x in lines if not x.startswith("Subject:")]
    raw = raw_mail(*lines, *header_lines, *([] if not body else ["", body]))
    row = processed(raw)
    message = row.ticket_message
    stored = [
        row.subject,
        row.ticket.subject,
        message.body_text,
        message.body_html,
        *message.attachments.values_list("filename", flat=True),
    ]
    for value in stored:
        assert "\x00" not in value
        value.encode("utf-8")  # no lone surrogate: PostgreSQL and SQLite refuse them
    assert any(word in message.body_text for word in ("fin.", "milieu.", "Texte."))


def test_hostile_html_with_scripts_and_tracking_pixels_is_sanitised(maildesk):
    raw = raw_mail(
        *headers(),
        "Content-Type: text/html; charset=utf-8",
        "",
        "<html><head><style>p{color:red}</style><script>alert(1)</script></head><body>"
        '<p onclick="steal()">Mon colis <a href="javascript:alert(2)">ici</a> est perdu.</p>'
        '<img src="https://track.example/open.gif?u=42" width="1" height="1">'
        '<iframe src="https://evil.example"></iframe>'
        "<svg><script>alert(3)</script></svg>"
        '<a href="https://suivi.example/colis/1">suivi</a>'
        "</body></html>",
    )
    message = processed(raw).ticket_message
    for forbidden in ("<script", "alert(", "javascript:", "onclick", "track.example", "<iframe"):
        assert forbidden not in message.body_html
        assert forbidden not in message.body_text
    assert "color:red" not in message.body_text
    assert "Mon colis ici est perdu." in message.body_text


def test_every_corpus_message_parses_without_an_exception():
    """The parser itself: never raises, whatever the bytes."""
    samples = [
        b"",
        b"\r\n\r\n",
        b"From: \r\n\r\n",
        b"Content-Type: multipart/mixed; boundary=\r\n\r\n--\r\n",
        b"Content-Type: multipart/mixed\r\n\r\nno boundary",
        b'Content-Type: text/plain; charset="\r\n\r\nx',
        b"Content-Transfer-Encoding: base64\r\n\r\n!!!notbase64",
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\n=ZZ=",
        b"Subject: =?utf-8?b?====?=\r\n\r\nx",
        b"From: =?utf-8?q?\xff\xfe?= <a@b.c>\r\n\r\nx",
        b"Message-ID: <" + b"a" * 5000 + b">\r\n\r\nx",
    ]
    for raw in samples:
        parsed = parse_email(raw)
        parsed.text.encode("utf-8")


# --- the other ways in: the gateway API and the command -------------------------------------


@pytest.mark.parametrize("name", sorted(HOSTILE_SAMPLES))
def test_the_gateway_api_never_answers_500(role_api_client, maildesk, name):
    from django.urls import reverse

    from accounts.roles import Role

    client = role_api_client(Role.INTEGRATION)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("api-inbound-email"), data=HOSTILE_SAMPLES[name], content_type="message/rfc822"
        )
    assert response.status_code == 202, response.content
    row = InboundEmail.objects.get(pk=response.json()["id"])
    assert row.status in (InboundEmail.Status.PROCESSED, InboundEmail.Status.QUARANTINED)
    assert "Error" not in row.reason  # a reason people read, not a traceback


def test_the_command_ingests_the_same_corpus(maildesk, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    for name, raw in HOSTILE_SAMPLES.items():
        (tmp_path / f"{name}.eml").write_bytes(raw)
    out = StringIO()
    call_command("ingest_email", str(tmp_path), "--now", stdout=out, stderr=StringIO())
    assert f"{len(HOSTILE_SAMPLES)} new" in out.getvalue()
    statuses = dict(InboundEmail.objects.values_list("message_id", "status"))
    assert statuses["api-1@x"] == statuses["api-2@x"] == statuses["api-4@x"] == "processed"
    assert statuses["api-3@x"] == "quarantined"
