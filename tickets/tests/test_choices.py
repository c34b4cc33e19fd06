"""The cached choices of the properties form (tickets.choices, issue 10): invalidated when
a queue, category, team, membership, user or role changes, and never another agent's."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from tickets import choices
from tickets.models import Queue
from tickets.tests.factories import CategoryFactory, QueueFactory, open_ticket

pytestmark = pytest.mark.django_db


def _page(user, ticket) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("tickets:detail", args=[ticket.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _options(page: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', page, re.S).group(0)
    return [
        re.sub(r"\s+", " ", label).strip() for label in re.findall(r">([^<]*)</option>", select)
    ]


def test_the_second_page_reads_the_choices_from_the_cache(helpdesk, django_assert_num_queries):
    ticket = open_ticket(helpdesk)
    _page(helpdesk.agent, ticket)
    assert choices.assignable_choices(queue_id=helpdesk.queue.pk)  # warm
    with django_assert_num_queries(0):
        choices.assignable_choices(queue_id=helpdesk.queue.pk)
        choices.queue_choices(queue_ids=[helpdesk.queue.pk])
        choices.category_choices(kind=helpdesk.queue.kind)


def test_a_renamed_queue_and_a_new_category_show_at_once(helpdesk):
    ticket = open_ticket(helpdesk)
    assert "Service client" in _options(_page(helpdesk.agent, ticket), "queue")
    helpdesk.queue.name = "Clients particuliers"
    helpdesk.queue.save()
    CategoryFactory(name="Facturation", queue_kind=helpdesk.queue.kind)
    page = _page(helpdesk.agent, ticket)
    assert "Clients particuliers" in _options(page, "queue")
    assert "Service client" not in _options(page, "queue")
    assert "Facturation" in _options(page, "category")


def test_team_membership_changes_the_assignees_offered(helpdesk):
    ticket = open_ticket(helpdesk)
    newcomer = UserFactory(roles=[Role.AGENT], first_name="Nina", last_name="Nouvelle")
    assert "Nina Nouvelle" not in _options(_page(helpdesk.agent, ticket), "assignee")
    helpdesk.team.members.add(newcomer)
    assert "Nina Nouvelle" in _options(_page(helpdesk.agent, ticket), "assignee")
    helpdesk.team.members.remove(newcomer)
    assert "Nina Nouvelle" not in _options(_page(helpdesk.agent, ticket), "assignee")


def test_a_deactivated_user_or_a_lost_role_is_no_longer_offered(helpdesk):
    ticket = open_ticket(helpdesk)
    assert "Bruno Agent" in _options(_page(helpdesk.agent, ticket), "assignee")
    helpdesk.other_agent.groups.remove(Group.objects.get(name=Role.AGENT))
    assert "Bruno Agent" not in _options(_page(helpdesk.agent, ticket), "assignee")
    helpdesk.other_agent.groups.add(Group.objects.get(name=Role.AGENT))
    assert "Bruno Agent" in _options(_page(helpdesk.agent, ticket), "assignee")
    helpdesk.other_agent.is_active = False
    helpdesk.other_agent.save()
    assert "Bruno Agent" not in _options(_page(helpdesk.agent, ticket), "assignee")


def test_a_queue_shared_with_another_team_offers_its_members(helpdesk):
    ticket = open_ticket(helpdesk)
    assert "Oscar Ailleurs" not in _options(_page(helpdesk.agent, ticket), "assignee")
    helpdesk.queue.visible_to.add(helpdesk.other_queue.team)
    assert "Oscar Ailleurs" in _options(_page(helpdesk.agent, ticket), "assignee")


def test_a_login_does_not_empty_the_cache(helpdesk):
    before = choices.generation()
    Client().force_login(helpdesk.agent)  # saves last_login only
    assert choices.generation() == before
    helpdesk.agent.first_name = "Alicia"
    helpdesk.agent.save()
    assert choices.generation() != before


def test_no_agent_is_offered_another_agents_queues(helpdesk):
    """The names are shared, the list of queues is each user's own, read per request."""
    mine = open_ticket(helpdesk)
    theirs = open_ticket(helpdesk, queue=helpdesk.other_queue)
    third = QueueFactory(name="Réservée", team=helpdesk.other_queue.team)
    outsider_page = _page(helpdesk.outsider, theirs)  # fills the cache with every queue
    assert set(_options(outsider_page, "queue")) == {"Réclamations", "Réservée"}
    assert _options(_page(helpdesk.agent, mine), "queue") == ["Service client"]
    supervisor_queues = _options(_page(helpdesk.supervisor, mine), "queue")
    assert set(supervisor_queues) == set(Queue.objects.values_list("name", flat=True))
    assert third.name not in _options(_page(helpdesk.agent, mine), "queue")
