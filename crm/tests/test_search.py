"""Search across formats and typos (crm.selectors)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from accounts.roles import Role
from crm import selectors, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    make = services.contact_create
    return {
        "zoe": make(actor=None, first_name="Zoé", last_name="Lefèvre", emails=["zoe@a.fr"],
                    phones=["06 12 34 56 78"], external_ids={"erp": "C-100"}),
        "paul": make(actor=None, first_name="Paul", last_name="Martin", emails=["paul@b.fr"],
                     phones=["+33 7 81 23 45 67"]),
        "anna": make(actor=None, first_name="Anna", last_name="Lefort", emails=["anna@c.fr"]),
    }  # fmt: skip


@pytest.mark.parametrize(
    ("query", "who"),
    [
        ("Lefèvre", "zoe"), ("lefevre", "zoe"), ("LEFEVRE zoe", "zoe"), ("lefe", "zoe"),
        ("06 12 34 56 78", "zoe"), ("+33612345678", "zoe"), ("0033612345678", "zoe"),
        ("06.12.34.56.78", "zoe"), ("0781234567", "paul"), ("zoe@a.fr", "zoe"),
        ("C-100", "zoe"), ("martin paul", "paul"),
    ],
)  # fmt: skip
def test_search_finds_the_person_whatever_the_format(people, query, who):
    assert selectors.contact_search(query=query) == [people[who]]


def test_a_typo_finds_the_name_on_postgresql_and_nothing_wrong_elsewhere(people):
    found = selectors.contact_search(query="Lefebre")
    if connection.vendor == "postgresql":
        assert found[0] == people["zoe"]
        assert people["paul"] not in found
    else:
        # The plain fallback matches words, not typos; it must not return strangers.
        assert found == []


def test_typo_results_page_runs_the_capped_search_once(
    role_client, people, django_assert_max_num_queries
):
    client = role_client(Role.AGENT)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("crm:contact_list"), {"q": "Lefebre"})
    assert response.status_code == 200


def test_merged_and_erased_contacts_are_not_found(people):
    services.contact_merge(survivor=people["zoe"], duplicate=people["anna"], actor=None)
    assert selectors.contact_search(query="Lefort") == []
    services.contact_erase(contact=people["paul"], actor=None, confirmation="Paul Martin")
    assert selectors.contact_search(query="0781234567") == []


def test_organisation_filters_combine_with_a_typo_search(role_api_client):
    acme = services.organisation_create(actor=None, name="Boulangerie Lefèvre", country="FR")
    services.organisation_create(actor=None, name="Boulangerie Lefèvre UK", country="GB")
    client = role_api_client(Role.AGENT)
    response = client.get("/api/v1/organisations/", {"search": "Lefebre", "country": "FR"})
    assert response.status_code == 200
    if connection.vendor == "postgresql":
        assert [row["id"] for row in response.json()["results"]] == [acme.pk]


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_export_of_a_typo_search_lists_the_matches(role_client, people, export_format):
    client = role_client(Role.SUPERVISOR)
    response = client.get(reverse("crm:contact_export"), {"q": "Lefebre", "format": export_format})
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    if export_format == "csv" and connection.vendor == "postgresql":
        assert "zoe@a.fr" in body.decode("utf-8-sig")
