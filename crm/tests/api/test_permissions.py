"""Who may call each crm API endpoint, the 401/403/404 answers, and the schema."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from crm.permissions import CRM_MERGE, CRM_PRIVACY, CRM_READ, CRM_WRITE
from crm.tests.factories import (
    OrganisationFactory,
)

from .support import (
    ALL_ROLES,
    CALLS,
    CONTACTS,
    ORGANISATIONS,
    contact_url,
    create_contact,
    organisation_url,
    row_counts,
)

pytestmark = pytest.mark.django_db


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
