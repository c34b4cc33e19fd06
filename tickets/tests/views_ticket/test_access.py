"""Who may open the ticket page."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from tickets.models import Message
from tickets.tests.factories import open_ticket

from .support import login, properties_data, reply_data, text, url

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["agent", "lead", "supervisor"])
def test_desk_staff_of_the_queue_open_the_ticket_page(helpdesk, ticket, who):
    response = login(getattr(helpdesk, who)).get(url("detail", ticket.pk))
    assert response.status_code == 200
    page = text(response)
    assert ticket.number in page
    assert "Ma box ne fonctionne plus" in page
    assert 'id="reply-form"' in page
    assert 'id="properties-form"' in page
    reply_status = page.split('name="status"')[1].split("</select>")[0]
    assert 'value="open"' in reply_status
    assert 'value="closed"' not in reply_status  # only what the ticket may reach


def test_admin_opens_any_ticket_page(helpdesk, ticket, make_user):
    assert login(make_user(Role.ADMIN)).get(url("detail", ticket.pk)).status_code == 200


def test_it_agent_opens_an_internal_request_of_the_it_queue(helpdesk, make_user):
    requester = make_user(Role.HR)
    request = open_ticket(helpdesk, queue=helpdesk.it_queue, requester_user=requester)
    response = login(helpdesk.it_agent).get(url("detail", request.pk))
    assert response.status_code == 200
    assert str(requester) in text(response)


@pytest.mark.parametrize("role", [Role.SALES, Role.MARKETING, Role.HR])
def test_roles_outside_the_desk_are_refused_the_ticket_pages(role_client, helpdesk, ticket, role):
    client = role_client(role)
    for page in [url("detail", ticket.pk), url("next", ticket.pk), url("create"),
                 url("messages", ticket.pk) + "?before=1"]:  # fmt: skip
        assert client.get(page).status_code == 403, page
    assert client.post(url("reply", ticket.pk), reply_data(ticket)).status_code == 403
    assert client.post(url("take", ticket.pk)).status_code == 403
    assert client.post(url("properties", ticket.pk), properties_data(ticket)).status_code == 403
    ticket.refresh_from_db()
    assert ticket.message_count == 1
    assert ticket.assignee is None


def test_agent_of_another_team_gets_404_on_every_ticket_url(helpdesk, ticket):
    client = login(helpdesk.outsider)
    for page in [url("detail", ticket.pk), url("next", ticket.pk),
                 url("messages", ticket.pk) + "?before=1"]:  # fmt: skip
        assert client.get(page).status_code == 404, page
    assert client.post(url("reply", ticket.pk), reply_data(ticket)).status_code == 404
    assert client.post(url("take", ticket.pk)).status_code == 404
    assert client.post(url("properties", ticket.pk), properties_data(ticket)).status_code == 404
    ticket.refresh_from_db()
    assert ticket.message_count == 1
    assert ticket.assignee is None


def test_unknown_ticket_is_404(helpdesk):
    assert login(helpdesk.agent).get(url("detail", 999_999)).status_code == 404


def test_staff_requester_is_sent_to_their_request_page(helpdesk, make_user):
    requester = make_user(Role.HR)
    request = open_ticket(helpdesk, queue=helpdesk.it_queue, requester_user=requester)
    response = login(requester).get(url("detail", request.pk))
    assert response.status_code == 302
    assert response.url == url("my_request", request.pk)


def test_desk_agent_requesting_it_help_is_sent_to_their_request_page(helpdesk):
    # An agent of the service desk is desk staff, but not of the IT queue.
    request = open_ticket(helpdesk, queue=helpdesk.it_queue, requester_user=helpdesk.agent)
    response = login(helpdesk.agent).get(url("detail", request.pk))
    assert response.status_code == 302
    assert response.url == url("my_request", request.pk)


def test_staff_requester_cannot_post_desk_writes_on_their_request(helpdesk):
    request = open_ticket(helpdesk, queue=helpdesk.it_queue, requester_user=helpdesk.agent)
    client = login(helpdesk.agent)
    response = client.post(url("reply", request.pk), reply_data(request, kind="note"))
    assert response.status_code == 404
    assert not Message.objects.filter(ticket=request, kind=Message.Kind.NOTE).exists()
