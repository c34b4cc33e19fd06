"""Presence in a ticket (issue 9): B sees "A is viewing", then "A is typing"; entries expire
after 30 s; only the teams of the ticket's queue see it; bad input is a 400; bounded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tickets import presence
from tickets.tests.factories import desk, open_ticket

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_b_sees_a_viewing_then_typing_and_not_themselves():
    d = desk()
    ticket = open_ticket(d)
    url = reverse("tickets:ticket_presence", args=[ticket.pk])
    a, b = _client(d.agent), _client(d.other_agent)

    page = b.post(url, {"state": "viewing"}).content.decode()
    assert "presence-person" not in page  # alone on it
    a.post(url, {"state": "viewing"})
    page = b.post(url, {"state": "viewing"}).content.decode()
    assert "Alice Agent consulte ce ticket" in page
    assert "Bruno Agent" not in page  # one is never shown to oneself
    a.post(url, {"state": "typing"})
    page = b.get(url).content.decode()
    assert "Alice Agent est en train d’écrire une réponse…" in page
    assert "consulte" not in page


def test_presence_expires_after_thirty_seconds():
    d = desk()
    ticket = open_ticket(d)
    earlier = timezone.now() - timedelta(seconds=presence.TTL_SECONDS + 1)
    presence.presence_touch(ticket_id=ticket.pk, user=d.agent, state="typing", now=earlier)
    presence.presence_touch(ticket_id=ticket.pk, user=d.other_agent, state="viewing")
    people = presence.presence_for_ticket(ticket_id=ticket.pk)
    assert [p.user_id for p in people] == [d.other_agent.pk]
    with pytest.raises(ValueError, match="editing"):
        presence.presence_touch(ticket_id=ticket.pk, user=d.agent, state="editing")


def test_only_the_queues_teams_see_presence_and_bad_state_is_refused():
    d = desk()
    ticket = open_ticket(d)
    url = reverse("tickets:ticket_presence", args=[ticket.pk])
    presence.presence_touch(ticket_id=ticket.pk, user=d.agent, state="typing")
    # Another team's agent: 404 (no existence leak), and nothing recorded.
    assert _client(d.outsider).post(url, {"state": "viewing"}).status_code == 404
    assert d.outsider.pk not in [
        p.user_id for p in presence.presence_for_ticket(ticket_id=ticket.pk)
    ]
    assert (
        _client(d.outsider).get(reverse("api-ticket-presence", args=[ticket.pk])).status_code == 404
    )
    # A role outside the desk: refused.
    from accounts.roles import Role
    from accounts.tests.factories import UserFactory

    hr = UserFactory(roles=[Role.HR])
    assert _client(hr).get(url).status_code == 403
    # Wrong or hostile state: 400, nothing written.
    b = _client(d.other_agent)
    response = b.post(url, {"state": "<script>x</script>" * 100})
    assert response.status_code == 400
    assert "pas valide" in response.content.decode()
    assert [p.user_id for p in presence.presence_for_ticket(ticket_id=ticket.pk)] == [d.agent.pk]
    assert (
        b.post(reverse("tickets:ticket_presence", args=[999999]), {"state": "viewing"}).status_code
        == 404
    )


def test_the_api_reads_and_writes_presence(api_client):
    d = desk()
    ticket = open_ticket(d)
    url = reverse("api-ticket-presence", args=[ticket.pk])
    api_client.force_authenticate(d.agent)
    assert api_client.post(url, {"state": "typing"}, format="json").json() == []
    assert api_client.post(url, {"state": "shouting"}, format="json").status_code == 400
    api_client.force_authenticate(d.other_agent)
    [row] = api_client.get(url).json()
    assert row["user"] == d.agent.pk
    assert row["state"] == "typing"
    assert row["name"] == "Alice Agent"


def test_a_heartbeat_costs_a_bounded_number_of_queries(django_assert_max_num_queries):
    d = desk()
    ticket = open_ticket(d)
    for user in (d.lead, d.agent, d.supervisor):
        presence.presence_touch(ticket_id=ticket.pk, user=user, state="viewing")
    client = _client(d.other_agent)
    url = reverse("tickets:ticket_presence", args=[ticket.pk])
    client.post(url, {"state": "viewing"})
    # Session, user, roles, visible queues, the ticket; none per person shown.
    with django_assert_max_num_queries(8):
        page = client.post(url, {"state": "typing"}).content.decode()
    assert page.count("presence-person") == 3
