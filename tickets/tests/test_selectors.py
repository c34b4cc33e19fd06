"""The permission-aware getters: what a user may see, what they may work."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from tickets import selectors
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def test_a_ticket_outside_the_users_queues_is_a_404(helpdesk):
    ticket = TicketFactory(queue=helpdesk.other_queue)
    with pytest.raises(Http404):
        selectors.ticket_get_for_user(user=helpdesk.agent, pk=ticket.pk)
    with pytest.raises(Http404):
        selectors.ticket_get_for_user(user=helpdesk.agent, pk=ticket.pk + 1000)
    assert selectors.ticket_get_for_user(user=helpdesk.outsider, pk=ticket.pk) == ticket


def test_a_requester_sees_their_request_but_may_not_work_it(helpdesk):
    requester = UserFactory(roles=[Role.AGENT])  # a desk agent, but not of the IT team
    ticket = TicketFactory(queue=helpdesk.it_queue, contact=None, requester_user=requester)
    assert selectors.ticket_get_for_user(user=requester, pk=ticket.pk) == ticket
    with pytest.raises(selectors.TicketNotWorkable) as refused:
        selectors.ticket_get_for_user(user=requester, pk=ticket.pk, work=True)
    assert str(refused.value) == str(selectors.ERROR_NOT_YOURS)
    worked = selectors.ticket_get_for_user(user=helpdesk.it_agent, pk=ticket.pk, work=True)
    assert worked == ticket


def test_lock_reads_the_ticket_for_update(helpdesk):
    ticket = TicketFactory(queue=helpdesk.queue)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        locked = selectors.ticket_get_for_user(user=helpdesk.agent, pk=ticket.pk, lock=True)
    assert locked == ticket
    reads = [q["sql"] for q in queries.captured_queries if 'FROM "tickets_ticket"' in q["sql"]]
    expected = connection.features.has_select_for_update  # SQLite locks the whole file anyway
    assert any("FOR UPDATE" in sql for sql in reads) == expected


def test_many_tickets_come_in_the_order_asked_and_only_those_the_user_works(
    helpdesk, django_assert_max_num_queries
):
    mine = [TicketFactory(queue=helpdesk.queue) for _ in range(3)]
    elsewhere = TicketFactory(queue=helpdesk.other_queue)
    ids = [mine[2].pk, elsewhere.pk, mine[0].pk, mine[2].pk, mine[1].pk]
    with django_assert_max_num_queries(3):
        found = selectors.tickets_get_for_user(user=helpdesk.agent, ids=ids)
    assert found == [mine[2], mine[0], mine[1]]
    assert found[0].queue.name == helpdesk.queue.name  # fetched with the ticket


def test_the_inbox_filters_unassigned_and_breaching_on_top_of_any_view(helpdesk):
    now = timezone.now()
    late = TicketFactory(queue=helpdesk.queue, sla_next_due_at=now - dt.timedelta(minutes=5))
    soon_mine = TicketFactory(
        queue=helpdesk.queue, assignee=helpdesk.agent, sla_next_due_at=now + dt.timedelta(hours=1)
    )
    later = TicketFactory(queue=helpdesk.queue, sla_next_due_at=now + dt.timedelta(days=3))

    def ids(**filters):
        inbox = selectors.InboxFilters(view="all", **filters)
        return set(selectors.ticket_inbox(user=helpdesk.agent, filters=inbox))

    assert ids(unassigned=True) == {late, later}
    # Issue 9: a deadline passed is "breached", no longer "breaching within the hour".
    assert ids(breaching=True) == {soon_mine}
    assert ids(breaching=False) == {late, later}
    assert ids(breached=True) == {late}
    assert ids(breached=True, unassigned=True) == {late}
