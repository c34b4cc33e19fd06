"""Query-count guards of the pages issue 10 measures: the same number of queries for a
small and a large N (messages, tickets, rows), not only a bound."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from crm.models import Contact
from crm.tests.factories import ContactFactory
from tickets import services
from tickets.models import Message, Ticket
from tickets.tests.factories import MessageFactory, open_ticket

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _queries(client: Client, url: str, **extra) -> int:
    assert client.get(url, **extra).status_code == 200  # per-process and short-lived caches
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, **extra).status_code == 200
    return len(ctx.captured_queries)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _reply(ticket: Ticket, agent, n: int) -> None:
    services.ticket_reply(
        ticket=ticket, author=agent, body=f"Réponse {n}", kind=Message.Kind.NOTE,
        attachments=[SimpleUploadedFile(f"f{n}.txt", b"x", content_type="text/plain")],
    )  # fmt: skip


def test_the_ticket_page_costs_the_same_for_2_or_40_messages_with_files(helpdesk):
    short, long = open_ticket(helpdesk), open_ticket(helpdesk)
    for ticket, n in ((short, 1), (long, 39)):
        for i in range(n):
            _reply(ticket, helpdesk.agent, i)
    # The latest page of the long one holds a customer's message too (other apps load
    # their extras, e.g. triage's assessment, only for those).
    MessageFactory(ticket=long, direction=Message.Direction.INBOUND, kind=Message.Kind.PUBLIC)
    client = _client(helpdesk.agent)
    assert _queries(client, reverse("tickets:detail", args=[short.pk])) == _queries(
        client, reverse("tickets:detail", args=[long.pk])
    )


def test_inbox_rows_cost_the_same_for_3_or_30_tickets(helpdesk):
    client = _client(helpdesk.agent)
    for _ in range(3):
        open_ticket(helpdesk)
    url = reverse("tickets:inbox") + "?view=all"
    small = _queries(client, url, **HTMX)
    for _ in range(27):
        open_ticket(helpdesk, contact=ContactFactory())
    assert _queries(client, url, **HTMX) == small


def test_the_agent_home_costs_the_same_for_1_or_12_tickets(helpdesk):
    client = _client(helpdesk.agent)
    url = reverse("accounts:workspace", kwargs={"role": Role.AGENT})
    services.ticket_assign(
        ticket=open_ticket(helpdesk), assignee=helpdesk.agent, actor=helpdesk.agent
    )
    small = _queries(client, url)
    for _ in range(11):
        ticket = open_ticket(helpdesk)
        services.ticket_assign(ticket=ticket, assignee=helpdesk.agent, actor=helpdesk.agent)
    assert _queries(client, url) == small


@pytest.mark.parametrize("model", ["tickets/ticket", "tickets/message", "crm/contact"])
def test_admin_changelists_cost_the_same_for_3_or_25_rows(helpdesk, model):
    admin_user = UserFactory(roles=[Role.ADMIN], is_staff=True)
    admin_user.groups.add(Group.objects.get(name=Role.ADMIN))
    client = _client(admin_user)
    url = f"/admin/{model}/"
    for _ in range(3):
        open_ticket(helpdesk)
    small = _queries(client, url)
    for _ in range(22):
        open_ticket(helpdesk)
    assert Contact.objects.count() >= 25
    assert _queries(client, url) == small
