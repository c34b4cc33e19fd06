"""An outside reviewer's corpus of hostile-but-real inbound email, built byte by byte:
helpers and samples shared by the test_inbound_* files, which run every message through
the one ingest service (the same `inbound_receive` + `inbound_process` the mail gateway
API, `manage.py ingest_email` and the IMAP poller use)."""

from __future__ import annotations

import base64

from django.test import TestCase

from channels.inbound import services
from channels.models import InboundEmail

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    + b"\x00" * 4000
    + b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n" + b"0" * 3000


def raw_mail(*lines: str | bytes) -> bytes:
    """Header and body lines joined with CRLF; str lines are UTF-8, bytes are sent as is
    (that is how a Latin-1 body or a NUL byte gets in)."""
    return b"\r\n".join(x if isinstance(x, bytes) else x.encode() for x in lines) + b"\r\n"


def headers(
    *,
    sender: str = "Zoé Lefèvre <zoe@exemple.fr>",
    to: str = "support@relais.example",
    subject: str = "Question",
    message_id: str | None = "h-1@exemple.fr",
    extra: tuple[str, ...] = (),
) -> list[str]:
    lines = [f"From: {sender}"] if sender else []
    lines += [f"To: {to}", f"Subject: {subject}", "Date: Thu, 3 Dec 2026 10:00:00 +0100"]
    if message_id:
        lines.append(f"Message-ID: <{message_id}>")
    return [*lines, *extra, "MIME-Version: 1.0"]


def receive(raw: bytes) -> InboundEmail:
    with TestCase.captureOnCommitCallbacks(execute=True):
        row, _created = services.inbound_receive(raw=raw, source=InboundEmail.Source.API)
    row.refresh_from_db()
    return row


def processed(raw: bytes) -> InboundEmail:
    row = receive(raw)
    assert row.status == InboundEmail.Status.PROCESSED, row.reason
    return row


def b64(data: bytes) -> str:
    return base64.encodebytes(data).decode().strip()


HOSTILE_SAMPLES = {
    "latin1_as_utf8": raw_mail(
        *headers(message_id="api-1@x"),
        "Content-Type: text/plain; charset=utf-8",
        "",
        "Prélèvement erroné.".encode("latin-1"),
    ),
    "escape_codec": raw_mail(
        *headers(message_id="api-2@x"),
        "Content-Type: text/plain; charset=unicode_escape",
        "",
        b"Pr\\u00e9l\\ud800vement.",
    ),
    "no_from": raw_mail(*headers(sender="", message_id="api-3@x"), "", "x"),
    "nul": raw_mail(*headers(message_id="api-4@x"), "", b"a\x00b"),
    "garbage": b"\x00\xff\xfe\r\n\r\n\xff",
}
