"""A real Celery worker process consumes from the configured broker (Redis in CI, the
embedded filesystem broker on the SQLite default) and runs tasks end to end, including
after it was killed. The fixture is conftest.py's `celery_worker_process`."""

from __future__ import annotations

import os

import pytest
from django.conf import settings

from accounts import services
from accounts.models import Notification
from accounts.roles import Role
from relais.celery import app
from tests.celery_worker import CeleryWorkerProcess

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.integration]


def _emailed(notification: Notification) -> bool:
    notification.refresh_from_db()
    return notification.emailed_at is not None


def test_task_runs_on_a_real_worker_through_the_configured_broker(make_user, celery_worker_process):
    assert app.conf.broker_url == settings.CELERY_BROKER_URL
    user = make_user(Role.AGENT)
    # transaction=True: the on_commit hook fires and publishes the task to the broker.
    notification = services.notification_send(
        recipient=user, title="Worker check", url="/notifications/", email=True
    )
    celery_worker_process.wait_for(lambda: _emailed(notification), what="the email task")
    assert "Subject: [Relais] Worker check" in celery_worker_process.log()


def test_each_xdist_worker_publishes_to_a_queue_of_its_own():
    worker_id = os.environ.get("PYTEST_XDIST_WORKER")
    expected = f"relais-test-{worker_id}" if worker_id else "celery"
    assert app.conf.task_default_queue == expected
    assert CeleryWorkerProcess(log_dir=settings.VAR_DIR).queue == expected
    if worker_id:
        assert settings.VAR_DIR.name == worker_id
        assert settings.CACHES["default"]["KEY_PREFIX"] == worker_id


def test_a_task_queued_while_the_worker_is_dead_runs_once_it_is_back(
    make_user, celery_worker_process
):
    user = make_user(Role.AGENT)
    celery_worker_process.kill()
    assert not celery_worker_process.running
    notification = services.notification_send(recipient=user, title="Queued", email=True)
    assert not _emailed(notification)  # nobody consumes the queue now
    celery_worker_process.start()
    celery_worker_process.wait_for(lambda: _emailed(notification), what="the queued task")
    assert "Subject: [Relais] Queued" in celery_worker_process.log()
