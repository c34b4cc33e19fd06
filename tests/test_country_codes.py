"""Country codes are ISO 3166-1 alpha-2 (relais.countries, django-countries' list) in
every way in: the model fields (so the services behind the API and the pages), the CSV
import, the admin, and the routing rules' lists. Any two letters used to pass."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.roles import Role
from crm.imports.cells import CellError, clean_country
from crm.models import Organisation
from relais.countries import (
    is_country_code,
    validate_country,
    validate_country_list,
    validate_optional_country,
)
from sales.models import RoutingRule
from telework.models import LegalEntity
from tickets.models import BusinessCalendar

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", ["FR", "BE", "CH", "GB", "US", "RE"])
def test_assigned_codes_pass(code):
    assert is_country_code(code)
    validate_country(code)


@pytest.mark.parametrize("code", ["QQ", "XX", "ZZ", "AA", "fr", "FRA", "F1", "", "É1", "250"])
def test_unassigned_or_malformed_codes_are_refused(code):
    assert not is_country_code(code)
    with pytest.raises(ValidationError):
        validate_country(code)


def test_optional_country_allows_empty_only():
    validate_optional_country("")
    with pytest.raises(ValidationError):
        validate_optional_country("QQ")


def test_country_list_names_every_wrong_code():
    validate_country_list("")
    validate_country_list("fr, BE;CH lu")
    with pytest.raises(ValidationError) as caught:
        validate_country_list("FR, QQ, XX")
    assert "QQ, XX" in caught.value.messages[0]


@pytest.mark.parametrize(
    ("model", "field", "value"),
    [
        (Organisation, "country", "QQ"),
        (BusinessCalendar, "holiday_country", "XX"),
        (LegalEntity, "holiday_country", "QQ"),
        (RoutingRule, "countries", "FR, QQ"),
    ],
)
def test_every_country_field_validates_iso(model, field, value):
    with pytest.raises(ValidationError):
        model._meta.get_field(field).run_validators(value)


def test_csv_import_refuses_an_unassigned_code_and_keeps_names():
    assert clean_country("fr") == "FR"
    assert clean_country("Belgique") == "BE"
    for value in ("QQ", "xx"):
        with pytest.raises(CellError):
            clean_country(value)


def test_admin_refuses_an_unassigned_country(role_client):
    client = role_client(Role.ADMIN)
    response = client.post(
        reverse("admin:crm_organisation_add"),
        {"name": "Acme", "country": "QQ", "time_zone": "Europe/Paris", "_save": "Save"},
    )
    assert response.status_code == 200
    assert "country" in response.context["adminform"].form.errors
    assert not Organisation.objects.exists()


def test_routing_rule_admin_refuses_an_unassigned_country(role_client):
    client = role_client(Role.ADMIN)
    response = client.post(
        reverse("admin:sales_routingrule_add"),
        {"position": 1, "name": "Benelux", "is_active": "on", "countries": "BE, QQ"},
    )
    assert response.status_code == 200
    assert "countries" in response.context["adminform"].form.errors
    assert not RoutingRule.objects.exists()
