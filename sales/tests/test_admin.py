"""The sales admin: every model's changelist and form load for an admin, with bounded
queries; an admin edit bumps the version; staff without the admin role are sent away."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.roles import Role
from sales.models import Opportunity, StageProbability
from sales.tests.factories import OpportunityFactory, flag, floor

pytestmark = pytest.mark.django_db

MODELS = [
    "product", "lostreason", "stageprobability", "salesteampolicy", "servicewarningsettings",
    "routingrule", "repstatus", "opportunity", "savedview",
]  # fmt: skip


@pytest.mark.parametrize("model", MODELS)
def test_changelists_and_add_forms_load(role_client, model, django_assert_max_num_queries):
    floor()
    OpportunityFactory.create_batch(5)
    client = role_client(Role.ADMIN)
    with django_assert_max_num_queries(20):
        assert client.get(f"/admin/sales/{model}/").status_code == 200
    assert client.get(f"/admin/sales/{model}/?q=%3Cscript%3E").status_code == 200


def test_opportunity_change_form_and_version_bump(role_client):
    f = floor()
    opportunity = flag(f)
    client = role_client(Role.ADMIN)
    assert client.get(f"/admin/sales/opportunity/{opportunity.pk}/change/").status_code == 200
    from django.contrib.admin.sites import site

    model_admin = site._registry[Opportunity]
    from django.test import RequestFactory

    request = RequestFactory().post("/")
    request.user = client.user  # type: ignore[attr-defined]
    before = opportunity.version
    model_admin.save_model(request, opportunity, None, True)
    opportunity.refresh_from_db()
    assert opportunity.version == before + 1


def test_stage_probability_edit_in_admin_updates_open_opportunities(role_client):
    f = floor()
    opportunity = flag(f)
    client = role_client(Role.ADMIN)
    row = StageProbability.objects.get(stage="new")
    response = client.post(
        f"/admin/sales/stageprobability/{row.pk}/change/", {"stage": "new", "probability": 15}
    )
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.probability == 15


@pytest.mark.parametrize("role", [Role.SALES, Role.AGENT, Role.SUPERVISOR])
def test_non_admins_cannot_open_the_sales_admin(role, role_client):
    response = role_client(role).get("/admin/sales/opportunity/")
    assert response.status_code == 302
    assert Client().get("/admin/sales/opportunity/").status_code == 302
