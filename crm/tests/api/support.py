"""What the crm API tests share: URLs, payloads, row counts, helpers."""

from __future__ import annotations

from typing import Any

from rest_framework.test import APIClient

from accounts.roles import Role
from crm import services
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


def create_contact(**fields: Any) -> Contact:
    defaults: dict[str, Any] = {
        "first_name": "Zoé",
        "last_name": "Lefèvre",
        "emails": ["zoe@example.fr"],
        "phones": ["06 12 34 56 78"],
    }
    return services.contact_create(actor=None, **{**defaults, **fields})


def follow_pages(client: APIClient, url: str) -> list[list[dict[str, Any]]]:
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.json()
        pages.append(response.json()["results"])
        url = response.json()["next"]
    return pages
