"""Every channels page and endpoint refuses the wrong role."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.roles import Role
from channels.tests.samples import channels_objects
from tickets.tests.factories import open_ticket

from .factories import simple_email

pytestmark = pytest.mark.django_db

NOT_DESK = [Role.SALES, Role.MARKETING, Role.HR, Role.INTEGRATION]


@pytest.fixture
def objects(maildesk):
    ticket = open_ticket(maildesk)
    return channels_objects(queue=maildesk.queue, ticket=ticket)


@pytest.mark.parametrize("role", [Role.AGENT, Role.IT, Role.SALES, Role.HR, Role.INTEGRATION])
def test_quarantine_is_for_supervisors_and_admins(role_client, objects, role):
    client = role_client(role)
    assert client.get(reverse("channels:quarantine")).status_code == 403
    row = objects["api-inbound-reingest"]
    assert client.post(reverse("channels:reingest", args=[row.pk])).status_code == 403


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.ADMIN])
def test_supervisors_see_and_reingest_the_quarantine(
    role_client, objects, role, django_assert_max_num_queries
):
    client = role_client(role)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("channels:quarantine"))
    assert response.status_code == 200
    assert "sample" in response.content.decode()


def test_quarantine_list_costs_the_same_for_1_or_60_rows(
    role_client, objects, django_assert_max_num_queries
):
    from channels.models import InboundEmail

    InboundEmail.objects.bulk_create(
        [
            InboundEmail(
                source="api",
                dedup_key=f"k{i}",
                sha256="0" * 64,
                raw=b"x",
                size=1,
                status="quarantined",
                reason="r",
            )
            for i in range(60)
        ]
    )
    client = role_client(Role.SUPERVISOR)
    client.get(reverse("channels:quarantine"))
    with django_assert_max_num_queries(15):
        assert client.get(reverse("channels:quarantine") + "?page=2").status_code == 200


@pytest.mark.parametrize("role", NOT_DESK)
def test_original_source_and_retry_refuse_non_desk_roles(role_client, objects, role):
    client = role_client(role)
    inbound = objects["api-inbound-email-detail"]
    outbound = objects["api-outbound-retry"]
    assert client.get(reverse("channels:inbound_original", args=[inbound.pk])).status_code == 403
    assert client.get(reverse("channels:outbound", args=[outbound.pk])).status_code == 403
    assert client.post(reverse("channels:outbound_retry", args=[outbound.pk])).status_code == 403


def test_an_agent_outside_the_queue_gets_404_on_original_and_retry(role_client, maildesk, objects):
    client = role_client(Role.AGENT)  # in no team
    inbound = objects["api-inbound-email-detail"]
    outbound = objects["api-outbound-retry"]
    assert client.get(reverse("channels:inbound_original", args=[inbound.pk])).status_code == 404
    assert client.post(reverse("channels:outbound_retry", args=[outbound.pk])).status_code == 404


def test_the_queue_agent_reads_the_original_and_retries(client, maildesk, objects):
    client.force_login(maildesk.agent)
    inbound = objects["api-inbound-email-detail"]
    page = client.get(reverse("channels:inbound_original", args=[inbound.pk]))
    assert page.status_code == 200
    assert "From: a@b" in page.content.decode()
    download = client.get(reverse("channels:inbound_original", args=[inbound.pk]) + "?download=1")
    assert download["Content-Type"] == "message/rfc822"
    outbound = objects["api-outbound-retry"]
    response = client.post(reverse("channels:outbound_retry", args=[outbound.pk]))
    assert response.status_code == 302


def test_anonymous_is_sent_to_login_for_staff_pages(client, objects):
    for url in (
        reverse("channels:quarantine"),
        reverse("channels:inbound_original", args=[objects["api-inbound-email-detail"].pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login/" in response["Location"]


# --- API ---------------------------------------------------------------------------------
ADMIN_ONLY = [
    "api-inbound-addresses",
    "api-mailboxes",
    "api-acknowledgements",
    "api-topics",
    "api-webhooks",
    "api-webhook-deliveries",
    "api-webhook-events",
]


@pytest.mark.parametrize("name", ADMIN_ONLY)
@pytest.mark.parametrize("role", [Role.AGENT, Role.SUPERVISOR, Role.INTEGRATION, Role.HR])
def test_configuration_endpoints_are_admin_only(role_api_client, objects, name, role):
    assert role_api_client(role).get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", ADMIN_ONLY)
def test_admin_lists_configuration_in_bounded_queries(
    role_api_client, objects, name, django_assert_max_num_queries
):
    client = role_api_client(Role.ADMIN)
    with django_assert_max_num_queries(8):
        assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("role", [Role.AGENT, Role.SALES, Role.INTEGRATION])
def test_inbound_list_is_for_supervisors(role_api_client, objects, role):
    client = role_api_client(role)
    assert client.get(reverse("api-inbound-emails")).status_code == 403
    pk = objects["api-inbound-reingest"].pk
    assert client.post(reverse("api-inbound-reingest", args=[pk])).status_code == 403


def test_inbound_list_filters_by_status_in_bounded_queries(
    role_api_client, objects, django_assert_max_num_queries
):
    client = role_api_client(Role.SUPERVISOR)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("api-inbound-emails") + "?status=quarantined")
    assert response.json()["count"] == 1
    # Not a status: a 400 naming the parameter, as the schema's enum says (Schemathesis).
    refused = client.get(reverse("api-inbound-emails") + "?status=nonsense")
    assert refused.status_code == 400
    assert "status" in refused.json()


@pytest.mark.parametrize("role", [Role.AGENT, Role.SUPERVISOR, Role.SALES, Role.HR])
def test_only_the_integration_role_and_admins_post_raw_mail(role_api_client, maildesk, role):
    client = role_api_client(role)
    response = client.post(
        reverse("api-inbound-email"), data=simple_email(), content_type="message/rfc822"
    )
    assert response.status_code == 403


def test_anonymous_gets_401_on_the_gateway_endpoint(api_client, maildesk):
    response = api_client.post(
        reverse("api-inbound-email"), data=simple_email(), content_type="message/rfc822"
    )
    assert response.status_code == 401


def test_outbound_list_shows_only_visible_tickets(role_api_client, maildesk, objects):
    outsider = role_api_client(Role.AGENT)
    assert outsider.get(reverse("api-outbound")).json()["count"] == 0
    assert (
        outsider.post(
            reverse("api-outbound-retry", args=[objects["api-outbound-retry"].pk])
        ).status_code
        == 404
    )
    supervisor = role_api_client(Role.SUPERVISOR)
    assert supervisor.get(reverse("api-outbound")).json()["count"] == 1
