from __future__ import annotations

import pytest
from openapi_spec_validator import validate

from accounts.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(role_client):
    # The schema and Swagger UI need a login by default (tests/test_api_docs_access.py).
    return role_client(Role.AGENT)


def test_schema_is_valid_openapi_3_and_lists_the_v1_endpoints(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    validate(schema)
    for path in ("/api/v1/auth/token/", "/api/v1/me/", "/api/v1/teams/", "/api/v1/notifications/"):
        assert path in schema["paths"], path
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_swagger_ui_is_served_without_any_cdn(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower()
    assert "https://" not in html


@pytest.mark.parametrize(
    "how",
    [{"path": "/api/schema/?lang=fr"}, {"path": "/api/schema/", "HTTP_ACCEPT_LANGUAGE": "fr"}],
)
def test_the_schema_is_documented_in_french_too(client, how):
    """Issue 9: Swagger UI was English only; the description and tags follow the language."""
    path = how.pop("path")
    schema = client.get(path, HTTP_ACCEPT="application/vnd.oai.openapi+json", **how).json()
    assert schema["info"]["description"].startswith("Un seul dossier pour le service client")
    tags = {tag["name"]: tag["description"] for tag in schema["tags"]}
    assert tags["tickets"].startswith("Tickets\u00a0: liste, création")
    english = client.get(
        "/api/schema/?lang=en", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    ).json()
    assert english["info"]["description"].startswith("One record for service")
    # Every tag the operations use is described.
    used = {t for ops in schema["paths"].values() for op in ops.values() for t in op["tags"]}
    assert used <= set(tags)
