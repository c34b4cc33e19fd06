from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from accounts.login_guard import ERROR_ACCOUNT_LOCKED
from accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_login_accepts_the_email_in_any_case(client, make_user, password):
    user = make_user(Role.AGENT, email="camille@relais.example")
    response = client.post(
        reverse("accounts:login"), {"username": "Camille@Relais.EXAMPLE", "password": password}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_wrong_password_shows_a_clear_error_and_logs_nobody_in(client, make_user):
    user = make_user(Role.AGENT)
    response = client.post(
        reverse("accounts:login"),
        {"username": user.email, "password": "wrong"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "Wrong email address or password" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"username": "not-an-email", "password": "x"},
        {"username": "a" * 300 + "@example.com", "password": "x"},
        {"username": "' OR 1=1 --@x.fr", "password": "' OR 1=1 --"},
        {"username": "<script>alert(1)</script>", "password": "x"},
        {"username": "nul\x00@relais.example", "password": "x\x00"},
    ],
)
def test_bad_login_input_is_refused_without_error(client, payload):
    response = client.post(reverse("accounts:login"), payload)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_account_even_with_the_right_password(
    client, make_user, password
):
    user = make_user(Role.AGENT)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": user.email, "password": "nope"})
    response = client.post(
        reverse("accounts:login"),
        {"username": user.email, "password": password},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 429
    assert response["Retry-After"] == str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    with translation.override("en"):
        assert str(ERROR_ACCOUNT_LOCKED) in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_account_so_colleagues_behind_one_address_can_still_log_in(
    client, make_user, password
):
    locked = make_user(Role.AGENT)
    colleague = make_user(Role.AGENT)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": locked.email, "password": "nope"})
    response = client.post(
        reverse("accounts:login"), {"username": colleague.email, "password": password}
    )
    assert response.status_code == 302


def test_logout_is_a_post_and_ends_the_session(role_client):
    client = role_client(Role.AGENT)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_change_rejects_a_wrong_old_password_then_accepts_the_right_one(
    role_client, password
):
    client = role_client(Role.AGENT)
    url = reverse("accounts:password_change")
    new = "Another-Long-Passphrase-42"
    bad = client.post(
        url,
        {"old_password": "wrong", "new_password1": new, "new_password2": new},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert bad.status_code == 200
    assert "old password was entered incorrectly" in bad.content.decode()
    good = client.post(url, {"old_password": password, "new_password1": new, "new_password2": new})
    assert good.status_code == 302
    client.user.refresh_from_db()
    assert client.user.check_password(new)


def test_login_page_is_french_by_default_and_english_on_request(client):
    french = client.get(reverse("accounts:login")).content.decode()
    assert "Se connecter à Relais" in french
    client.cookies["django_language"] = "en"
    english = client.get(reverse("accounts:login")).content.decode()
    assert "Log in to Relais" in english


def test_language_switcher_sets_the_language_without_javascript(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert "Log in to Relais" in client.get(reverse("accounts:login")).content.decode()


def test_profile_saves_the_preferred_language_and_refuses_an_unknown_one(role_client):
    client = role_client(Role.AGENT)
    bad = client.post(reverse("accounts:profile"), {"language": "xx"})
    assert bad.status_code == 400
    client.user.refresh_from_db()
    assert client.user.language == "fr"
    good = client.post(reverse("accounts:profile"), {"language": "en"})
    assert good.status_code == 302
    client.user.refresh_from_db()
    assert client.user.language == "en"


def test_profile_creates_shows_once_and_revokes_an_api_token(role_client):
    from rest_framework.authtoken.models import Token

    client = role_client(Role.AGENT)
    response = client.post(reverse("accounts:api_token"), {"action": "rotate"})
    token = Token.objects.get(user=client.user)
    assert token.key in response.content.decode()
    assert token.key not in client.get(reverse("accounts:profile")).content.decode()
    client.post(reverse("accounts:api_token"), {"action": "revoke"})
    assert not Token.objects.filter(user=client.user).exists()
    bogus = client.post(reverse("accounts:api_token"), {"action": "steal"})
    assert bogus.status_code == 302
    assert not Token.objects.filter(user=client.user).exists()


def test_profile_pages_need_a_login(client):
    for name in ("accounts:profile", "accounts:notifications", "accounts:password_change"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))
