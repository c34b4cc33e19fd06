"""tickets.inbox_rows: the inbox rows built in Python are the template's, byte for byte
(issue 10). The reference is the row as `templates/tickets/inbox.html` wrote it before
(`inbox_row_reference.html`, next to this file): if the page's row changes, change both."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.template import engines
from django.utils import timezone, translation

from accounts.tests.factories import UserFactory
from crm.models import Tag
from crm.tests.factories import ContactFactory, OrganisationFactory
from tickets.badges import attach_badges
from tickets.inbox_rows import attach_row_html
from tickets.models import Ticket
from tickets.selectors import _base
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db
REFERENCE = (Path(__file__).parent / "inbox_row_reference.html").read_text().rstrip("\n")


def _tickets(helpdesk) -> list[Ticket]:
    now = timezone.now()
    old = now - dt.timedelta(days=3, hours=2)
    organisation = OrganisationFactory(name="Durand & <Fils>")
    hostile = ContactFactory(first_name="<script>", last_name="O'Hara", organisation=organisation)
    agent = UserFactory(first_name="Zoë", last_name="<b>Agent</b>")
    queue = helpdesk.queue
    rows = [
        TicketFactory(queue=queue, subject='<b>x</b> & "y"', contact=hostile,
                      organisation=organisation, assignee=agent,
                      sla_next_due_at=now + dt.timedelta(days=2)),
        TicketFactory(queue=queue, contact=None, requester_user=helpdesk.lead,
                      sla_next_due_at=now + dt.timedelta(minutes=20, seconds=30)),
        TicketFactory(queue=queue, sla_next_due_at=now - dt.timedelta(hours=1)),
        TicketFactory(queue=queue, sla_breached_at=now, sla_next_due_at=None),
        TicketFactory(queue=queue, status=Ticket.Status.RESOLVED, priority=3),
        TicketFactory(queue=queue, status=Ticket.Status.PENDING_CUSTOMER, sla_paused_at=now),
    ]  # fmt: skip
    rows[0].tags.add(Tag.objects.create(name="<vip>"), Tag.objects.create(name="facture"))
    Ticket.objects.filter(pk__in=[t.pk for t in rows]).update(updated_at=old)
    found = list(
        _base().filter(pk__in=[t.pk for t in rows]).prefetch_related("tags").order_by("pk")
    )
    attach_badges(found)
    return found


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_rows_are_the_templates(helpdesk, language):
    template = engines["django"].from_string("{% load i18n humanize %}" + REFERENCE)
    with translation.override(language):
        tickets = _tickets(helpdesk)
        attach_row_html(tickets)
        states = {t.sla_state_now for t in tickets}
        assert states == {"ok", "soon", "breached", "none", "paused"}
        for ticket in tickets:
            assert str(ticket.row_html) == template.render({"ticket": ticket})
    assert "<script>" not in "".join(t.row_html for t in tickets)


def test_the_inbox_page_shows_the_rows(helpdesk, client):
    ticket = TicketFactory(queue=helpdesk.queue, subject="Une panne")
    client.force_login(helpdesk.agent)
    response = client.get("/tickets/?view=all", headers={"HX-Request": "true"})
    assert f'data-ticket-id="{ticket.pk}"' in response.content.decode()
    assert f'href="/tickets/{ticket.pk}/"' in response.content.decode()
