"""What the ticket page shows."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from crm import services as crm_services
from crm.models import Activity
from crm.tests.factories import ContactFactory
from tickets import services
from tickets.models import Message
from tickets.selectors import MESSAGE_PAGE
from tickets.tests.factories import MessageFactory, open_ticket

from .support import HTMX, QUERY_BOUND, login, text, url

pytestmark = pytest.mark.django_db


def test_page_shows_sla_deadlines_and_the_customer_360(helpdesk):
    contact = ContactFactory(first_name="Zoé", last_name="Lefèvre", emails=["zoe@example.fr"])
    for year in range(2010, 2015):
        crm_services.note_add(contact=contact, author=helpdesk.lead, body=f"Client depuis {year}")
    older = open_ticket(helpdesk, contact=contact, subject="Ancienne panne")
    current = open_ticket(helpdesk, contact=contact)
    page = text(login(helpdesk.agent).get(url("detail", current.pk)))
    assert current.first_response_due_at is not None
    assert gettext("due by %(when)s").split("%(")[0].strip() in page
    assert 'data-testid="sla-state"' in page
    assert "zoe@example.fr" in page
    assert reverse("crm:contact_detail", args=[contact.pk]) in page
    assert older.number in page  # the customer's other tickets
    assert "Ancienne panne" in page
    timeline = page.split('data-testid="customer-timeline"')[1].split("</ol>")[0]
    assert timeline.count("<li") == 5  # the latest five rows only
    assert Activity.objects.filter(contact=contact).count() > 5


def test_internal_notes_are_labelled_and_set_apart_from_public_replies(helpdesk, ticket):
    services.ticket_reply(ticket=ticket, author=helpdesk.agent, body="Réponse publique")
    services.ticket_reply(
        ticket=ticket, author=helpdesk.agent, body="Note pour l'équipe", kind=Message.Kind.NOTE
    )
    page = text(login(helpdesk.agent).get(url("detail", ticket.pk)))
    note = page.split('data-kind="note"')[1].split("</li>")[0]
    assert gettext("Internal note") in note
    assert "Note pour l'équipe" in note
    assert "bg-warning-subtle" in page.split('data-kind="note"')[0].rsplit("<li", 1)[1]
    assert "Réponse publique" in page.split('data-kind="note"')[0]


def test_closed_ticket_is_read_only(helpdesk, ticket):
    services.ticket_change_status(ticket=ticket, status="resolved", actor=helpdesk.agent)
    services.ticket_change_status(ticket=ticket, status="closed", actor=helpdesk.agent)
    page = text(login(helpdesk.agent).get(url("detail", ticket.pk)))
    assert 'data-testid="closed-note"' in page
    assert 'id="reply-form"' not in page
    assert 'id="properties-form"' not in page
    assert 'id="take-form"' not in page


def test_detail_page_query_count_does_not_grow_with_the_conversation(
    helpdesk, django_assert_max_num_queries
):
    short = open_ticket(helpdesk)
    long = open_ticket(helpdesk)
    MessageFactory.create_batch(2, ticket=short)
    Message.objects.bulk_create(
        [Message(ticket=long, body_html=f"<p>m{i}</p>", body_text=f"m{i}") for i in range(499)]
    )
    client = login(helpdesk.agent)
    client.get(url("detail", short.pk))  # warm the per-process caches (content types...)
    with django_assert_max_num_queries(QUERY_BOUND):
        assert client.get(url("detail", short.pk)).status_code == 200
    with django_assert_max_num_queries(QUERY_BOUND):
        response = client.get(url("detail", long.pk))
    assert response.status_code == 200
    assert text(response).count('class="message-body') == MESSAGE_PAGE


def test_earlier_messages_load_above_the_conversation(helpdesk, ticket):
    base = ticket.messages.get().created_at
    Message.objects.bulk_create(
        [Message(ticket=ticket, body_html=f"<p>msg {i:03d}</p>", body_text=f"msg {i:03d}",
                 created_at=base + timedelta(seconds=i + 1)) for i in range(64)]
    )  # fmt: skip
    client = login(helpdesk.agent)
    page = text(client.get(url("detail", ticket.pk)))
    assert "msg 063" in page
    assert "msg 034" in page
    assert "msg 033" not in page
    before = re.search(r'href="[^"]*messages/\?before=(\d+)"', page).group(1)

    fragment = client.get(url("messages", ticket.pk), {"before": before}, **HTMX)
    assert fragment.status_code == 200
    body = text(fragment)
    assert "<html" not in body
    assert "msg 033" in body
    assert "msg 004" in body
    assert "msg 034" not in body
    assert 'data-testid="earlier-messages"' in body  # still more before these
    last = re.search(r"before=(\d+)", body).group(1)
    oldest = text(client.get(url("messages", ticket.pk), {"before": last}, **HTMX))
    assert "msg 003" in oldest
    assert "Bonjour, plus d" in oldest
    assert 'data-testid="earlier-messages"' not in oldest

    plain = client.get(url("messages", ticket.pk), {"before": before})
    assert plain.status_code == 200
    assert "<html" in plain.content.decode()
    assert "msg 033" in text(plain)
    assert gettext("Back to the latest messages") in text(plain)


def test_earlier_messages_refuse_a_garbled_position(helpdesk, ticket):
    response = login(helpdesk.agent).get(url("messages", ticket.pk), {"before": "x'--"})
    assert response.status_code == 400
