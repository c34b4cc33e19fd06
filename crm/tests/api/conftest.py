"""Fixtures of crm.tests.api: agent, supervisor, admin."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from accounts.roles import Role


@pytest.fixture
def agent(role_api_client: Callable[..., APIClient]) -> APIClient:
    return role_api_client(Role.AGENT)


@pytest.fixture
def supervisor(role_api_client: Callable[..., APIClient]) -> APIClient:
    return role_api_client(Role.SUPERVISOR)


@pytest.fixture
def admin(role_api_client: Callable[..., APIClient]) -> APIClient:
    return role_api_client(Role.ADMIN)
