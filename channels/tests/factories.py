"""Corpus loading and a desk with inbound addresses for the channels tests."""

from __future__ import annotations

from pathlib import Path

from channels.inbound import routing
from channels.models import InboundAddress
from tickets.tests.factories import Desk, desk

CORPUS = Path(__file__).resolve().parents[2] / "tests" / "data" / "emails"


def eml(name: str, **substitutions: str) -> bytes:
    """A corpus file, with {{NUMBER}} / {{OUR_ID}} placeholders filled in."""
    raw = (CORPUS / name).read_bytes()
    for key, value in substitutions.items():
        raw = raw.replace(f"{{{{{key}}}}}".encode(), value.encode())
    return raw


def simple_email(
    *,
    sender: str = "Zoé Lefèvre <zoe@exemple.fr>",
    to: str = "support@relais.example",
    subject: str = "Question",
    body: str = "Bonjour, une question.",
    message_id: str | None = "q-1@exemple.fr",
    headers: str = "",
) -> bytes:
    lines = [
        f"From: {sender}",
        f"To: {to}",
        f"Subject: {subject}",
        "Date: Mon, 3 Mar 2025 10:00:00 +0100",
    ]
    if message_id:
        lines.append(f"Message-ID: <{message_id}>")
    if headers:
        lines.append(headers.strip())
    lines += [
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
        "",
        body,
        "",
    ]
    return "\r\n".join(lines).encode()


def mail_desk() -> Desk:
    """The tickets desk, with support@ (default) and sav@ on the service queue and
    reclamations@ on the other queue."""
    d = desk()
    d.queue.email_address = "support@relais.example"
    d.queue.save()
    InboundAddress.objects.create(address="sav@relais.example", queue=d.queue)
    InboundAddress.objects.create(address="contact@relais.example", queue=d.queue, is_default=True)
    InboundAddress.objects.create(address="reclamations@relais.example", queue=d.other_queue)
    routing.forget_own_addresses()
    return d
