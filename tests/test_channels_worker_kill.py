"""SIGKILL the Celery worker in the middle of ingesting 1,000 messages posted to the mail
gateway's API, restart it: every message ends up stored and processed exactly once.

A real worker process on the configured broker (Redis in CI, the filesystem broker on
the SQLite default) and database. The task a killed worker held is either redelivered
(acks_late) or queued again by the stale sweep (`inbound_requeue_stale`, beat every two
minutes in production); processing is idempotent under a row lock, so duplicates of a
task are harmless.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.roles import Role
from channels.inbound.services import inbound_requeue_stale
from channels.models import InboundEmail
from channels.tests.factories import mail_desk, simple_email
from relais.celery import app
from tickets.models import Message, Ticket

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.integration]

ROOT = Path(__file__).resolve().parent.parent
MESSAGES = int(os.environ.get("RELAIS_KILL_TEST_MESSAGES", "1000"))
LOG = ROOT / "var" / "kill-test-worker.log"


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"  # noqa: E501


class Worker:
    def __init__(self, queue: str) -> None:
        self.queue = queue
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "DJANGO_SETTINGS_MODULE": "relais.settings",
            "DJANGO_DEBUG": "1",
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "relais",
                "worker",
                "--pool=solo",
                "-Q",
                self.queue,
                "-n",
                f"{self.queue}@%h",
                "-l",
                "WARNING",
                "--without-mingle",
                "--without-gossip",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=LOG.open("ab"),
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)


def _processed() -> int:
    return InboundEmail.objects.exclude(status=InboundEmail.Status.RECEIVED).count()


def _wait(condition, seconds: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    counts = dict(InboundEmail.objects.values_list("status").annotate(n=Count("id")))
    raise AssertionError(f"timed out waiting for {what}: {counts}")


@pytest.fixture
def worker():
    queue = f"kill-test-{uuid.uuid4().hex[:8]}"
    previous = app.conf.task_default_queue
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    process = Worker(queue)
    try:
        yield process
    finally:
        process.kill()
        app.conf.task_default_queue = previous
        app.conf.task_always_eager = True


def test_sigkill_mid_ingest_then_restart_stores_every_message_exactly_once(worker, make_user):
    mail_desk()
    gateway = APIClient()
    gateway.force_authenticate(make_user(Role.INTEGRATION))
    worker.start()
    killed = False
    for i in range(MESSAGES):
        raw = simple_email(
            sender=f"Client {i} <client{i}@exemple.fr>",
            subject=f"Demande {i}",
            message_id=f"kill-{i}@exemple.fr",
            body=f"Bonjour, voici ma demande numéro {i}.",
        )
        response = gateway.post(
            reverse("api-inbound-email"), data=raw, content_type="message/rfc822"
        )
        assert response.status_code == 202
        if not killed and i >= 300 and _processed() >= 50:
            worker.kill()  # mid-ingest: messages keep arriving while no worker runs
            killed = True
    if not killed:
        _wait(lambda: _processed() >= 50, 120, "the worker to process 50 messages")
        worker.kill()
        killed = True
    processed_at_kill = _processed()
    assert processed_at_kill < MESSAGES, "the worker finished before it could be killed"
    # Every duplicate post of the same message is a no-op as well.
    again = gateway.post(
        reverse("api-inbound-email"),
        data=simple_email(
            sender="Client 0 <client0@exemple.fr>",
            subject="Demande 0",
            message_id="kill-0@exemple.fr",
            body="Bonjour, voici ma demande numéro 0.",
        ),
        content_type="message/rfc822",
    )
    assert again.status_code == 200
    worker.start()
    # What beat does every two minutes in production (CHANNELS_REQUEUE_AFTER_SECONDS),
    # here every few seconds: queue again what is still unprocessed.
    last_sweep = [0.0]

    def done() -> bool:
        if time.monotonic() - last_sweep[0] > 3:
            inbound_requeue_stale(older_than=dt.timedelta(seconds=2))
            last_sweep[0] = time.monotonic()
        return _processed() == MESSAGES

    _wait(
        done, float(os.environ.get("RELAIS_KILL_TEST_WAIT", "600")), "every message to be processed"
    )
    assert InboundEmail.objects.count() == MESSAGES
    assert InboundEmail.objects.filter(status=InboundEmail.Status.PROCESSED).count() == MESSAGES
    assert Ticket.objects.count() == MESSAGES
    assert Message.objects.count() == MESSAGES
    assert InboundEmail.objects.values("ticket_message").distinct().count() == MESSAGES, (
        "a message was recorded twice"
    )
