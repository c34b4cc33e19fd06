"""Fixtures shared by every test package."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from accounts.roles import Role
from accounts.tests.factories import PASSWORD, UserFactory
from relais.celery import app as celery_app

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(autouse=True, scope="session")
def _celery_runs_tasks_inline() -> Iterator[None]:
    """Unit tests run tasks inline; tests/test_celery_integration.py uses a real worker."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    # Throttle counters live in the cache; one test's requests must not slow the next.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # Real hashing costs ~0.2 s per user; tests create hundreds. Hashing itself is
    # Django's, not ours to test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    def make(*roles: str, **fields: Any) -> User:
        return UserFactory(roles=list(roles), **fields)

    return make


@pytest.fixture
def role_client(make_user: Callable[..., User]) -> Callable[..., Client]:
    """A logged-in test client for a new user holding `roles`."""

    def make(*roles: str, **fields: Any) -> Client:
        client = Client()
        user = make_user(*roles, **fields)
        client.force_login(user)
        client.user = user  # type: ignore[attr-defined]
        return client

    return make


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def role_api_client(make_user: Callable[..., User]) -> Callable[..., APIClient]:
    def make(*roles: str, **fields: Any) -> APIClient:
        client = APIClient()
        user = make_user(*roles, **fields)
        client.force_authenticate(user)
        client.user = user  # type: ignore[attr-defined]
        return client

    return make


ALL_ROLES = [role.value for role in Role]


# --- Playwright on Debian's Chromium -------------------------------------------------
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "locale": "fr-FR", "timezone_id": "Europe/Paris"}
