from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone, translation
from rest_framework.test import APIClient

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from crm import services, timeline
from crm.api import ERROR_INVALID_CURSOR
from crm.models import (
    Activity,
    Call,
    Consent,
    Contact,
    ContactEmail,
    ContactPhone,
    ExternalId,
    Note,
    Organisation,
    PrivacyLog,
    Tag,
)
from crm.permissions import CRM_MERGE, CRM_PRIVACY, CRM_READ, CRM_WRITE
from crm.serializers import ERROR_EXTERNAL_SYSTEM
from crm.tests.factories import (
    ActivityFactory,
    CallFactory,
    ConsentFactory,
    ContactFactory,
    NoteFactory,
    OrganisationFactory,
)
from crm.validators import ERROR_LEGAL_ID

pytestmark = pytest.mark.django_db

ORGANISATIONS = "/api/v1/organisations/"
CONTACTS = "/api/v1/contacts/"
CALLS = "/api/v1/calls/"
VALID_SIREN = "732829320"
BAD_LUHN_SIREN = "123456780"
SCRIPT = "<script>alert('x')</script>"
ALL_ROLES = [role.value for role in Role]

# Every table an API write may touch: a refused request must leave all of them as they were.
WRITTEN_MODELS = [
    Activity, Call, Consent, Contact, ContactEmail, ContactPhone, ExternalId, Note,
    Organisation, PrivacyLog, Tag,
]  # fmt: skip


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in WRITTEN_MODELS}


def contact_url(contact: Contact, suffix: str = "") -> str:
    return f"{CONTACTS}{contact.pk}/{suffix}"


def organisation_url(organisation: Organisation) -> str:
    return f"{ORGANISATIONS}{organisation.pk}/"


@pytest.fixture
def agent(role_api_client: Callable[..., APIClient]) -> APIClient:
    return role_api_client(Role.AGENT)


@pytest.fixture
def supervisor(role_api_client: Callable[..., APIClient]) -> APIClient:
    return role_api_client(Role.SUPERVISOR)


@pytest.fixture
def admin(role_api_client: Callable[..., APIClient]) -> APIClient:
    return role_api_client(Role.ADMIN)


def create_contact(**fields: Any) -> Contact:
    defaults: dict[str, Any] = {
        "first_name": "Zoé",
        "last_name": "Lefèvre",
        "emails": ["zoe@example.fr"],
        "phones": ["06 12 34 56 78"],
    }
    return services.contact_create(actor=None, **{**defaults, **fields})


# --- Permissions, for every endpoint ----------------------------------------------------
def _endpoints() -> list[tuple[str, str, str, tuple[str, ...]]]:
    """(name, method, url template, roles allowed)."""
    return [
        ("organisation list", "get", ORGANISATIONS, CRM_READ),
        ("organisation create", "post", ORGANISATIONS, CRM_WRITE),
        ("organisation detail", "get", "{organisation}", CRM_READ),
        ("organisation put", "put", "{organisation}", CRM_WRITE),
        ("organisation patch", "patch", "{organisation}", CRM_WRITE),
        ("contact list", "get", CONTACTS, CRM_READ),
        ("contact create", "post", CONTACTS, CRM_WRITE),
        ("contact detail", "get", "{contact}", CRM_READ),
        ("contact put", "put", "{contact}", CRM_WRITE),
        ("contact patch", "patch", "{contact}", CRM_WRITE),
        ("timeline", "get", "{contact}timeline/", CRM_READ),
        ("notes list", "get", "{contact}notes/", CRM_READ),
        ("note add", "post", "{contact}notes/", CRM_WRITE),
        ("consents", "get", "{contact}consents/", CRM_READ),
        ("consent record", "post", "{contact}consents/", CRM_WRITE),
        ("call list", "get", CALLS, CRM_READ),
        ("call log", "post", CALLS, CRM_WRITE),
        ("gdpr export", "get", "{contact}gdpr-export/", CRM_PRIVACY),
        ("gdpr erase", "post", "{contact}gdpr-erase/", CRM_PRIVACY),
        ("merge", "post", "{contact}merge/", CRM_MERGE),
    ]


ENDPOINTS = _endpoints()
ALLOWED = [(*e, role) for e in ENDPOINTS for role in ALL_ROLES if role in e[3]]
REFUSED = [(*e, role) for e in ENDPOINTS for role in ALL_ROLES if role not in e[3]]


def _prepare(name: str, template: str) -> tuple[str, dict[str, Any]]:
    """The endpoint's URL and a valid request body, on fresh records."""
    organisation = OrganisationFactory(name="Acme")
    contact = create_contact(organisation=organisation)
    other = create_contact(first_name="Zoe", emails=["zoe2@example.fr"], phones=[])
    url = template.format(organisation=organisation_url(organisation), contact=contact_url(contact))
    payloads: dict[str, dict[str, Any]] = {
        "organisation create": {"name": "Globex"},
        "organisation put": {"name": "Acme Europe"},
        "organisation patch": {"city": "Paris"},
        "contact create": {"last_name": "Durand"},
        "contact put": {"last_name": "Durand"},
        "contact patch": {"job_title": "Buyer"},
        "note add": {"body": "Called back."},
        "consent record": {"channel": "email", "status": "given", "source": "call"},
        "call log": {
            "contact": contact.pk,
            "direction": "inbound",
            "started_at": (timezone.now() - timedelta(minutes=10)).isoformat(),
            "duration_seconds": 60,
            "outcome": "answered",
        },
        "gdpr erase": {"confirmation": contact.full_name},
        "merge": {"duplicate": other.pk},
    }
    return url, payloads.get(name, {})


@pytest.mark.parametrize(("name", "method", "template", "allowed", "role"), ALLOWED)
def test_each_endpoint_serves_the_roles_it_allows(
    role_api_client, name, method, template, allowed, role
):
    client = role_api_client(role)
    url, payload = _prepare(name, template)
    response = getattr(client, method)(url, payload)
    assert response.status_code in {200, 201}, response.json()


@pytest.mark.parametrize(("name", "method", "template", "allowed", "role"), REFUSED)
def test_each_endpoint_refuses_other_roles_with_a_403_and_writes_nothing(
    role_api_client, name, method, template, allowed, role
):
    client = role_api_client(role)
    url, payload = _prepare(name, template)
    before = row_counts()
    response = getattr(client, method)(url, payload)
    assert response.status_code == 403
    assert "detail" in response.json()
    assert row_counts() == before


@pytest.mark.parametrize(("name", "method", "template", "allowed"), ENDPOINTS)
def test_each_endpoint_answers_401_to_anonymous_clients(
    api_client, name, method, template, allowed
):
    url, payload = _prepare(name, template)
    before = row_counts()
    response = getattr(api_client, method)(url, payload)
    assert response.status_code == 401
    assert "detail" in response.json()
    assert row_counts() == before


@pytest.mark.parametrize(
    "url",
    [
        f"{ORGANISATIONS}999999/",
        f"{CONTACTS}999999/",
        f"{CONTACTS}999999/timeline/",
        f"{CONTACTS}999999/notes/",
        f"{CONTACTS}999999/consents/",
        f"{CONTACTS}999999/gdpr-export/",
    ],
)
def test_unknown_objects_are_a_json_404(admin, url):
    response = admin.get(url)
    assert response.status_code == 404
    assert "detail" in response.json()


@pytest.mark.parametrize(
    ("url", "payload"),
    [
        (f"{CONTACTS}999999/notes/", {"body": "x"}),
        (f"{CONTACTS}999999/merge/", {"duplicate": 1}),
        (f"{CONTACTS}999999/gdpr-erase/", {"confirmation": "x"}),
    ],
)
def test_writes_to_unknown_contacts_are_a_json_404_and_write_nothing(admin, url, payload):
    before = row_counts()
    response = admin.post(url, payload)
    assert response.status_code == 404
    assert "detail" in response.json()
    assert row_counts() == before


# --- Organisations ----------------------------------------------------------------------
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


# --- Contacts: create -------------------------------------------------------------------
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


# --- Contacts: list ---------------------------------------------------------------------
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


# --- Contacts: detail and update --------------------------------------------------------
def test_contact_detail_is_bounded_in_queries(agent, django_assert_max_num_queries):
    contact = ContactFactory(emails=[f"e{n}@example.fr" for n in range(10)], tags=["a", "b"])
    with django_assert_max_num_queries(6):
        response = agent.get(contact_url(contact))
    assert len(response.json()["emails"]) == 10


def test_patch_changes_only_the_given_fields_and_refreshes_the_search_text(agent):
    contact = create_contact(job_title="Buyer", tags=["vip"])
    response = agent.patch(
        contact_url(contact), {"last_name": "Martin", "emails": ["zoe.martin@example.fr"]}
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["last_name"] == "Martin"
    assert body["job_title"] == "Buyer"
    assert body["emails"] == ["zoe.martin@example.fr"]
    assert body["phones"] == ["+33612345678"]
    assert body["tags"] == ["vip"]
    contact.refresh_from_db()
    assert contact.search_text == "zoe martin buyer zoe.martin@example.fr"


def test_put_requires_the_last_name_and_keeps_lists_not_sent(agent):
    contact = create_contact()
    response = agent.put(contact_url(contact), {"first_name": "Anna"})
    assert response.status_code == 400
    assert "last_name" in response.json()
    response = agent.put(contact_url(contact), {"last_name": "Martin", "phones": []})
    assert response.status_code == 200, response.json()
    assert response.json()["phones"] == []
    assert response.json()["emails"] == ["zoe@example.fr"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"emails": ["bad"]}, "emails"),
        ({"phones": ["bad"]}, "phones"),
        ({"last_name": "L" * 101}, "last_name"),
        ({"preferred_language": "xx"}, "preferred_language"),
        ({"organisation": 999_999}, "organisation"),
        ({"last_name": "\x00"}, "last_name"),
    ],
)
def test_bad_update_is_a_400_and_changes_nothing(agent, payload, field):
    contact = create_contact()
    response = agent.patch(contact_url(contact), payload)
    assert response.status_code == 400
    assert field in response.json()
    contact.refresh_from_db()
    assert contact.last_name == "Lefèvre"
    assert list(contact.emails.values_list("email", flat=True)) == ["zoe@example.fr"]


def test_allow_duplicate_is_not_an_update_field(agent):
    contact = create_contact()
    response = agent.patch(contact_url(contact), {"allow_duplicate": True, "city": "Paris"})
    # Not a field of an update: refused by name, not silently dropped (API contract).
    assert response.status_code == 400
    assert "allow_duplicate" in response.json()
    contact.refresh_from_db()
    assert contact.city != "Paris"


def test_a_merged_duplicate_is_returned_with_its_survivor_and_cannot_be_updated(supervisor):
    survivor = create_contact()
    duplicate = create_contact(first_name="Zoe", emails=["z@example.fr"], phones=[])
    services.contact_merge(survivor=survivor, duplicate=duplicate, actor=None)
    response = supervisor.get(contact_url(duplicate))
    assert response.status_code == 200
    assert response.json()["merged_into"] == survivor.pk

    response = supervisor.patch(contact_url(duplicate), {"job_title": "CEO"})
    assert response.status_code == 400
    assert response.json() == {"detail": [str(services.ERROR_UPDATE_MERGED)]}
    duplicate.refresh_from_db()
    assert duplicate.job_title == ""


def test_an_erased_contact_cannot_be_updated(admin):
    contact = create_contact()
    services.contact_erase(contact=contact, actor=None, confirmation="Zoé Lefèvre")
    response = admin.put(contact_url(contact), {"last_name": "Lefèvre", "emails": ["z@e.fr"]})
    assert response.status_code == 400
    assert response.json() == {"detail": [str(services.ERROR_UPDATE_ERASED)]}
    response = admin.patch(contact_url(contact), {"job_title": "CEO"})
    assert response.status_code == 400
    # Its own message, not the merge's.
    assert response.json() == {"detail": [str(services.ERROR_UPDATE_ERASED)]}
    contact.refresh_from_db()
    assert contact.last_name == services.ERASED_NAME
    assert not contact.emails.exists()


# --- Timeline ---------------------------------------------------------------------------
def _follow(client: APIClient, url: str) -> list[list[dict[str, Any]]]:
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.json()
        pages.append(response.json()["results"])
        url = response.json()["next"]
    return pages


def test_timeline_pages_are_disjoint_newest_first_and_cover_every_row(agent):
    contact = ContactFactory()
    now = timezone.now()
    # Pairs of rows share a timestamp: the id breaks the tie, across page boundaries too.
    for n in range(60):
        ActivityFactory(contact=contact, occurred_at=now - timedelta(minutes=n // 2))
    ActivityFactory()  # another contact's row

    pages = _follow(agent, contact_url(contact, "timeline/"))
    assert [len(page) for page in pages] == [25, 25, 10]
    rows = [row for page in pages for row in page]
    ids = [row["id"] for row in rows]
    assert len(set(ids)) == 60
    assert set(ids) == set(Activity.objects.filter(contact=contact).values_list("id", flat=True))
    expected = list(
        Activity.objects.filter(contact=contact)
        .order_by("-occurred_at", "-id")
        .values_list("id", flat=True)
    )
    assert ids == expected


def test_timeline_rows_carry_kind_label_actor_and_summary(agent):
    contact = create_contact()
    services.note_add(contact=contact, author=agent.user, body="Rappeler demain")
    response = agent.get(contact_url(contact, "timeline/"))
    newest = response.json()["results"][0]
    assert newest["kind"] == timeline.NOTE
    assert newest["kind_label"] == str(timeline.get_kind(timeline.NOTE).label)
    assert newest["actor"] == {"id": agent.user.pk, "name": agent.user.get_full_name()}
    assert newest["summary"] == "Rappeler demain"
    assert newest["source_url"] is None
    assert response.json()["next"] is None


def test_timeline_filters_by_kind_and_keeps_the_filter_in_the_next_link(agent):
    contact = ContactFactory()
    for n in range(30):
        ActivityFactory(contact=contact, kind=timeline.NOTE if n % 2 else timeline.CALL)
    ActivityFactory(contact=contact, kind=timeline.CONSENT)
    url = contact_url(contact, f"timeline/?kind={timeline.NOTE}&kind={timeline.CONSENT}")
    pages = _follow(agent, url)
    kinds = {row["kind"] for page in pages for row in page}
    assert kinds == {timeline.NOTE, timeline.CONSENT}
    assert sum(len(page) for page in pages) == 16


@pytest.mark.parametrize(
    "cursor", ["garbage", "%%%", "MjAyNC0wMS0wMQ", "bm90fGEtZGF0ZQ", "x" * 200]
)
def test_an_invalid_timeline_cursor_is_a_400_with_a_clear_message(agent, cursor):
    contact = ContactFactory()
    response = agent.get(contact_url(contact, "timeline/"), {"cursor": cursor})
    assert response.status_code == 400
    assert response.json() == {"cursor": [str(ERROR_INVALID_CURSOR)]}


def test_an_unknown_timeline_kind_is_a_400(agent):
    contact = ContactFactory()
    response = agent.get(
        contact_url(contact, "timeline/"), {"kind": "nonsense"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    with translation.override("en"):
        message = str(services.ERROR_UNKNOWN_KIND % {"kind": "nonsense"})
    assert response.json() == {"kind": [message]}


def test_timeline_query_count_does_not_grow_with_rows(agent, django_assert_max_num_queries):
    contact = ContactFactory()
    actors = UserFactory.create_batch(3)
    for n in range(40):
        ActivityFactory(contact=contact, actor=actors[n % 3])
    with django_assert_max_num_queries(7):
        response = agent.get(contact_url(contact, "timeline/"))
    assert len(response.json()["results"]) == 25
    assert all(row["actor"] for row in response.json()["results"])


# --- Notes ------------------------------------------------------------------------------
def test_adding_a_note_writes_it_and_its_timeline_row(agent):
    contact = create_contact()
    response = agent.post(contact_url(contact, "notes/"), {"body": "  Rappeler demain  "})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["body"] == "Rappeler demain"
    assert body["author"]["id"] == agent.user.pk
    note = Note.objects.get(pk=body["id"])
    assert Activity.objects.filter(contact=contact, kind=timeline.NOTE, source_id=note.pk).exists()


def test_notes_are_listed_newest_first_with_bounded_queries(agent, django_assert_max_num_queries):
    contact = ContactFactory()
    now = timezone.now()
    for n in range(35):
        NoteFactory(contact=contact, created_at=now - timedelta(minutes=n))
    NoteFactory()  # another contact's note
    with django_assert_max_num_queries(8):
        response = agent.get(contact_url(contact, "notes/"))
    body = response.json()
    assert body["count"] == 35
    created = [row["created_at"] for row in body["results"]]
    assert created == sorted(created, reverse=True)
    assert all(row["author"] for row in body["results"])


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"body": ""},
        {"body": "   "},
        {"body": "x" * 10_001},
        {"body": ["a note"]},
        {"body": "a\x00b"},
        {"body": None},
    ],
)
def test_bad_note_input_is_a_400_naming_the_body_and_writes_nothing(agent, payload):
    contact = ContactFactory()
    before = row_counts()
    response = agent.post(contact_url(contact, "notes/"), payload)
    assert response.status_code == 400
    assert "body" in response.json()
    assert row_counts() == before


def test_a_note_with_markup_is_stored_as_text(agent):
    contact = ContactFactory()
    response = agent.post(contact_url(contact, "notes/"), {"body": SCRIPT})
    assert response.status_code == 201
    assert Note.objects.get().body == SCRIPT
    assert agent.get(contact_url(contact, "notes/")).json()["results"][0]["body"] == SCRIPT


# --- Consents ---------------------------------------------------------------------------
def test_consents_show_the_current_state_per_channel_and_the_history(agent):
    contact = ContactFactory()
    now = timezone.now()
    given = ConsentFactory(contact=contact, recorded_at=now - timedelta(days=2))
    withdrawn = ConsentFactory(
        contact=contact, status=Consent.Status.WITHDRAWN, recorded_at=now - timedelta(days=1)
    )
    sms = ConsentFactory(contact=contact, channel="sms", recorded_by=agent.user)
    response = agent.get(contact_url(contact, "consents/"))
    assert response.status_code == 200
    body = response.json()
    assert body["current"]["email"]["id"] == withdrawn.pk
    assert body["current"]["email"]["status"] == "withdrawn"
    assert body["current"]["sms"]["recorded_by"]["id"] == agent.user.pk
    assert body["current"]["phone"] is None
    assert body["current"]["post"] is None
    assert [row["id"] for row in body["history"]] == [sms.pk, withdrawn.pk, given.pk]


def test_recording_a_consent_goes_through_the_service(agent):
    contact = ContactFactory()
    response = agent.post(
        contact_url(contact, "consents/"),
        {"channel": "sms", "status": "given", "source": "call", "proof": "Call #42"},
    )
    assert response.status_code == 201, response.json()
    consent = Consent.objects.get(pk=response.json()["id"])
    assert consent.recorded_by == agent.user
    assert Activity.objects.filter(contact=contact, kind=timeline.CONSENT).exists()
    current = agent.get(contact_url(contact, "consents/")).json()["current"]
    assert current["sms"]["id"] == consent.pk


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"channel": "fax", "status": "given", "source": "call"}, "channel"),
        ({"channel": "email", "status": "maybe", "source": "call"}, "status"),
        ({"channel": "email", "status": "given"}, "source"),
        ({"channel": "email", "status": "given", "source": "s" * 101}, "source"),
        ({"channel": "email", "status": "given", "source": "call", "proof": "p" * 5001}, "proof"),
        ({"channel": ["email"], "status": "given", "source": "call"}, "channel"),
        ({"channel": "email", "status": "given", "source": "c\x00ll"}, "source"),
    ],
)
def test_bad_consent_input_is_a_400_naming_the_field_and_writes_nothing(agent, payload, field):
    contact = ContactFactory()
    before = row_counts()
    response = agent.post(contact_url(contact, "consents/"), payload)
    assert response.status_code == 400
    assert field in response.json()
    assert row_counts() == before


def test_consents_query_count_does_not_grow_with_rows(agent, django_assert_max_num_queries):
    contact = ContactFactory()
    users = UserFactory.create_batch(3)
    for n in range(32):
        ConsentFactory(
            contact=contact,
            channel=["email", "sms", "phone", "post"][n % 4],
            recorded_by=users[n % 3],
        )
    with django_assert_max_num_queries(8):
        response = agent.get(contact_url(contact, "consents/"))
    assert len(response.json()["history"]) == 32
    assert all(response.json()["current"].values())


# --- Calls ------------------------------------------------------------------------------
def _call_payload(contact: Contact, /, **overrides: Any) -> dict[str, Any]:
    payload = {
        "contact": contact.pk,
        "direction": "inbound",
        "number": "06 98 76 54 32",
        "started_at": (timezone.now() - timedelta(minutes=30)).isoformat(),
        "duration_seconds": 300,
        "talk_seconds": 240,
        "hold_seconds": 30,
        "after_call_seconds": 60,
        "outcome": "answered",
        "topic": "Facturation",
    }
    return {**payload, **overrides}


def test_logging_a_call_records_the_agent_and_the_timeline(agent):
    contact = ContactFactory()
    response = agent.post(CALLS, _call_payload(contact))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["agent"]["id"] == agent.user.pk
    assert body["number"] == "+33698765432"
    assert body["handling_seconds"] == 330
    assert body["contact"]["id"] == contact.pk
    call = Call.objects.get(pk=body["id"])
    assert Activity.objects.filter(contact=contact, kind=timeline.CALL, source_id=call.pk).exists()


def test_the_agent_of_a_logged_call_cannot_be_chosen_by_the_client(agent):
    contact = ContactFactory()
    someone_else = UserFactory()
    response = agent.post(CALLS, _call_payload(contact, agent=someone_else.pk))
    # Not a field the client sets: refused by name (API contract), nothing logged.
    assert response.status_code == 400
    assert "agent" in response.json()
    assert not Call.objects.exists()
    assert agent.post(CALLS, _call_payload(contact)).status_code == 201
    assert Call.objects.get().agent == agent.user


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"number": "not a number"}, "number"),
        ({"number": "0" * 41}, "number"),
        ({"started_at": "yesterday"}, "started_at"),
        ({"started_at": "2999-01-01T10:00:00+01:00"}, "started_at"),
        # Before 1970: a typo, and Paris' 1891 offset (+00:09:21) no date-time can write.
        ({"started_at": "0025-12-03T07:22:15Z"}, "started_at"),
        ({"duration_seconds": -1}, "duration_seconds"),
        ({"duration_seconds": "long"}, "duration_seconds"),
        ({"duration_seconds": 10**12}, "duration_seconds"),
        ({"contact": 999_999}, "contact"),
        ({"contact": [1]}, "contact"),
        ({"direction": "sideways"}, "direction"),
        ({"outcome": "exploded"}, "outcome"),
        ({"topic": "t" * 201}, "topic"),
        ({"topic": "t\x00"}, "topic"),
    ],
)
def test_bad_call_input_is_a_400_naming_the_field_and_writes_nothing(agent, overrides, field):
    contact = ContactFactory()
    before = row_counts()
    response = agent.post(CALLS, _call_payload(contact, **overrides))
    assert response.status_code == 400
    assert field in response.json()
    assert row_counts() == before


def test_talk_time_longer_than_the_call_is_a_400_and_writes_nothing(agent):
    contact = ContactFactory()
    before = row_counts()
    response = agent.post(CALLS, _call_payload(contact, talk_seconds=400, duration_seconds=300))
    # The model's check constraint answers before call_log's own field message (see
    # services.ERROR_CALL_DURATIONS), so the error is not tied to a field yet.
    assert response.status_code == 400
    assert row_counts() == before


def test_call_list_filters_by_contact_agent_direction_and_period(agent):
    now = timezone.now()
    contact = ContactFactory()
    first_agent = UserFactory()
    old = CallFactory(contact=contact, agent=first_agent, started_at=now - timedelta(days=10))
    recent = CallFactory(
        contact=contact, direction=Call.Direction.OUTBOUND, started_at=now - timedelta(hours=2)
    )
    elsewhere = CallFactory(started_at=now - timedelta(hours=1))

    def ids(query: dict[str, Any]) -> list[int]:
        response = agent.get(CALLS, query)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids({}) == [elsewhere.pk, recent.pk, old.pk]
    assert ids({"contact": contact.pk}) == [recent.pk, old.pk]
    assert ids({"agent": first_agent.pk}) == [old.pk]
    assert ids({"direction": "outbound"}) == [recent.pk]
    assert ids({"started_after": (now - timedelta(days=1)).isoformat()}) == [
        elsewhere.pk,
        recent.pk,
    ]
    assert ids({"started_before": (now - timedelta(days=1)).isoformat()}) == [old.pk]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("contact=abc", "contact"),
        ("agent=x", "agent"),
        ("direction=up", "direction"),
        ("started_after=tomorrow", "started_after"),
    ],
)
def test_call_list_refuses_malformed_filters(agent, query, field):
    response = agent.get(f"{CALLS}?{query}")
    assert response.status_code == 400
    assert field in response.json()


def test_call_list_query_count_does_not_grow_with_rows(agent, django_assert_max_num_queries):
    contacts = ContactFactory.create_batch(5)
    agents = UserFactory.create_batch(3)
    for n in range(35):
        CallFactory(contact=contacts[n % 5], agent=agents[n % 3])
    with django_assert_max_num_queries(3):
        response = agent.get(CALLS)
    assert response.json()["count"] == 35
    assert all(row["agent"] and row["contact"]["name"] for row in response.json()["results"])


# --- Merge ------------------------------------------------------------------------------
def test_merge_moves_notes_calls_and_timeline_to_the_survivor(supervisor):
    survivor = create_contact()
    duplicate = create_contact(first_name="Zoe", emails=["z.lefevre@example.fr"], phones=[])
    services.note_add(contact=duplicate, author=supervisor.user, body="Duplicate's note")
    call = CallFactory(contact=duplicate)
    duplicate_rows = set(Activity.objects.filter(contact=duplicate).values_list("id", flat=True))

    response = supervisor.post(contact_url(survivor, "merge/"), {"duplicate": duplicate.pk})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["id"] == survivor.pk
    assert set(body["emails"]) == {"zoe@example.fr", "z.lefevre@example.fr"}
    assert Note.objects.get(body="Duplicate's note").contact == survivor
    call.refresh_from_db()
    assert call.contact == survivor
    timeline_ids = {
        row["id"]
        for page in _follow(supervisor, contact_url(survivor, "timeline/"))
        for row in page
    }
    assert duplicate_rows <= timeline_ids
    assert supervisor.get(contact_url(duplicate)).json()["merged_into"] == survivor.pk
    assert Activity.objects.filter(contact=survivor, kind=timeline.MERGED).exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"duplicate": 999_999}, "duplicate"),
        ({"duplicate": "someone"}, "duplicate"),
        ({"duplicate": [1]}, "duplicate"),
        ({}, "duplicate"),
    ],
)
def test_merging_an_unknown_duplicate_is_a_400_naming_the_field(supervisor, payload, field):
    survivor = create_contact()
    before = row_counts()
    response = supervisor.post(contact_url(survivor, "merge/"), payload)
    assert response.status_code == 400
    assert field in response.json()
    assert row_counts() == before


def test_a_contact_cannot_be_merged_into_itself(supervisor):
    contact = create_contact()
    response = supervisor.post(contact_url(contact, "merge/"), {"duplicate": contact.pk})
    assert response.status_code == 400
    assert response.json() == {"detail": [str(services.ERROR_MERGE_SELF)]}
    contact.refresh_from_db()
    assert contact.merged_into is None


def test_an_already_merged_duplicate_cannot_be_merged_again(supervisor):
    survivor = create_contact()
    duplicate = create_contact(emails=["other@example.fr"], phones=[])
    third = create_contact(emails=["third@example.fr"], phones=[])
    services.contact_merge(survivor=survivor, duplicate=duplicate, actor=None)
    response = supervisor.post(contact_url(third, "merge/"), {"duplicate": duplicate.pk})
    assert response.status_code == 400
    duplicate.refresh_from_db()
    assert duplicate.merged_into == survivor


# --- GDPR -------------------------------------------------------------------------------
def test_gdpr_export_returns_everything_and_logs_who_asked(admin):
    contact = create_contact(external_ids={"erp": "C42"})
    services.note_add(contact=contact, author=admin.user, body="Private note")
    CallFactory(contact=contact)
    response = admin.get(contact_url(contact, "gdpr-export/"))
    assert response.status_code == 200
    data = response.json()
    assert data["contact"]["emails"] == ["zoe@example.fr"]
    assert data["contact"]["external_ids"] == {"erp": "C42"}
    assert [note["body"] for note in data["notes"]] == ["Private note"]
    assert len(data["calls"]) == 1
    assert data["timeline"]
    log = PrivacyLog.objects.get()
    assert log.action == PrivacyLog.Action.EXPORT
    assert log.performed_by == admin.user
    assert log.contact == contact


def test_gdpr_erase_requires_the_exact_full_name(admin):
    contact = create_contact()
    before = row_counts()
    for confirmation in ["Zoe Lefevre", "Lefèvre", "", "zoé lefèvre"]:
        response = admin.post(
            contact_url(contact, "gdpr-erase/"), {"confirmation": confirmation, "reason": "asked"}
        )
        assert response.status_code == 400
        assert "confirmation" in response.json()
    assert row_counts() == before
    contact.refresh_from_db()
    assert contact.erased_at is None


def test_gdpr_erase_removes_identity_emails_and_phones_but_keeps_call_rows(admin):
    contact = create_contact(external_ids={"erp": "C42"})
    call = CallFactory(contact=contact, topic="Résiliation")
    response = admin.post(
        contact_url(contact, "gdpr-erase/"),
        {"confirmation": "  Zoé   Lefèvre ", "reason": "Request by letter"},
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["erased_at"]
    assert body["last_name"] == services.ERASED_NAME
    assert body["emails"] == []
    assert body["phones"] == []
    assert body["external_ids"] == {}
    assert not ContactEmail.objects.filter(contact=contact).exists()
    assert not ContactPhone.objects.filter(contact=contact).exists()
    call.refresh_from_db()
    assert call.contact == contact
    assert call.duration_seconds == 300
    assert call.topic == ""
    log = PrivacyLog.objects.get(action=PrivacyLog.Action.ERASE)
    assert log.reason == "Request by letter"
    assert log.performed_by == admin.user
    # Erasing twice is refused.
    response = admin.post(contact_url(contact, "gdpr-erase/"), {"confirmation": "—"})
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "confirmation"),
        ({"confirmation": ["Zoé Lefèvre"]}, "confirmation"),
        ({"confirmation": "Zoé Lefèvre", "reason": "r" * 301}, "reason"),
        ({"confirmation": "Zoé\x00Lefèvre"}, "confirmation"),
    ],
)
def test_bad_erase_input_is_a_400_and_erases_nothing(admin, payload, field):
    contact = create_contact()
    before = row_counts()
    response = admin.post(contact_url(contact, "gdpr-erase/"), payload)
    assert response.status_code == 400
    assert field in response.json()
    assert row_counts() == before


# --- Schema -----------------------------------------------------------------------------
def test_every_crm_endpoint_is_in_the_openapi_schema_with_its_shapes(admin_client):
    # The schema needs a login unless RELAIS_API_DOCS_PUBLIC (tests/test_api_docs_access.py).
    schema = admin_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]
    expected = {
        "/api/v1/organisations/": {"get", "post"},
        "/api/v1/organisations/{id}/": {"get", "put", "patch"},
        "/api/v1/contacts/": {"get", "post"},
        "/api/v1/contacts/{id}/": {"get", "put", "patch"},
        "/api/v1/contacts/{id}/timeline/": {"get"},
        "/api/v1/contacts/{id}/notes/": {"get", "post"},
        "/api/v1/contacts/{id}/consents/": {"get", "post"},
        "/api/v1/contacts/{id}/merge/": {"post"},
        "/api/v1/contacts/{id}/gdpr-export/": {"get"},
        "/api/v1/contacts/{id}/gdpr-erase/": {"post"},
        "/api/v1/calls/": {"get", "post"},
    }
    for path, methods in expected.items():
        assert set(paths[path]) - {"parameters"} == methods, path
    create = paths["/api/v1/contacts/"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ContactCreateInputRequest"
    )
    assert "409" in create["responses"]
    assert create["responses"]["201"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ContactOutput"
    )
    listing = paths["/api/v1/contacts/"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {
        "search", "organisation", "tag", "owner", "vip", "language", "page",
    }  # fmt: skip
    assert listing["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/PaginatedContactOutputList"
    )
    timeline_params = {
        p["name"] for p in paths["/api/v1/contacts/{id}/timeline/"]["get"]["parameters"]
    }
    assert timeline_params == {"id", "cursor", "kind"}
    components = schema["components"]["schemas"]
    assert "allow_duplicate" not in components["ContactInputRequest"]["properties"]
    assert "allow_duplicate" in components["ContactCreateInputRequest"]["properties"]
    assert {"id", "url", "merged_into", "emails", "phones"} <= set(
        components["ContactOutput"]["properties"]
    )
