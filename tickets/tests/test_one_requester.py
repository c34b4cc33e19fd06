"""One requester per ticket: a customer `contact` or a staff `requester_user` (IT
helpdesk), never both. A sales rep set as the requester of a customer's ticket could read
it and its public messages (issue 8)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.roles import Role
from accounts.services import api_token_issue
from accounts.tests.factories import UserFactory
from crm.tests.factories import ContactFactory
from tickets import services
from tickets.models import Ticket

from .factories import desk

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return desk()


def _token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=user).key}")
    return client


def test_service_refuses_both_requesters_in_words(world):
    rep = UserFactory(roles=[Role.SALES])
    with pytest.raises(ValidationError) as caught:
        services.ticket_create(
            queue=world.queue, subject="Panne", body="Ma box ne marche plus.",
            contact=ContactFactory(), requester_user=rep, actor=world.agent,
        )  # fmt: skip
    assert caught.value.message_dict["requester_user"] == [str(services.ERROR_ONE_REQUESTER)]
    assert not Ticket.objects.exists()


def test_staff_requester_only_in_an_it_queue(world):
    with pytest.raises(ValidationError) as caught:
        services.ticket_create(
            queue=world.queue, subject="Écran", body="Mon écran clignote.",
            requester_user=world.agent, actor=world.agent,
        )  # fmt: skip
    assert "requester_user" in caught.value.message_dict
    ticket = services.ticket_create(
        queue=world.it_queue, subject="Écran", body="Mon écran clignote.",
        requester_user=world.agent, actor=world.agent,
    )  # fmt: skip
    # and it stays in IT
    with pytest.raises(ValidationError) as moved:
        services.ticket_update(ticket=ticket, actor=world.it_agent, queue=world.queue)
    assert moved.value.message_dict["queue"] == [str(services.ERROR_INTERNAL_STAYS_IT)]


def test_api_refuses_a_sales_rep_as_requester_of_a_customer_ticket_who_cannot_read_it(world):
    rep = UserFactory(roles=[Role.SALES])
    contact = ContactFactory()
    response = _token_client(world.agent).post(
        "/api/v1/tickets/",
        {"queue": world.queue.pk, "contact": contact.pk, "requester_user": rep.pk,
         "subject": "Facture", "body": "Ma facture est fausse."},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400, response.json()
    assert "requester_user" in response.json()
    assert not Ticket.objects.exists()

    ticket = services.ticket_create(
        queue=world.queue, subject="Facture", body="Ma facture est fausse.",
        contact=contact, actor=world.agent,
    )  # fmt: skip
    rep_client = _token_client(rep)
    assert rep_client.get(f"/api/v1/tickets/{ticket.pk}/").status_code in (403, 404)
    assert rep_client.get(f"/api/v1/tickets/{ticket.pk}/messages/").status_code in (403, 404)


def test_the_database_refuses_both(world):
    ticket = services.ticket_create(
        queue=world.queue, subject="Facture", body="Ma facture est fausse.",
        contact=ContactFactory(), actor=world.agent,
    )  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        Ticket.objects.filter(pk=ticket.pk).update(requester_user=world.agent)


def test_admin_form_refuses_both(world, role_client):
    client = role_client(Role.ADMIN)
    response = client.post(
        reverse("admin:tickets_ticket_add"),
        {"queue": world.queue.pk, "contact": ContactFactory().pk,
         "requester_user": world.agent.pk, "subject": "Facture", "channel": "email",
         "priority": 2, "body": "Ma facture est fausse.", "_save": "Save"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "requester_user" in response.context["adminform"].form.errors
    assert not Ticket.objects.exists()


def test_the_data_migration_keeps_the_customer(world):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("tickets.migrations.0006_ticket_one_requester")
    # The constraint is in place, so the row the migration fixes cannot be built; the
    # function's query is what is checked: it touches only rows with both.
    ticket = services.ticket_create(
        queue=world.it_queue, subject="Écran", body="Mon écran clignote.",
        requester_user=world.agent, actor=world.agent,
    )  # fmt: skip
    migration.drop_staff_requester_where_a_customer_is_set(apps, None)
    ticket.refresh_from_db()
    assert ticket.requester_user_id == world.agent.pk
