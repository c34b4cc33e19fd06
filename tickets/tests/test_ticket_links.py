"""selectors.ticket_links: the three lists of linked tickets in one query (issue 10)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tickets import selectors
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def test_related_merged_and_follow_ups_each_in_their_list(helpdesk):
    ticket = TicketFactory(queue=helpdesk.queue)
    related = TicketFactory(queue=helpdesk.queue)
    merged = TicketFactory(queue=helpdesk.queue, merged_into=ticket)
    follow_up = TicketFactory(queue=helpdesk.queue, follow_up_of=ticket)
    both = TicketFactory(queue=helpdesk.queue, follow_up_of=ticket)
    ticket.related.add(related, both)
    TicketFactory(queue=helpdesk.queue)  # not linked
    selectors.visible_queue_ids(user=helpdesk.agent)  # read once per request, kept on the user
    with CaptureQueriesContext(connection) as ctx:
        links = selectors.ticket_links(ticket=ticket, user=helpdesk.agent)
    assert len(ctx.captured_queries) == 1
    assert [t.pk for t in links["related"]] == sorted([related.pk, both.pk], reverse=True)
    assert [t.pk for t in links["merged_from"]] == [merged.pk]
    assert [t.pk for t in links["follow_ups"]] == [both.pk, follow_up.pk]
    # Related is symmetrical: the other side sees this ticket.
    other_side = selectors.ticket_links(ticket=related, user=helpdesk.agent)
    assert [t.pk for t in other_side["related"]] == [ticket.pk]
    shown = links["follow_ups"][0]
    assert (shown.number, shown.subject, shown.get_status_display()) == (
        both.number,
        both.subject,
        both.get_status_display(),
    )


def test_links_the_user_may_not_see_are_left_out(helpdesk):
    ticket = TicketFactory(queue=helpdesk.queue)
    hidden = TicketFactory(queue=helpdesk.other_queue, follow_up_of=ticket)
    ticket.related.add(TicketFactory(queue=helpdesk.other_queue))
    TicketFactory(queue=helpdesk.other_queue, merged_into=ticket)
    links = selectors.ticket_links(ticket=ticket, user=helpdesk.agent)
    assert links == {"related": [], "merged_from": [], "follow_ups": []}
    assert selectors.ticket_links(ticket=ticket, user=helpdesk.supervisor)["follow_ups"] == [hidden]


def test_each_list_stops_at_its_limit(helpdesk):
    ticket = TicketFactory(queue=helpdesk.queue)
    for _ in range(3):
        TicketFactory(queue=helpdesk.queue, follow_up_of=ticket)
    merged = TicketFactory(queue=helpdesk.queue, merged_into=ticket)
    links = selectors.ticket_links(ticket=ticket, user=helpdesk.agent, limit=2)
    assert len(links["follow_ups"]) == 2
    assert links["merged_from"] == [merged]
