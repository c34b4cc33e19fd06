"""Properties, take, merge and next on the ticket page."""

from __future__ import annotations

import pytest

from crm.tests.factories import ContactFactory
from tickets import services
from tickets.forms.ticket import (
    ERROR_TICKET_NUMBER,
    ERROR_UNKNOWN_QUEUE,
)
from tickets.models import Priority, Ticket
from tickets.tests.factories import open_ticket
from tickets.views.ticket import ERROR_MERGE_TARGET

from .support import HTMX, login, properties_data, text, url

pytestmark = pytest.mark.django_db


def test_properties_are_saved(helpdesk, ticket):
    data = properties_data(ticket, priority=Priority.URGENT, assignee=helpdesk.other_agent.pk,
                           tags="fibre, urgent", subject="Plus d'internet")  # fmt: skip
    response = login(helpdesk.agent).post(url("properties", ticket.pk), data)
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.priority == Priority.URGENT
    assert ticket.assignee == helpdesk.other_agent
    assert ticket.subject == "Plus d'internet"
    assert set(ticket.tags.values_list("name", flat=True)) == {"fibre", "urgent"}


def test_properties_with_a_stale_version_are_refused_and_nothing_changes(helpdesk, ticket):
    client = login(helpdesk.agent)
    stale = properties_data(ticket, priority=Priority.URGENT)
    services.ticket_update(ticket=ticket, actor=helpdesk.other_agent, subject="Changé par Bruno")
    response = client.post(url("properties", ticket.pk), stale)
    assert response.status_code == 409
    page = text(response)
    assert str(services.ERROR_STALE) in page
    assert 'data-testid="stale-warning"' in page
    ticket.refresh_from_db()
    assert ticket.priority == Priority.NORMAL
    assert ticket.subject == "Changé par Bruno"


def test_htmx_properties_answer_with_the_page_or_the_stale_panel(helpdesk, ticket):
    client = login(helpdesk.agent)
    data = properties_data(ticket, priority=Priority.HIGH)
    response = client.post(url("properties", ticket.pk), data, **HTMX)
    assert response.status_code == 200
    assert 'id="ticket-page"' in text(response)
    stale = client.post(url("properties", ticket.pk), data | {"priority": Priority.LOW}, **HTMX)
    assert stale.status_code == 409
    assert stale["HX-Retarget"] == "#properties"
    assert 'data-testid="stale-warning"' in text(stale)
    ticket.refresh_from_db()
    assert ticket.priority == Priority.HIGH


def test_assigning_someone_outside_the_queue_team_is_refused(helpdesk, ticket):
    data = properties_data(ticket, assignee=helpdesk.outsider.pk)
    response = login(helpdesk.agent).post(url("properties", ticket.pk), data)
    assert response.status_code == 422
    expected = services.ERROR_ASSIGNEE_OUTSIDE_TEAM % {"user": helpdesk.outsider,
                                                       "queue": helpdesk.queue}  # fmt: skip
    assert expected in text(response)
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_invalid_transition_is_refused_with_the_reason(helpdesk, ticket):
    data = properties_data(ticket, status=Ticket.Status.CLOSED, priority=Priority.HIGH)
    response = login(helpdesk.agent).post(url("properties", ticket.pk), data)
    assert response.status_code == 422
    expected = services.ERROR_TRANSITION % {"old": Ticket.Status.NEW.label,
                                            "new": Ticket.Status.CLOSED.label}  # fmt: skip
    assert expected in text(response)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.NEW
    assert ticket.priority == Priority.NORMAL  # one transaction: nothing of the form kept


def test_properties_form_refuses_garbage(helpdesk, ticket):
    data = properties_data(ticket, queue="99999", subject="x" * 10_000, priority="9")
    response = login(helpdesk.agent).post(url("properties", ticket.pk), data)
    assert response.status_code == 422
    assert str(ERROR_UNKNOWN_QUEUE) in text(response)
    ticket.refresh_from_db()
    assert ticket.subject == "Ma box ne fonctionne plus"


def test_moving_to_a_queue_the_agent_cannot_see_is_refused(helpdesk, ticket):
    data = properties_data(ticket, queue=helpdesk.other_queue.pk)
    response = login(helpdesk.agent).post(url("properties", ticket.pk), data)
    assert response.status_code == 422
    ticket.refresh_from_db()
    assert ticket.queue == helpdesk.queue


def test_supervisor_moving_a_ticket_drops_an_assignee_outside_the_new_team(helpdesk, ticket):
    services.ticket_take(ticket=ticket, actor=helpdesk.agent)
    data = properties_data(ticket, queue=helpdesk.other_queue.pk)
    response = login(helpdesk.supervisor).post(url("properties", ticket.pk), data)
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.queue == helpdesk.other_queue
    assert ticket.assignee is None


def test_take_assigns_the_ticket_to_me(helpdesk, ticket):
    client = login(helpdesk.agent)
    assert client.post(url("take", ticket.pk)).status_code == 302
    ticket.refresh_from_db()
    assert ticket.assignee == helpdesk.agent
    assert 'id="take-form"' not in text(client.get(url("detail", ticket.pk)))
    assert 'id="take-form"' in text(login(helpdesk.other_agent).get(url("detail", ticket.pk)))


def test_take_requires_post(helpdesk, ticket):
    assert login(helpdesk.agent).get(url("take", ticket.pk)).status_code == 405


def test_supervisor_merges_a_ticket_into_another_by_number(helpdesk):
    contact = ContactFactory()
    source = open_ticket(helpdesk, contact=contact, subject="Doublon")
    target = open_ticket(helpdesk, contact=contact)
    response = login(helpdesk.supervisor).post(url("merge", source.pk), {"target": target.number})
    assert response.status_code == 302
    assert response.url == url("detail", target.pk)
    source.refresh_from_db()
    assert source.merged_into == target
    assert source.status == Ticket.Status.CLOSED
    assert target.messages.count() == 3  # both requests and the merge note


def test_merging_into_itself_is_refused(helpdesk, ticket):
    response = login(helpdesk.supervisor).post(url("merge", ticket.pk), {"target": ticket.pk})
    assert response.status_code == 422
    assert str(services.ERROR_MERGE_SELF) in text(response)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.NEW


def test_merging_into_a_closed_ticket_is_refused(helpdesk, ticket):
    closed = open_ticket(helpdesk)
    services.ticket_change_status(ticket=closed, status="resolved", actor=None)
    services.ticket_change_status(ticket=closed, status="closed", actor=None)
    response = login(helpdesk.supervisor).post(url("merge", ticket.pk), {"target": closed.number})
    assert response.status_code == 422
    assert str(services.ERROR_MERGE_CLOSED) in text(response)
    ticket.refresh_from_db()
    assert ticket.merged_into is None


def test_merge_target_must_be_an_existing_ticket_number(helpdesk, ticket):
    elsewhere = open_ticket(helpdesk, queue=helpdesk.other_queue)
    client = login(helpdesk.supervisor)
    response = client.post(url("merge", ticket.pk), {"target": "T-2026-999999"})
    assert response.status_code == 422
    assert str(ERROR_MERGE_TARGET) in text(response)
    response = client.post(url("merge", ticket.pk), {"target": "DROP TABLE"})
    assert response.status_code == 422
    assert str(ERROR_TICKET_NUMBER) in text(response)
    ticket.refresh_from_db()
    elsewhere.refresh_from_db()
    assert ticket.merged_into is None
    assert elsewhere.message_count == 1


def test_agents_cannot_merge(helpdesk, ticket):
    other = open_ticket(helpdesk)
    response = login(helpdesk.agent).post(url("merge", ticket.pk), {"target": other.number})
    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.merged_into is None


def test_next_goes_to_the_following_ticket_in_my_list_then_back_to_the_inbox(helpdesk):
    first, second = open_ticket(helpdesk), open_ticket(helpdesk)
    services.ticket_take(ticket=first, actor=helpdesk.agent)
    services.ticket_take(ticket=second, actor=helpdesk.agent)  # updated last: first in the list
    client = login(helpdesk.agent)
    response = client.get(url("next", second.pk))
    assert response.status_code == 302
    assert response.url == url("detail", first.pk)
    response = client.get(url("next", first.pk))
    assert response.url == url("inbox")
