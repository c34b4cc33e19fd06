"""A real Celery worker consumes from the configured broker (Redis in CI, the embedded
filesystem broker on the SQLite default) and runs a task end to end."""

from __future__ import annotations

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail

from accounts import services
from accounts.roles import Role
from relais.celery import app

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.integration]


@pytest.fixture
def real_worker():
    app.conf.task_always_eager = False
    app.control.purge()  # leftovers of an interrupted run must not muddle this one
    try:
        # The worker thread consumes the configured broker; no ping (we keep no results).
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            yield
    finally:
        app.conf.task_always_eager = True


def test_task_runs_on_a_real_worker_through_the_configured_broker(make_user, real_worker):
    assert app.conf.broker_url == settings.CELERY_BROKER_URL
    user = make_user(Role.AGENT)
    notification = services.notification_send(
        recipient=user, title="Worker check", url="/notifications/", email=True
    )
    # transaction=True: the on_commit hook fired and published the task to the broker.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        notification.refresh_from_db()
        if notification.emailed_at is not None:
            break
        time.sleep(0.2)
    assert notification.emailed_at is not None, "the worker never ran the task"
    assert [m.subject for m in mail.outbox] == ["[Relais] Worker check"]
