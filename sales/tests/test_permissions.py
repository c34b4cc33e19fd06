"""Each role on every sales page and endpoint: agents flag and read their own flags, reps
their own and their team's, sales leads all of sales, marketing and supervisors the
aggregates only, HR and IT nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import Team
from accounts.roles import Role
from accounts.tests.factories import TeamFactory, UserFactory
from sales.tests.factories import flag, floor

pytestmark = pytest.mark.django_db

PAGES = ["/sales/board/", "/sales/opportunities/", "/sales/kpis/", "/sales/forecast/"]
ACCESS = {
    # role: (board, list, kpis, forecast)
    Role.AGENT: (403, 200, 403, 403),
    Role.SUPERVISOR: (403, 200, 200, 200),
    Role.SALES: (200, 200, 200, 200),
    Role.MARKETING: (403, 403, 200, 200),
    Role.IT: (403, 403, 403, 403),
    Role.HR: (403, 403, 403, 403),
    Role.ADMIN: (200, 200, 200, 200),
}


@pytest.mark.parametrize("role", list(ACCESS))
def test_pages_per_role(role_client, role):
    client = role_client(role)
    assert [client.get(url).status_code for url in PAGES] == list(ACCESS[role])


@pytest.mark.parametrize("role", [Role.MARKETING, Role.IT, Role.HR])
def test_roles_without_sales_access_cannot_flag(role_client, role):
    f = floor()
    client = role_client(role)
    assert client.get(f"/sales/flag/?contact={f.customer.pk}").status_code == 403
    assert client.post("/sales/flag/", {"contact": f.customer.pk}).status_code == 403


def test_anonymous_is_sent_to_login():
    response = Client().get("/sales/board/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_who_reads_one_opportunity():
    f = floor()
    opportunity = flag(f)
    owner = opportunity.owner
    teammate = f.other_rep if owner == f.rep else f.rep
    other_team_rep = UserFactory(roles=[Role.SALES])
    TeamFactory(name="Autres ventes", kind=Team.Kind.SALES, members=[other_team_rep])
    other_agent = f.desk.other_agent
    url = opportunity.get_absolute_url()
    expected = {
        owner: 200, teammate: 200, f.lead: 200, f.agent: 200, other_team_rep: 404,
        other_agent: 404, f.desk.supervisor: 404, f.desk.it_agent: 403,
        UserFactory(roles=[Role.MARKETING]): 403, UserFactory(roles=[Role.HR]): 403,
        UserFactory(roles=[Role.ADMIN]): 200,
    }  # fmt: skip
    for user, status in expected.items():
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == status, user


def test_only_the_owner_lead_or_admin_change_it():
    f = floor()
    opportunity = flag(f)
    teammate = f.other_rep if opportunity.owner == f.rep else f.rep
    for user, status in ((f.agent, 403), (teammate, 403)):
        client = Client()
        client.force_login(user)
        for action in ("move", "acknowledge", "edit", "reassign", "onboarding"):
            response = client.post(
                f"/sales/opportunities/{opportunity.pk}/{action}/", {"version": 1}
            )
            assert response.status_code == status, (user, action)
    client = Client()
    client.force_login(teammate)
    assert (
        client.post(f"/sales/opportunities/{opportunity.pk}/accept/", {"version": 1}).status_code
        == 403
    )
    opportunity.refresh_from_db()
    assert opportunity.accepted_at is None


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


API = [
    ("get", "/api/v1/opportunities/"),
    ("get", "/api/v1/products/"),
    ("get", "/api/v1/opportunities/kpis/"),
]
API_ACCESS = {
    Role.AGENT: (200, 200, 403),
    Role.SUPERVISOR: (200, 200, 200),
    Role.SALES: (200, 200, 200),
    Role.MARKETING: (403, 200, 200),
    Role.IT: (403, 403, 403),
    Role.HR: (403, 403, 403),
    Role.ADMIN: (200, 200, 200),
}


@pytest.mark.parametrize("role", list(API_ACCESS))
def test_api_per_role(role_api_client, role):
    client = role_api_client(role)
    assert [getattr(client, m)(u).status_code for m, u in API] == list(API_ACCESS[role])


def test_api_anonymous_is_401():
    assert APIClient().get("/api/v1/opportunities/").status_code == 401


def test_api_object_endpoints_refuse_the_wrong_people():
    f = floor()
    opportunity = flag(f)
    teammate = f.other_rep if opportunity.owner == f.rep else f.rep
    base = f"/api/v1/opportunities/{opportunity.pk}"
    assert _api(f.desk.other_agent).get(f"{base}/").status_code == 404
    assert _api(f.agent).get(f"{base}/").status_code == 200
    assert _api(f.agent).patch(f"{base}/", {"amount": "5"}, format="json").status_code == 403
    for action in ("move", "acknowledge-warning", "reassign", "onboarding-ticket"):
        assert _api(f.agent).post(f"{base}/{action}/", {}, format="json").status_code == 403
        # A body the action takes (an unknown field would be a 400 before the object check).
        body = {"stage": "lost"} if action == "move" else {}
        assert _api(teammate).post(f"{base}/{action}/", body, format="json").status_code == 403
    assert _api(teammate).post(f"{base}/accept/", {}, format="json").status_code == 403
    assert _api(UserFactory(roles=[Role.HR])).get(f"{base}/").status_code == 403
