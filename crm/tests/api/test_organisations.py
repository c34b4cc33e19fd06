"""The organisations API."""

from __future__ import annotations

import pytest

from accounts.tests.factories import UserFactory
from crm import services, timeline
from crm.models import (
    Activity,
    Organisation,
)
from crm.tests.factories import (
    ContactFactory,
    OrganisationFactory,
)
from crm.validators import ERROR_LEGAL_ID

from .support import BAD_LUHN_SIREN, ORGANISATIONS, VALID_SIREN, organisation_url, row_counts

pytestmark = pytest.mark.django_db


def test_creating_an_organisation_goes_through_the_service(agent):
    owner = UserFactory()
    response = agent.post(
        ORGANISATIONS,
        {
            "name": "Société Générale d'Assurances",
            "legal_id": "732 829 320",
            "sector": "Assurance",
            "size": "large",
            "website": "https://sga.example.fr",
            "owner": owner.pk,
            "city": "Lyon",
            "country": "fr",
            "tags": ["Grand Compte", "grand compte"],
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    organisation = Organisation.objects.get(pk=body["id"])
    assert organisation.legal_id == VALID_SIREN
    assert organisation.country == "FR"
    assert organisation.search_text == "societe generale d'assurances 732829320 lyon assurance"
    assert body["tags"] == ["grand compte"]
    assert body["owner"] == {"id": owner.pk, "name": owner.get_full_name()}
    assert body["url"] == f"http://testserver{organisation.get_absolute_url()}"
    assert Activity.objects.filter(
        organisation=organisation, kind=timeline.ORGANISATION_CREATED, actor=agent.user
    ).exists()


def test_organisation_list_filters_by_search_tag_country_and_owner(agent):
    owner = UserFactory()
    OrganisationFactory(name="Boulangerie Lefèvre", city="Lille", tags=["boulangerie"])
    OrganisationFactory(name="Lefèvre Belgique", country="BE", owner=owner)
    OrganisationFactory(name="Transports Martin")

    def names(query: str) -> list[str]:
        response = agent.get(f"{ORGANISATIONS}?{query}")
        assert response.status_code == 200, response.json()
        return [row["name"] for row in response.json()["results"]]

    assert sorted(names("search=lefevre")) == ["Boulangerie Lefèvre", "Lefèvre Belgique"]
    assert names("tag=Boulangerie") == ["Boulangerie Lefèvre"]
    assert names("country=be") == ["Lefèvre Belgique"]
    assert names(f"owner={owner.pk}") == ["Lefèvre Belgique"]
    assert len(names("")) == 3


@pytest.mark.parametrize(
    ("query", "field"), [("owner=abc", "owner"), ("country=FRA", "country"), ("owner=0", "owner")]
)
def test_organisation_list_refuses_malformed_filters(agent, query, field):
    response = agent.get(f"{ORGANISATIONS}?{query}")
    assert response.status_code == 400
    assert field in response.json()


def test_organisation_list_query_count_does_not_grow_with_rows(
    agent, django_assert_max_num_queries
):
    owners = UserFactory.create_batch(3)
    for n in range(35):
        OrganisationFactory(owner=owners[n % 3], tags=["client", f"t{n % 4}"])
    with django_assert_max_num_queries(5):
        response = agent.get(ORGANISATIONS)
    assert response.status_code == 200
    assert response.json()["count"] == 35
    assert all(len(row["tags"]) == 2 and row["owner"] for row in response.json()["results"])


def test_organisation_detail_put_and_patch_update_through_the_service(agent):
    organisation = OrganisationFactory(name="Acme", city="Lyon")
    contact = ContactFactory(organisation=organisation)
    response = agent.get(organisation_url(organisation))
    assert response.status_code == 200
    assert response.json()["name"] == "Acme"

    response = agent.patch(organisation_url(organisation), {"name": "Acmé Europe"})
    assert response.status_code == 200, response.json()
    organisation.refresh_from_db()
    assert organisation.name == "Acmé Europe"
    assert organisation.city == "Lyon"
    assert "acme europe" in organisation.search_text
    # The contacts' search text carries their organisation's name.
    contact.refresh_from_db()
    assert "acme europe" in contact.search_text

    response = agent.put(organisation_url(organisation), {"name": "Acme", "tags": ["vip"]})
    assert response.status_code == 200, response.json()
    assert response.json()["tags"] == ["vip"]
    assert response.json()["city"] == "Lyon"


def test_organisation_put_requires_the_name(agent):
    organisation = OrganisationFactory(name="Acme")
    response = agent.put(organisation_url(organisation), {"city": "Paris"})
    assert response.status_code == 400
    assert "name" in response.json()
    organisation.refresh_from_db()
    assert organisation.city == "Lyon"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "Acme", "legal_id": BAD_LUHN_SIREN}, "legal_id"),
        ({"name": "Acme", "legal_id": "12345678901234"}, "legal_id"),
        ({"name": "Acme", "owner": 999_999}, "owner"),
        ({"name": "Acme", "owner": "me"}, "owner"),
        ({"name": "A" * 10_000}, "name"),
        ({"name": ["Acme"]}, "name"),
        ({"name": "Ac\x00me"}, "name"),
        ({"name": "   "}, "name"),
        ({}, "name"),
        ({"name": "Acme", "size": "gigantic"}, "size"),
        ({"name": "Acme", "website": "javascript:alert(1)"}, "website"),
        ({"name": "Acme", "country": "F1"}, "country"),
        ({"name": "Acme", "country": "FRA"}, "country"),
        ({"name": "Acme", "country": "QQ"}, "country"),
        ({"name": "Acme", "country": "xx"}, "country"),
        ({"name": "Acme", "tags": "vip"}, "tags"),
        ({"name": "Acme", "tags": ["t" * 51]}, "tags"),
        ({"name": "Acme", "city": {"$ne": ""}}, "city"),
    ],
)
def test_bad_organisation_input_is_a_400_naming_the_field_and_writes_nothing(agent, payload, field):
    before = row_counts()
    response = agent.post(ORGANISATIONS, payload)
    assert response.status_code == 400
    assert field in response.json()
    assert row_counts() == before


def test_a_siren_already_used_is_a_400_and_writes_nothing(agent):
    services.organisation_create(actor=None, name="Acme", legal_id=VALID_SIREN)
    before = row_counts()
    response = agent.post(ORGANISATIONS, {"name": "Acme bis", "legal_id": "732 829 320"})
    # The conditional unique constraint reports under "__all__", not under "legal_id".
    assert response.status_code == 400
    assert row_counts() == before


def test_invalid_siret_message_is_the_validators_own(agent):
    response = agent.post(ORGANISATIONS, {"name": "Acme", "legal_id": BAD_LUHN_SIREN})
    assert response.json()["legal_id"] == [str(ERROR_LEGAL_ID)]
