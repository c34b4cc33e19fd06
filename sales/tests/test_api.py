"""The REST API: flag, list with filters, update with a version, move, accept,
acknowledge, hand back, reassign, onboarding; bad and hostile input."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.roles import Role
from crm.tests.factories import ContactFactory
from sales import services
from sales.models import Opportunity, Stage
from sales.tests.factories import OpportunityFactory, accepted, flag, floor
from tickets.tests.factories import open_ticket

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_flag_through_the_api_routes_and_answers_201():
    f = floor()
    ticket = open_ticket(f.desk, contact=f.customer)
    response = api(f.agent).post(
        "/api/v1/opportunities/",
        {"contact": f.customer.pk, "need": "Fibre pour l'agence", "product": f.fibre.pk,
         "amount": "1500.50", "best_days": [0, 1], "best_time_from": "09:00",
         "best_time_to": "11:00", "source_ticket": ticket.pk},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["reference"].startswith("O-")
    assert body["owner"]["id"] in (f.rep.pk, f.other_rep.pk)
    assert body["amount"] == "1500.50"
    assert body["source_ticket"] == ticket.pk


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"amount": "-1"}, "amount"),
        ({"amount": "100000000000"}, "amount"),
        ({"need": ""}, "need"),
        ({"need": "x" * 5000}, "need"),
        ({"product": 999999}, "product"),
        ({"expected_close_date": "1900-01-01"}, "expected_close_date"),
        ({"best_days": [9]}, "best_days"),
        ({"contact": "<script>"}, "contact"),
    ],
)
def test_bad_flags_are_400_and_write_nothing(payload, field):
    f = floor()
    data = {"contact": f.customer.pk, "need": "Besoin", "product": f.fibre.pk, **payload}
    response = api(f.agent).post("/api/v1/opportunities/", data, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Opportunity.objects.exists()


def test_flag_without_consent_when_a_call_is_asked_is_400():
    f = floor()
    contact = ContactFactory()
    response = api(f.agent).post(
        "/api/v1/opportunities/",
        {"contact": contact.pk, "need": "Rappel", "product": f.fibre.pk},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["record_call_consent"] == [str(services.ERROR_NO_CALL_CONSENT)]


def test_hostile_text_is_stored_as_text_and_escaped_on_the_page():
    f = floor()
    response = api(f.agent).post(
        "/api/v1/opportunities/",
        {"contact": f.customer.pk, "need": "<script>alert(1)</script>", "product": f.fibre.pk},
        format="json",
    )
    opportunity = Opportunity.objects.get(pk=response.json()["id"])
    from django.test import Client

    client = Client()
    client.force_login(opportunity.owner)
    page = client.get(opportunity.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_list_filters_and_query_count(django_assert_max_num_queries):
    f = floor()
    flag(f)
    OpportunityFactory.create_batch(25, stage=Stage.PROPOSAL, team=f.sales_team)
    client = api(f.lead)
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/opportunities/?stage=proposal&ordering=amount")
    assert response.status_code == 200
    assert response.json()["count"] == 25
    OpportunityFactory.create_batch(25, stage=Stage.PROPOSAL, team=f.sales_team)
    with django_assert_max_num_queries(8):
        client.get("/api/v1/opportunities/?stage=proposal")
    assert client.get("/api/v1/opportunities/?stage=planet").status_code == 400
    assert client.get("/api/v1/opportunities/?owner=-1").status_code == 400


def test_update_move_accept_acknowledge_through_the_api():
    f = floor()
    open_ticket(f.desk, queue=f.complaints, contact=f.customer)
    opportunity = flag(f)
    owner = api(opportunity.owner)
    base = f"/api/v1/opportunities/{opportunity.pk}"
    assert owner.post(f"{base}/move/", {"stage": "contacted"}, format="json").status_code == 400
    accepted_body = owner.post(f"{base}/accept/", {"version": opportunity.version}, format="json")
    assert accepted_body.status_code == 200
    version = accepted_body.json()["version"]
    stale = owner.patch(f"{base}/", {"amount": "10", "version": version - 1}, format="json")
    assert stale.status_code == 409
    updated = owner.patch(
        f"{base}/", {"amount": "3000", "probability": 55, "version": version}, format="json"
    )
    assert updated.status_code == 200
    assert (updated.json()["amount"], updated.json()["probability"]) == ("3000.00", 55)
    blocked = owner.post(f"{base}/move/", {"stage": "won"}, format="json")
    assert blocked.status_code == 400
    assert blocked.json()["stage"] == [str(services.ERROR_WARNING_UNACKNOWLEDGED)]
    assert (
        owner.post(f"{base}/acknowledge-warning/", {"comment": ""}, format="json").status_code
        == 400
    )
    ack = owner.post(f"{base}/acknowledge-warning/", {"comment": "Vu"}, format="json")
    assert ack.status_code == 200
    assert ack.json()["warning_ack_comment"] == "Vu"
    lost = owner.post(f"{base}/move/", {"stage": "lost"}, format="json")
    assert lost.status_code == 400
    assert "lost_reason" in lost.json()
    won = owner.post(f"{base}/move/", {"stage": "won"}, format="json")
    assert won.status_code == 200
    assert won.json()["stage"] == "won"
    back = owner.post(f"{base}/move/", {"stage": "new"}, format="json")
    assert back.status_code == 400
    ticket = owner.post(f"{base}/onboarding-ticket/", {"queue": f.desk.queue.pk}, format="json")
    assert ticket.status_code == 201
    assert Opportunity.objects.get().onboarding_ticket_id == ticket.json()["ticket"]


def test_hand_back_and_reassign_through_the_api():
    f = floor()
    opportunity = flag(f)
    first = opportunity.owner
    base = f"/api/v1/opportunities/{opportunity.pk}"
    assert api(first).post(f"{base}/hand-back/", {"reason": ""}, format="json").status_code == 400
    handed = api(first).post(f"{base}/hand-back/", {"reason": "Pas mon secteur"}, format="json")
    assert handed.status_code == 200
    assert handed.json()["owner"]["id"] != first.pk
    again = api(f.lead).post(f"{base}/reassign/", {"rep": first.pk}, format="json")
    assert again.status_code == 200
    assert again.json()["owner"]["id"] == first.pk
    assert (
        api(f.lead).post(f"{base}/reassign/", {"rep": f.agent.pk}, format="json").status_code == 400
    )


def test_products_endpoint_lists_the_active_catalogue(role_api_client):
    f = floor()
    f.mobile.is_active = False
    f.mobile.save()
    body = role_api_client(Role.AGENT).get("/api/v1/products/").json()
    assert [p["name"] for p in body["results"]] == ["Fibre Pro"]
    every = role_api_client(Role.AGENT).get("/api/v1/products/?all=1").json()
    assert every["count"] == 2


def test_accepted_opportunity_detail_query_count(django_assert_max_num_queries):
    f = floor()
    opportunity = accepted(f)
    from django.test import Client

    client = Client()
    client.force_login(opportunity.owner)
    with django_assert_max_num_queries(30):
        assert client.get(opportunity.get_absolute_url()).status_code == 200
