"""Who may read /api/schema/ and /api/docs/ (RELAIS_API_DOCS_PUBLIC, docs/security.md)."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from rest_framework.authtoken.models import Token

from accounts.roles import Role

pytestmark = pytest.mark.django_db

SCHEMA = "/api/schema/"
DOCS = "/api/docs/"
OPENAPI_JSON = "application/vnd.oai.openapi+json"


def test_docs_are_private_by_default():
    assert django_settings.RELAIS_API_DOCS_PUBLIC is False


def test_anonymous_readers_are_refused_when_private(client, api_client):
    schema = api_client.get(SCHEMA, HTTP_ACCEPT=OPENAPI_JSON)
    assert schema.status_code == 401
    assert set(schema.json()) == {"detail"}
    docs = client.get(DOCS)
    assert docs.status_code == 302
    assert docs.url == f"/accounts/login/?next={DOCS}"


def test_signed_in_staff_and_tokens_read_them_when_private(role_client, api_client, make_user):
    client = role_client(Role.SALES)  # any role: the schema is no one role's data
    assert client.get(DOCS).status_code == 200
    assert client.get(SCHEMA, HTTP_ACCEPT=OPENAPI_JSON).status_code == 200
    token = Token.objects.create(user=make_user(Role.AGENT))
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api_client.get(SCHEMA, HTTP_ACCEPT=OPENAPI_JSON)
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


def test_anyone_reads_them_when_public(settings, client):
    settings.RELAIS_API_DOCS_PUBLIC = True
    schema = client.get(SCHEMA, HTTP_ACCEPT=OPENAPI_JSON)
    assert schema.status_code == 200
    assert "/api/v1/auth/token/" in schema.json()["paths"]
    docs = client.get(DOCS)
    assert docs.status_code == 200
    assert "swagger-ui" in docs.content.decode()


def test_public_docs_open_nothing_else(settings, api_client):
    settings.RELAIS_API_DOCS_PUBLIC = True
    assert api_client.get("/api/v1/me/").status_code == 401
    assert api_client.get("/api/v1/teams/").status_code == 401
