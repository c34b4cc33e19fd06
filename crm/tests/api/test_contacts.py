"""Creating and listing contacts through the API."""

from __future__ import annotations

import pytest

from accounts.tests.factories import UserFactory
from crm import services, timeline
from crm.models import (
    Activity,
    Contact,
)
from crm.serializers import ERROR_EXTERNAL_SYSTEM
from crm.tests.factories import (
    ContactFactory,
    OrganisationFactory,
)

from .support import CONTACTS, SCRIPT, contact_url, create_contact, row_counts

pytestmark = pytest.mark.django_db


def test_creating_a_contact_returns_it_with_normalised_emails_and_e164_phones(agent):
    organisation = OrganisationFactory(name="Acme")
    response = agent.post(
        CONTACTS,
        {
            "title": "mrs",
            "first_name": "Zoé",
            "last_name": "Lefèvre",
            "organisation": organisation.pk,
            "job_title": "Buyer",
            "preferred_language": "en",
            "preferred_channel": "phone",
            "owner": agent.user.pk,
            "is_vip": True,
            "city": "Lyon",
            "emails": [" Zoe@Example.FR ", "z2@example.fr"],
            "phones": ["06 12 34 56 78", "+32 2 555 12 12"],
            "tags": ["Fidèle"],
            "external_ids": {"erp": "C42"},
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    contact = Contact.objects.get(pk=body["id"])
    assert body["emails"] == ["zoe@example.fr", "z2@example.fr"]
    assert body["phones"] == ["+33612345678", "+3225551212"]
    assert body["tags"] == ["fidèle"]
    assert body["external_ids"] == {"erp": "C42"}
    assert body["organisation"] == {"id": organisation.pk, "name": "Acme"}
    assert body["owner"]["id"] == agent.user.pk
    assert body["full_name"] == "Zoé Lefèvre"
    assert body["is_vip"] is True
    assert body["merged_into"] is None
    assert body["url"] == f"http://testserver{contact.get_absolute_url()}"
    assert body["created_at"]
    assert body["updated_at"]
    assert "zoe lefevre" in contact.search_text
    assert Activity.objects.filter(contact=contact, kind=timeline.CONTACT_CREATED).count() == 1
    assert contact.history.first().history_user == agent.user


def test_a_duplicate_email_or_phone_is_a_409_then_allow_duplicate_creates_it(agent):
    existing = create_contact()
    before = row_counts()
    payload = {"last_name": "Lefevre", "phones": ["+33 6 12 34 56 78"]}
    response = agent.post(CONTACTS, payload)
    assert response.status_code == 409
    body = response.json()
    assert body["detail"] == str(services.ERROR_DUPLICATE)
    assert body["duplicates"] == [
        {
            "id": existing.pk,
            "name": "Zoé Lefèvre",
            "url": f"http://testserver{existing.get_absolute_url()}",
        }
    ]
    assert row_counts() == before

    response = agent.post(CONTACTS, {**payload, "allow_duplicate": True})
    assert response.status_code == 201, response.json()
    assert Contact.objects.count() == before["Contact"] + 1


def test_a_duplicate_email_in_another_case_is_a_409(agent):
    create_contact()
    response = agent.post(CONTACTS, {"last_name": "X", "emails": ["ZOE@example.fr"]})
    assert response.status_code == 409


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"last_name": "X", "emails": ["not-an-email"]}, "emails"),
        ({"last_name": "X", "emails": ["a@b.fr", "zoé@@example"]}, "emails"),
        ({"last_name": "X", "emails": "a@b.fr"}, "emails"),
        ({"last_name": "X", "emails": ["a\x00@b.fr"]}, "emails"),
        ({"last_name": "X", "emails": [f"{i}@b.fr" for i in range(11)]}, "emails"),
        ({"last_name": "X", "phones": ["not a phone"]}, "phones"),
        ({"last_name": "X", "phones": ["12"]}, "phones"),
        ({"last_name": "X", "phones": [{"number": "0612345678"}]}, "phones"),
        ({"last_name": "X", "preferred_language": "de"}, "preferred_language"),
        ({"last_name": "X", "preferred_channel": "pigeon"}, "preferred_channel"),
        ({"last_name": "X", "title": "king"}, "title"),
        ({"last_name": "X", "organisation": 999_999}, "organisation"),
        ({"last_name": "X", "organisation": "Acme"}, "organisation"),
        ({"last_name": "X", "owner": 999_999}, "owner"),
        ({"last_name": "L" * 10_000}, "last_name"),
        ({"last_name": "X", "first_name": "F" * 101}, "first_name"),
        ({"last_name": ["Lefèvre"]}, "last_name"),
        ({"last_name": {"$gt": ""}}, "last_name"),
        ({"last_name": "Le\x00fèvre"}, "last_name"),
        ({"last_name": ""}, "last_name"),
        ({"first_name": "Zoé"}, "last_name"),
        ({"last_name": "X", "is_vip": "maybe"}, "is_vip"),
        ({"last_name": "X", "country": "F1"}, "country"),
        ({"last_name": "X", "country": "QQ"}, "country"),
        ({"last_name": "X", "country": "XX"}, "country"),
        ({"last_name": "X", "tags": ["t" * 51]}, "tags"),
        ({"last_name": "X", "tags": [f"t{i}" for i in range(31)]}, "tags"),
        ({"last_name": "X", "external_ids": ["C42"]}, "external_ids"),
        ({"last_name": "X", "external_ids": {"erp": ["C42"]}}, "external_ids"),
        ({"last_name": "X", "external_ids": {"e\x00rp": "C42"}}, "external_ids"),
        ({"last_name": "X", "external_ids": {"s" * 51: "C42"}}, "external_ids"),
        ({"last_name": "X", "external_ids": {"erp": "v" * 101}}, "external_ids"),
        ({"last_name": "X", "allow_duplicate": "perhaps"}, "allow_duplicate"),
    ],
)
def test_bad_contact_input_is_a_400_naming_the_field_and_writes_nothing(agent, payload, field):
    before = row_counts()
    response = agent.post(CONTACTS, payload)
    assert response.status_code == 400, response.json()
    assert field in response.json()
    assert row_counts() == before


def test_service_messages_reach_the_client(agent):
    response = agent.post(CONTACTS, {"last_name": "X", "emails": ["nope"], "phones": ["abc"]})
    assert response.status_code == 400
    assert response.json() == {
        "emails": [str(services.ERROR_INVALID_EMAIL % {"value": "nope"})],
        "phones": [str(services.ERROR_INVALID_PHONE % {"value": "abc"})],
    }


def test_external_id_system_names_are_checked(agent):
    response = agent.post(CONTACTS, {"last_name": "X", "external_ids": {" ": "C42"}})
    assert response.json() == {"external_ids": [str(ERROR_EXTERNAL_SYSTEM)]}


def test_external_id_used_by_another_contact_is_a_400(agent):
    ContactFactory(external_ids={"erp": "C42"})
    before = row_counts()
    response = agent.post(CONTACTS, {"last_name": "X", "external_ids": {"erp": "C42"}})
    assert response.status_code == 400
    assert "external_ids" in response.json()
    assert row_counts() == before


def test_html_and_script_payloads_are_stored_and_returned_as_plain_text(agent):
    response = agent.post(
        CONTACTS,
        {"first_name": "<b>Zoé</b>", "last_name": SCRIPT, "job_title": '"><img src=x onerror=1>'},
    )
    assert response.status_code == 201, response.json()
    assert response["Content-Type"] == "application/json"
    contact = Contact.objects.get(pk=response.json()["id"])
    assert contact.last_name == SCRIPT
    assert contact.first_name == "<b>Zoé</b>"
    body = agent.get(contact_url(contact)).json()
    assert body["last_name"] == SCRIPT
    assert body["job_title"] == '"><img src=x onerror=1>'


def test_contact_list_finds_by_name_email_any_phone_format_and_external_id(agent):
    zoe = create_contact(external_ids={"erp": "C-4242"})
    create_contact(
        first_name="Jean", last_name="Dupont", emails=["jean.dupont@societe.com"], phones=[]
    )

    def ids(query: dict[str, str]) -> list[int]:
        response = agent.get(CONTACTS, query)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids({"search": "lefevre"}) == [zoe.pk]
    assert ids({"search": "Zoé Lefèvre"}) == [zoe.pk]
    assert ids({"search": "zoe@example.fr"}) == [zoe.pk]
    assert ids({"search": "06.12.34.56.78"}) == [zoe.pk]
    assert ids({"search": "+33 6 12 34 56 78"}) == [zoe.pk]
    assert ids({"search": "0033612345678"}) == [zoe.pk]
    assert ids({"search": "C-4242"}) == [zoe.pk]
    assert ids({"search": "nobody-here"}) == []


def test_contact_list_filters_by_organisation_tag_owner_vip_and_language(agent):
    acme = OrganisationFactory()
    owner = UserFactory()
    in_acme = ContactFactory(organisation=acme)
    tagged = ContactFactory(tags=["Fidèle"])
    owned = ContactFactory(owner=owner)
    vip = ContactFactory(is_vip=True)
    english = ContactFactory(preferred_language="en")
    merged = ContactFactory(organisation=acme)
    merged.merged_into = in_acme
    merged.save()

    def ids(query: str) -> set[int]:
        response = agent.get(f"{CONTACTS}?{query}")
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    assert ids(f"organisation={acme.pk}") == {in_acme.pk}
    assert ids("tag=fid%C3%A8le") == {tagged.pk}
    assert ids(f"owner={owner.pk}") == {owned.pk}
    assert ids("vip=true") == {vip.pk}
    assert vip.pk not in ids("vip=false")
    assert len(ids("vip=false")) == 4
    assert ids("language=en") == {english.pk}
    # Merged duplicates are not listed.
    assert len(ids("")) == 5


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("vip=maybe", "vip"),
        ("language=de", "language"),
        ("organisation=abc", "organisation"),
        ("owner=-1", "owner"),
        ("search=" + "x" * 201, "search"),
    ],
)
def test_contact_list_refuses_malformed_filters(agent, query, field):
    response = agent.get(f"{CONTACTS}?{query}")
    assert response.status_code == 400
    assert field in response.json()


def test_contact_list_is_paginated(agent):
    ContactFactory.create_batch(60)
    first = agent.get(CONTACTS).json()
    assert first["count"] == 60
    assert len(first["results"]) == 50
    assert first["next"]
    assert len(agent.get(CONTACTS, {"page_size": 200}).json()["results"]) == 60


def test_contact_list_query_count_does_not_grow_with_rows(agent, django_assert_max_num_queries):
    organisations = OrganisationFactory.create_batch(3)
    owners = UserFactory.create_batch(3)
    for n in range(35):
        ContactFactory(
            organisation=organisations[n % 3],
            owner=owners[n % 3],
            tags=["client", f"t{n % 5}"],
            emails=[f"a{n}@example.fr", f"b{n}@example.fr"],
            external_ids={"erp": f"E{n}"},
        )
    with django_assert_max_num_queries(9):
        response = agent.get(CONTACTS)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert len(rows) == 35
    assert all(
        row["organisation"] and row["owner"] and len(row["emails"]) == 2 and row["phones"]
        for row in rows
    )
    assert all(len(row["tags"]) == 2 and row["external_ids"] for row in rows)
    with django_assert_max_num_queries(9):
        assert agent.get(CONTACTS, {"search": "martin"}).status_code == 200
