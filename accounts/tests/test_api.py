from __future__ import annotations

import pytest
from django.conf import settings
from rest_framework.authtoken.models import Token
from rest_framework.throttling import ScopedRateThrottle

from accounts.roles import Role
from accounts.tests.factories import TeamFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
ME_URL = "/api/v1/me/"


def test_token_flow_gives_a_token_that_opens_me(api_client, make_user, password):
    user = make_user(Role.AGENT, Role.SUPERVISOR)
    team = TeamFactory(members=[user], lead=user)
    response = api_client.post(TOKEN_URL, {"email": user.email.upper(), "password": password})
    assert response.status_code == 200
    token = response.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api_client.get(ME_URL)
    assert me.status_code == 200
    body = me.json()
    assert body["email"] == user.email
    assert body["roles"] == ["agent", "supervisor"]
    assert body["teams"] == [{"id": team.pk, "name": team.name, "kind": team.kind, "lead": user.pk}]


def test_token_is_stable_and_delete_revokes_it(api_client, make_user, password):
    user = make_user(Role.AGENT)
    first = api_client.post(TOKEN_URL, {"email": user.email, "password": password}).json()
    second = api_client.post(TOKEN_URL, {"email": user.email, "password": password}).json()
    assert first == second
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {first['token']}")
    assert api_client.delete(TOKEN_URL).status_code == 204
    assert not Token.objects.filter(user=user).exists()
    assert api_client.get(ME_URL).status_code == 401


def test_wrong_password_is_401_with_a_json_error(api_client, make_user):
    user = make_user(Role.AGENT)
    response = api_client.post(TOKEN_URL, {"email": user.email, "password": "nope"})
    assert response.status_code == 401
    assert "detail" in response.json()
    assert not Token.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "email"),
        ({"email": "agent@relais.example"}, "password"),
        ({"email": "not-an-email", "password": "x"}, "email"),
        ({"email": "a" * 300 + "@example.com", "password": "x"}, "email"),
        ({"email": "x@example.com", "password": "p" * 500}, "password"),
        ({"email": ["a@b.fr"], "password": {"$ne": ""}}, "email"),
        ({"email": "a\x00@b.fr", "password": "x"}, "email"),
        ({"email": "a@b.fr", "password": "x\x00y"}, "password"),
    ],
)
def test_malformed_token_requests_name_the_field_and_write_nothing(api_client, payload, field):
    response = api_client.post(TOKEN_URL, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Token.objects.exists()


def test_non_json_garbage_is_a_400_not_a_500(api_client):
    response = api_client.post(
        TOKEN_URL, data=b"\xff\xfe{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert "detail" in response.json()


def test_missing_token_is_401_with_a_json_error(api_client):
    response = api_client.get(ME_URL)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")
    assert "detail" in response.json()


@pytest.mark.parametrize(
    "header",
    [
        "Token not-a-real-token",
        "Token ",
        "Token a b",
        "Bearer abc",
        "Token \x00",
        "Token " + "0" * 39 + "\x00",
        "Token " + "f" * 40,
        "Token " + "é" * 40,
    ],
)
def test_wrong_token_is_401_with_a_json_error(api_client, header):
    api_client.credentials(HTTP_AUTHORIZATION=header)
    response = api_client.get(ME_URL)
    assert response.status_code == 401
    assert "detail" in response.json()


def test_api_lockout_after_repeated_failures(api_client, make_user, password):
    user = make_user(Role.AGENT)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        api_client.post(TOKEN_URL, {"email": user.email, "password": "nope"})
    response = api_client.post(TOKEN_URL, {"email": user.email, "password": password})
    assert response.status_code in {401, 429}
    assert not Token.objects.filter(user=user).exists()


def test_token_endpoint_is_throttled(api_client, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "3/minute"})
    statuses = [
        api_client.post(TOKEN_URL, {"email": f"x{i}@example.com", "password": "x"}).status_code
        for i in range(4)
    ]
    assert statuses[:3] == [401, 401, 401]
    assert statuses[3] == 429


def test_me_and_teams_queries_are_bounded(role_api_client, django_assert_max_num_queries):
    client = role_api_client(Role.AGENT)
    for n in range(30):
        TeamFactory(members=[client.user], lead=client.user, name=f"T{n}")
    with django_assert_max_num_queries(4):
        assert client.get(ME_URL).status_code == 200
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/teams/")
    assert response.status_code == 200
    assert response.json()["count"] == 30
    assert len(response.json()["results"]) == 30


def test_teams_list_is_paginated_and_filterable(role_api_client):
    client = role_api_client(Role.AGENT)
    for n in range(60):
        TeamFactory(name=f"Team {n:02}", kind="it" if n % 2 else "service")
    page = client.get("/api/v1/teams/").json()
    assert page["count"] == 60
    assert len(page["results"]) == 50
    assert page["next"]
    assert client.get("/api/v1/teams/?kind=it").json()["count"] == 30
    assert client.get("/api/v1/teams/?page=99").status_code == 404
    assert client.get("/api/v1/teams/?kind=nonsense").status_code == 400
