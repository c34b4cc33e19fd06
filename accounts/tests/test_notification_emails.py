"""The notification email preference (User.notification_emails) is the user's own: on
the profile page (htmx or plain post) and through the API (`/api/v1/me/`), not only in
the admin."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.roles import Role
from accounts.services import api_token_issue
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/"


def _api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=user).key}")
    return client


def test_the_profile_page_shows_and_saves_the_preference(role_client):
    client = role_client(Role.AGENT)
    page = client.get(reverse("accounts:profile"))
    assert page.status_code == 200
    assert 'name="notification_emails"' in page.content.decode()

    response = client.post(reverse("accounts:notification_emails"), {})
    assert response.status_code == 302
    from accounts.models import User

    user = User.objects.get(groups__name=Role.AGENT)
    assert user.notification_emails is False

    htmx = client.post(
        reverse("accounts:notification_emails"),
        {"notification_emails": "on"},
        HTTP_HX_REQUEST="true",
    )
    assert htmx.status_code == 200
    body = htmx.content.decode()
    assert "<html" not in body
    assert 'id="notification-emails-form"' in body
    assert 'role="status"' in body
    user.refresh_from_db()
    assert user.notification_emails is True


def test_the_page_takes_post_only(role_client):
    assert role_client(Role.AGENT).get(reverse("accounts:notification_emails")).status_code == 405


def test_the_api_reads_and_patches_ones_own_preference():
    user = UserFactory(roles=[Role.SUPERVISOR])
    other = UserFactory(roles=[Role.AGENT])
    client = _api(user)
    assert client.get(URL).json()["notification_emails"] is True
    response = client.patch(URL, {"notification_emails": False}, format="json")
    assert response.status_code == 200
    assert response.json()["notification_emails"] is False
    user.refresh_from_db()
    other.refresh_from_db()
    assert (user.notification_emails, other.notification_emails) == (False, True)


@pytest.mark.parametrize(
    ("body", "field"),
    [({"notification_emails": "maybe"}, "notification_emails"), ({"email": "x@y.fr"}, "email")],
)
def test_bad_or_other_fields_are_a_400_and_change_nothing(body, field):
    user = UserFactory(roles=[Role.AGENT])
    response = _api(user).patch(URL, body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    user.refresh_from_db()
    assert user.notification_emails is True


def test_anonymous_cannot_patch():
    assert APIClient().patch(URL, {"notification_emails": False}, format="json").status_code == 401
