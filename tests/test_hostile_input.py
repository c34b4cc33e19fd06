from __future__ import annotations

import pytest

from accounts.roles import Role
from relais.middleware import ERROR_NUL_BYTE

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/admin/accounts/user/?q=%00",
        "/admin/accounts/team/?q=abc%00def",
        "/notifications/?page=%00",
        "/api/v1/teams/?kind=%00",
        "/api/v1/teams/?%00=1",
    ],
)
def test_nul_bytes_in_a_query_string_get_a_400_not_a_500(role_client, url):
    client = role_client(Role.ADMIN)
    response = client.get(url)
    assert response.status_code == 400
    if url.startswith("/api/"):
        assert response.json() == {"detail": str(ERROR_NUL_BYTE)}


def test_the_400_page_is_friendly(role_client):
    response = role_client(Role.ADMIN).get("/admin/accounts/user/?q=%00", HTTP_ACCEPT_LANGUAGE="en")
    assert "Relais could not understand this request" in response.content.decode()


def test_admin_search_with_quotes_and_markup_is_harmless(role_client):
    client = role_client(Role.ADMIN)
    for query in ["' OR 1=1 --", "<script>alert(1)</script>", "é" * 500]:
        response = client.get("/admin/accounts/user/", {"q": query})
        assert response.status_code == 200
        assert "<script>alert(1)</script>" not in response.content.decode()
