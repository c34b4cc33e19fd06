"""What the ticket page tests share: URLs, form data, the query bound, helpers."""

from __future__ import annotations

import html
import re

from django.test import Client
from django.urls import reverse

from tickets.models import Message, Ticket
from tickets.tests.factories import Desk

PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)
EXE = b"MZ\x90\x00" + bytes(100)
HTMX = {"HTTP_HX_REQUEST": "true"}
# The ticket page today costs 23 queries (session, user, roles, ticket, conversation,
# history, macros, properties choices, the customer panel, navigation); the point is that
# 500 messages cost the same as 3.
# Plugged-in apps add theirs (channels: inbound and outbound email of the page, the reply
# address hint: 5; triage: the assessments of the page: 1).
QUERY_BOUND = 30


def url(name: str, *args: int) -> str:
    return reverse(f"tickets:{name}", args=args)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return html.unescape(response.content.decode())


def hidden_value(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert match, f"no hidden {name} on the page"
    return match.group(1)


def reply_data(ticket: Ticket, **overrides) -> dict:
    data = {
        "body": "Bonjour, nous regardons votre box.",
        "kind": Message.Kind.PUBLIC,
        "status": "",
        "last_seen_message_id": "",
        "version": ticket.version,
        "macro": "",
    }
    data.update(overrides)
    return data


def properties_data(ticket: Ticket, **overrides) -> dict:
    ticket.refresh_from_db()
    data = {
        "subject": ticket.subject,
        "status": ticket.status,
        "priority": ticket.priority,
        "queue": ticket.queue_id,
        "category": ticket.category_id or "",
        "assignee": ticket.assignee_id or "",
        "tags": ", ".join(ticket.tags.values_list("name", flat=True)),
        "version": ticket.version,
    }
    data.update(overrides)
    return data


def create_data(desk: Desk, **overrides) -> dict:
    data = {
        "queue": desk.queue.pk,
        "contact": "",
        "staff_requester": "",
        "subject": "Facture en double",
        "channel": Ticket.Channel.PHONE,
        "priority": "",
        "category": "",
        "body": "Le client a été prélevé deux fois ce mois-ci.",
    }
    data.update(overrides)
    return data
