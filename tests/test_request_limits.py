"""Bodies over the limits are refused before they are read, in the caller's format
(issue 8, "Also" and item 6): the API's JSON error on /api/, a translated page on the
web. relais.middleware.RequestBodyLimitMiddleware and relais.errors.bad_request."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.roles import Role
from relais.errors import (
    ERROR_BAD_REQUEST,
    ERROR_BODY_TOO_LARGE,
    ERROR_NOT_FOUND,
    ERROR_TOO_MANY_FIELDS,
)

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
IT_REQUEST_URL = reverse("tickets:it_request")
BOUNDARY = "relais-test-boundary"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


class UnreadableBody:
    """A wsgi.input that fails the test if anybody reads it."""

    def read(self, *args, **kwargs):
        raise AssertionError("the body was read")

    readline = read


def _announce(client: Client, path: str, *, length: int, content_type: str, **extra):
    """A POST announcing `length` bytes, none of which may be read."""
    return client.generic(
        "POST",
        path,
        data=b"x",
        content_type=content_type,
        **{"wsgi.input": UnreadableBody(), "CONTENT_LENGTH": str(length)},
        **extra,
    )


def _multipart(fields: dict[str, str]) -> bytes:
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    ]
    return ("".join(parts) + f"--{BOUNDARY}--\r\n").encode()


def _limit_text(limit: int) -> str:
    from django.template.defaultfilters import filesizeformat

    with translation.override("en"):
        return str(ERROR_BODY_TOO_LARGE) % {"limit": filesizeformat(limit)}


def test_oversized_json_body_on_the_api_is_a_json_413_before_reading(api_client):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = _announce(
        api_client, TOKEN_URL, length=limit + 1, content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    with translation.override("en"):
        assert response.json() == {"detail": _limit_text(limit)}


def test_oversized_upload_on_the_api_is_a_json_413_before_reading(role_api_client):
    client = role_api_client(Role.AGENT)
    response = _announce(
        client, "/api/v1/tickets/", length=settings.RELAIS_REQUEST_MAX_BYTES + 1,
        content_type=MULTIPART,
    )  # fmt: skip
    assert response.status_code == 413
    assert set(response.json()) == {"detail"}


def test_an_upload_within_the_ceiling_is_let_through_to_the_view(role_client, settings):
    # The middleware only looks at the announced size; this one fits and reaches the form.
    settings.RELAIS_REQUEST_MAX_BYTES = 10_000
    client = role_client(Role.AGENT)
    body = _multipart({"subject": "", "body": "x" * 100})
    response = client.generic("POST", IT_REQUEST_URL, data=body, content_type=MULTIPART)
    assert response.status_code in {200, 400}  # the form's own errors, not a 413


def test_oversized_upload_on_a_web_form_is_a_translated_413_page(role_client):
    client = role_client(Role.AGENT)
    limit = settings.RELAIS_REQUEST_MAX_BYTES
    french = _announce(client, IT_REQUEST_URL, length=limit + 1, content_type=MULTIPART)
    assert french.status_code == 413
    assert french["Content-Type"].startswith("text/html")
    page = french.content.decode()
    assert "Requête trop volumineuse" in page
    assert 'lang="fr"' in page
    english = _announce(
        client, IT_REQUEST_URL, length=limit + 1, content_type=MULTIPART,
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert _limit_text(limit) in english.content.decode()


def test_oversized_login_form_is_refused_before_reading(client):
    response = _announce(
        client, reverse("accounts:login"),
        length=settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1,
        content_type="application/x-www-form-urlencoded",
    )  # fmt: skip
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")


def test_multipart_fields_that_outgrow_the_limit_while_parsed_get_the_same_413(
    role_client, api_client, settings
):
    # Announced small enough for the ceiling, but the form fields exceed
    # DATA_UPLOAD_MAX_MEMORY_SIZE once Django parses them: Django's RequestDataTooBig.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    body = _multipart({"subject": "Écran", "body": "x" * 5_000})
    web = role_client(Role.AGENT).generic("POST", IT_REQUEST_URL, data=body, content_type=MULTIPART)
    assert web.status_code == 413
    assert "Requête trop volumineuse" in web.content.decode()
    api = api_client.generic("POST", TOKEN_URL, data=body, content_type=MULTIPART)
    assert api.status_code == 413
    assert api["Content-Type"] == "application/json"
    assert set(api.json()) == {"detail"}


def test_too_many_fields_is_a_json_400_on_the_api_and_a_page_on_the_web(client, api_client):
    fields = "&".join(f"f{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    api = api_client.generic(
        "POST", TOKEN_URL, data=fields, content_type="application/x-www-form-urlencoded",
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert api.status_code == 400
    with translation.override("en"):
        assert api.json() == {"detail": str(ERROR_TOO_MANY_FIELDS)}
    web = client.generic(
        "POST", reverse("accounts:login"), data=fields,
        content_type="application/x-www-form-urlencoded",
    )  # fmt: skip
    assert web.status_code == 400
    assert web["Content-Type"].startswith("text/html")


def test_other_bad_requests_are_json_on_the_api_and_a_page_on_the_web(api_client, client):
    # A Host header outside ALLOWED_HOSTS: Django's SuspiciousOperation, before any view.
    api = api_client.get("/api/v1/me/", HTTP_HOST="evil.example", HTTP_ACCEPT_LANGUAGE="en")
    assert api.status_code == 400
    with translation.override("en"):
        assert api.json() == {"detail": str(ERROR_BAD_REQUEST)}
    web = client.get(reverse("accounts:login"), HTTP_HOST="evil.example")
    assert web.status_code == 400
    assert web["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("length", ["-1", "abc", ""])
def test_a_malformed_content_length_is_not_a_500(api_client, length):
    response = api_client.generic(
        "POST", TOKEN_URL, data=b'{"email": "a@b.fr"}', content_type="application/json",
        CONTENT_LENGTH=length,
    )  # fmt: skip
    assert response.status_code < 500


def test_the_ceiling_covers_the_largest_upload_and_is_documented():
    assert settings.RELAIS_REQUEST_MAX_BYTES > settings.RELAIS_IMPORT_MAX_BYTES
    assert settings.RELAIS_REQUEST_MAX_BYTES > settings.TICKETS_ATTACHMENT_MAX_BYTES
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    readme = (settings.BASE_DIR / "README.md").read_text()
    assert "client_max_body_size" in readme
    assert "RELAIS_REQUEST_MAX_BYTES" in readme


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing/", "/api/v1/tickets/-1/", "/api/nope"])
def test_an_unmatched_url_under_the_api_is_a_json_404(role_api_client, path):
    client = role_api_client(Role.AGENT)
    english = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 404
    assert english["Content-Type"] == "application/json"
    with translation.override("en"):
        assert english.json() == {"detail": str(ERROR_NOT_FOUND)}
    assert english.json() == {"detail": "Not found."}
    assert client.get(path).json() == {"detail": "Introuvable."}


def test_an_unmatched_url_elsewhere_is_the_html_404_page(role_client):
    response = role_client(Role.AGENT).get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert 'lang="fr"' in response.content.decode()
