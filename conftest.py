"""Fixtures shared by every test package.

The suite runs in parallel (pytest-xdist, `make test`): every fixture here is safe with
several worker processes sharing one PostgreSQL server, one Redis database and one
checkout. What each worker gets of its own is listed in docs/testing.md.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from accounts.models import User
from accounts.roles import Role
from accounts.tests.factories import PASSWORD, UserFactory
from relais.celery import app as celery_app
from tests.celery_worker import CeleryWorkerProcess

CHROMIUM = "/usr/bin/chromium"


def pytest_configure(config: pytest.Config) -> None:
    # pytest-playwright empties its --output folder when each process's session starts;
    # under xdist a late worker would delete screenshots an early one already saved.
    # The controller (or a plain run) empties it once, before any worker starts.
    if not hasattr(config, "workerinput"):
        output = Path(config.getoption("--output", default="test-results"))
        shutil.rmtree(output, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def delete_output_dir() -> None:
    """Overrides pytest-playwright's per-process clean-up (see pytest_configure)."""


@pytest.fixture(autouse=True, scope="session")
def _celery_runs_tasks_inline() -> Iterator[None]:
    """Unit tests run tasks inline; tests/test_celery_integration.py uses a real worker."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager = False


def _clear_this_workers_cache() -> None:
    """cache.clear(), but only this xdist worker's keys when the cache is shared.

    Django's Redis cache clears with FLUSHDB, which would wipe the throttle and lockout
    counters of tests running at that moment in the other workers. Each worker has its
    own KEY_PREFIX (settings), so deleting that prefix is enough; file caches are per
    worker already.
    """
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    client = getattr(getattr(cache, "_cache", None), "get_client", None)
    if prefix and client is not None:
        redis = client(write=True)
        keys = list(redis.scan_iter(match=f"{prefix}:*", count=1000))
        if keys:
            redis.delete(*keys)
        return
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    # Throttle and login-limit counters live in the cache; one test's requests must not
    # slow the next.
    _clear_this_workers_cache()
    yield
    _clear_this_workers_cache()


@pytest.fixture(autouse=True)
def _ratelimit_windows_hold_still(monkeypatch: pytest.MonkeyPatch) -> None:
    """django-ratelimit counts in fixed windows aligned to the clock ("30/5m" restarts
    at each 5-minute boundary). A test that spends its budget and expects the next try
    to be refused failed when its loop straddled a boundary (seen under load in CI).
    Pin the clock django-ratelimit reads, and only that one, to a moment in the middle
    of every window of the test: its counters then behave as one window."""
    import time as real_time
    import types

    import django_ratelimit.core

    now = float(int(real_time.time()) // 86400 * 86400 + 43200)  # today, 12:00 UTC
    monkeypatch.setattr(django_ratelimit.core, "time", types.SimpleNamespace(time=lambda: now))


@pytest.fixture(autouse=True)
def _fresh_sla_caches() -> Iterator[None]:
    # The SLA calendar/policy cache lives per process; a policy id cached by one test's
    # (rolled back) rows must not be reused by the next test, whichever app it is in.
    from tickets import services as ticket_services

    ticket_services.sla_forget()
    yield
    ticket_services.sla_forget()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    # The test client's requests leave the last language LocaleMiddleware activated in
    # the thread; a test that read it by accident passed or failed depending on which
    # test ran before it on the same xdist worker. Every test starts in the default
    # language (French) and says so when it wants English.
    translation.deactivate()
    yield
    translation.deactivate()


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


# --- A real Celery worker -------------------------------------------------------------
@pytest.fixture
def celery_worker_process(transactional_db: Any, tmp_path: Path) -> Iterator[CeleryWorkerProcess]:
    """A started `celery worker` process on the configured broker, on a queue of this
    xdist worker's own; `.kill()`, `.stop()`, `.start()`, `.wait_for()`. The test must be
    transactional (the worker reads committed rows). Documented in tests/celery_worker.py
    and docs/testing.md."""
    celery_app.conf.task_always_eager = False
    worker = CeleryWorkerProcess(log_dir=tmp_path)
    try:
        worker.start()
        yield worker
    finally:
        worker.kill()  # before transactional_db flushes the tables it may be using
        celery_app.conf.task_always_eager = True


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
