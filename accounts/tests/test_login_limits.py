"""One identity, one counter; one address, one budget (issue 8, items 1 and 2).

The lockout per account (django-axes) must not care how the email is spelt, and failed
logins from one client address are limited across every account, on the web, the admin
and the API alike, answered with a 429 and Retry-After (JSON on the API).
"""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django_ratelimit.core import _split_rate
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from accounts import services
from accounts.admin import RelaisUserCreationForm
from accounts.identity import normalise_email
from accounts.login_guard import (
    ERROR_ACCOUNT_LOCKED,
    ERROR_ADDRESS_LIMITED,
    address_key,
    client_address,
)
from accounts.models import ERROR_EMAIL_TAKEN, User
from accounts.roles import Role

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("accounts:login")
TOKEN_URL = "/api/v1/auth/token/"
EMAIL = "agent@relais.example"
VARIANTS = ["Agent@Relais.example", "AGENT@relais.example", " agent@RELAIS.EXAMPLE "]


def _fail_web(client: Client, email: str) -> int:
    return client.post(LOGIN_URL, {"username": email, "password": "wrong"}).status_code


def _address_budget() -> int:
    """The smallest number of failures any configured window allows."""
    return min(_split_rate(rate)[0] for rate in settings.RELAIS_LOGIN_ADDRESS_RATES)


@pytest.fixture
def agent(make_user):
    return make_user(Role.AGENT, email=EMAIL)


@pytest.fixture
def locked(client, agent):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _fail_web(client, EMAIL)
    return agent


@pytest.fixture
def roomy_api_throttle(monkeypatch):
    # DRF's "auth" throttle counts every token request; these tests are about the
    # lockout and the failure budget behind it.
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "1000/minute"})


# --- One identity --------------------------------------------------------------------
@pytest.mark.parametrize("variant", VARIANTS)
def test_locked_account_refuses_a_case_variant_with_the_right_password_and_stays_locked(
    client, locked, password, variant
):
    response = client.post(LOGIN_URL, {"username": variant, "password": password})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # Not unlocked by the attempt: the lower-case spelling is still refused.
    again = Client().post(LOGIN_URL, {"username": EMAIL, "password": password})
    assert again.status_code == 429
    assert AccessAttempt.objects.filter(username=EMAIL).exists()
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {EMAIL}


def test_case_variants_share_one_counter_of_attempts(client, agent, password):
    spellings = [EMAIL, *VARIANTS]
    statuses = [
        _fail_web(client, spellings[attempt % len(spellings)])
        for attempt in range(settings.AXES_FAILURE_LIMIT)
    ]
    # The attempt that reaches the limit is answered with the lockout already.
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert list(AccessAttempt.objects.values_list("username", "failures_since_start")) == [
        (EMAIL, settings.AXES_FAILURE_LIMIT)
    ]
    response = client.post(LOGIN_URL, {"username": VARIANTS[0], "password": password})
    assert response.status_code == 429


def test_api_gives_no_token_to_a_case_variant_of_a_locked_account(locked, password):
    response = APIClient().post(
        TOKEN_URL,
        {"email": "AGENT@relais.example", "password": password},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    with translation.override("en"):
        assert response.json() == {"detail": str(ERROR_ACCOUNT_LOCKED)}
    assert int(response["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
    assert not Token.objects.exists()


def test_web_and_api_failures_for_an_account_share_its_counter(
    client, agent, password, roomy_api_throttle
):
    api = APIClient()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        if attempt % 2:
            _fail_web(client, VARIANTS[attempt % len(VARIANTS)])
        else:
            api.post(TOKEN_URL, {"email": EMAIL.upper(), "password": "x"}, format="json")
    assert api.post(TOKEN_URL, {"email": EMAIL, "password": password}).status_code == 429
    assert client.post(LOGIN_URL, {"username": EMAIL, "password": password}).status_code == 429


def test_a_success_resets_only_its_own_account(client, make_user, password):
    colleague = make_user(Role.AGENT)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _fail_web(client, colleague.email.upper())
    agent = make_user(Role.AGENT, email=EMAIL)
    assert (
        client.post(LOGIN_URL, {"username": agent.email, "password": password}).status_code == 302
    )
    failures = AccessAttempt.objects.get(username=colleague.email).failures_since_start
    assert failures == settings.AXES_FAILURE_LIMIT - 1


def test_emails_are_stored_normalised_and_unique_whatever_their_case():
    user = services.user_create(email=" Agent@Relais.EXAMPLE ", password="x" * 12)
    assert user.email == EMAIL
    with pytest.raises(ValidationError) as refused:
        services.user_create(email="AGENT@relais.example", password="x" * 12)
    assert refused.value.message_dict == {"email": [str(ERROR_EMAIL_TAKEN)]}
    assert User.objects.get_by_natural_key("aGeNt@relais.EXAMPLE") == user
    # Whatever writes the table directly, the database keeps one spelling per account.
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(email="AGENT@RELAIS.EXAMPLE")])
    assert User.objects.count() == 1


def test_admin_form_refuses_a_case_variant_of_an_existing_email(agent):
    form = RelaisUserCreationForm(
        data={
            "email": "Agent@Relais.Example",
            "password1": "Long-Passphrase-4242",
            "password2": "Long-Passphrase-4242",
            "language": "fr",
        }
    )
    assert not form.is_valid()
    assert str(ERROR_EMAIL_TAKEN) in form.errors["email"]
    fresh = RelaisUserCreationForm(
        data={
            "email": "New.Agent@Relais.Example",
            "password1": "Long-Passphrase-4242",
            "password2": "Long-Passphrase-4242",
            "language": "fr",
        }
    )
    assert fresh.is_valid(), fresh.errors
    assert fresh.save().email == "new.agent@relais.example"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("  Agent@Relais.Example\n", "agent@relais.example"),
        ("\uff21\uff27\uff25\uff2e\uff34@relais.example", "agent@relais.example"),  # NFKC
        ("élise@relais.example", "élise@relais.example"),
        ("ÉLISE@relais.example", "élise@relais.example"),
        (None, ""),
    ],
)
def test_normalise_email(typed, stored):
    assert normalise_email(typed) == stored


# --- One address, one budget ---------------------------------------------------------
def test_failed_logins_to_many_accounts_from_one_address_are_refused_past_the_limit(
    client, make_user, password
):
    budget = _address_budget()
    targets = [make_user(Role.AGENT) for _ in range(3)]
    emails = [t.email for t in targets] + [f"guess{n}@relais.example" for n in range(budget)]
    statuses = [_fail_web(client, email) for email in emails[:budget]]
    assert set(statuses) == {200}
    response = client.post(
        LOGIN_URL,
        {"username": targets[0].email, "password": password},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 24 * 3600
    with translation.override("en"):
        assert str(ERROR_ADDRESS_LIMITED) in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Refused before the password and before django-axes: the account was not charged.
    assert AccessAttempt.objects.get(username=targets[0].email).failures_since_start == 1
    # Another address is not affected.
    other = Client(REMOTE_ADDR="198.51.100.7")
    assert (
        other.post(LOGIN_URL, {"username": targets[0].email, "password": password}).status_code
        == 302
    )


def test_successful_logins_spend_nothing_so_a_whole_floor_can_start_its_shift(
    settings, make_user, password
):
    settings.RELAIS_LOGIN_ADDRESS_RATES = ["2/5m"]
    floor = [make_user(Role.AGENT) for _ in range(6)]
    for agent in floor:
        response = Client().post(LOGIN_URL, {"username": agent.email, "password": password})
        assert response.status_code == 302
    client = Client()
    _fail_web(client, "typo@relais.example")
    _fail_web(client, "typo@relais.example")
    assert (
        client.post(LOGIN_URL, {"username": floor[0].email, "password": password}).status_code
        == 429
    )


def test_api_and_web_share_the_address_budget_and_the_api_answers_json(
    settings, make_user, password, roomy_api_throttle
):
    settings.RELAIS_LOGIN_ADDRESS_RATES = ["4/5m"]
    agent = make_user(Role.AGENT)
    api = APIClient()
    for n in range(2):
        assert (
            api.post(TOKEN_URL, {"email": f"x{n}@relais.example", "password": "x"}).status_code
            == 401
        )
    web = Client()
    for n in range(2):
        _fail_web(web, f"y{n}@relais.example")
    response = api.post(
        TOKEN_URL,
        {"email": agent.email, "password": password},
        HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8",  # a browser's
    )
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}
    assert int(response["Retry-After"]) > 0
    assert not Token.objects.exists()
    assert web.post(LOGIN_URL, {"username": agent.email, "password": password}).status_code == 429


def test_admin_login_is_limited_by_the_same_budget(settings, make_user, password):
    settings.RELAIS_LOGIN_ADDRESS_RATES = ["3/5m"]
    admin_user = make_user(Role.ADMIN)
    client = Client()
    admin_login = reverse("admin:login")
    for n in range(3):
        response = client.post(admin_login, {"username": f"z{n}@relais.example", "password": "x"})
        assert response.status_code == 200
    response = client.post(admin_login, {"username": admin_user.email, "password": password})
    assert response.status_code == 429
    assert "Retry-After" in response
    assert admin.site.login.__name__ == "login"


def test_each_window_of_the_rate_must_have_room(settings):
    settings.RELAIS_LOGIN_ADDRESS_RATES = ["100/5m", "3/d"]
    client = Client()
    for n in range(3):
        assert _fail_web(client, f"slow{n}@relais.example") == 200
    response = client.post(LOGIN_URL, {"username": "slow@relais.example", "password": "x"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 5 * 60  # the day window is the one that is full


def test_trusted_proxies_decide_which_forwarded_address_is_the_client(settings):
    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    settings.RELAIS_TRUSTED_PROXY_COUNT = 0
    assert client_address(request) == "10.0.0.2"  # no proxy trusted: the header is ignored
    settings.RELAIS_TRUSTED_PROXY_COUNT = 1
    assert client_address(request) == "203.0.113.9"  # the spoofed left entry is not used
    garbage = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-ip")
    assert client_address(garbage) == "10.0.0.2"


def test_behind_a_proxy_each_client_has_its_own_budget(settings):
    settings.RELAIS_TRUSTED_PROXY_COUNT = 1
    settings.RELAIS_LOGIN_ADDRESS_RATES = ["2/5m"]
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    attacker = Client(HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy)
    for n in range(2):
        _fail_web(attacker, f"a{n}@relais.example")
    assert _fail_web(attacker, "a@relais.example") == 429
    # Forging the header does not buy a fresh budget: the proxy appends the real address.
    forged = Client(HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9", **proxy)
    assert _fail_web(forged, "a@relais.example") == 429
    colleague = Client(HTTP_X_FORWARDED_FOR="198.51.100.20", **proxy)
    assert _fail_web(colleague, "b@relais.example") == 200


def test_ipv6_clients_are_counted_per_64_prefix():
    factory = RequestFactory()
    one = factory.get("/", REMOTE_ADDR="2001:db8:1:2:aaaa::1")
    same_subscriber = factory.get("/", REMOTE_ADDR="2001:db8:1:2:bbbb::9")
    other = factory.get("/", REMOTE_ADDR="2001:db8:1:3::1")
    assert address_key(one) == address_key(same_subscriber) == "2001:db8:1:2::"
    assert address_key(other) != address_key(one)
    assert address_key(factory.get("/", REMOTE_ADDR="192.0.2.1")) == "192.0.2.1"
