"""A real Celery worker process for tests, isolated per pytest-xdist worker.

Use the `celery_worker_process` fixture (conftest.py) in a test marked
`pytest.mark.django_db(transaction=True)` (the worker is another process: it sees only
committed rows) and `pytest.mark.integration`:

    def test_send_survives_a_worker_killed_mid_task(celery_worker_process):
        worker = celery_worker_process          # started, consuming its own queue
        do_something_that_queues_a_task()
        worker.kill()                           # SIGKILL: no warm shutdown, no ack
        worker.start()                          # a fresh process on the same queue
        worker.wait_for(lambda: Thing.objects.filter(done=True).exists())

What makes it safe to run beside other tests:
- the broker is the configured one (Redis in CI, the embedded filesystem broker on the
  SQLite default), but each xdist worker publishes to and consumes `relais-test-<gwN>`
  (settings: CELERY_TASK_DEFAULT_QUEUE), so no test takes another one's tasks;
- the process gets the test process' environment, so it derives the same per-worker
  runtime directory, cache prefix and queue from PYTEST_XDIST_WORKER, plus a
  DATABASE_URL naming the test database;
- the queue is purged before the first start, and the process is killed at teardown,
  before the test database is flushed.

`start(env={...})` adds environment variables for that process: an EMAIL_URL to a real
SMTP server, or CELERY_BROKER_VISIBILITY_TIMEOUT=2 for a test that needs a task taken by
a killed worker to be delivered again soon (Redis keeps it unacked until then).
Never sleep in a test: `wait_for` polls a condition until a deadline.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote, urlsplit, urlunsplit

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")


def database_url_for_tests() -> str:
    """DATABASE_URL for the test database this process uses (created by pytest-django)."""
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(params['NAME']).resolve()}"
    configured = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(configured._replace(path="/" + quote(params["NAME"])))


def poll(
    condition: Callable[[], T], *, timeout: float = 30.0, interval: float = 0.1, what: str = ""
) -> T:
    """Call `condition` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what or condition}")
        time.sleep(interval)


class CeleryWorkerProcess:
    """`celery -A relais worker` in a subprocess, on this xdist worker's queue."""

    def __init__(self, *, log_dir: Path) -> None:
        self.queue: str = settings.CELERY_TASK_DEFAULT_QUEUE
        self.log_dir = log_dir
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path: Path | None = None
        self.starts = 0

    # --- lifecycle ---------------------------------------------------------------------
    def start(self, *, env: dict[str, str] | None = None, timeout: float = 60.0) -> None:
        """Start a worker process and return once it consumes its queue."""
        if self.process is not None and self.process.poll() is None:
            raise RuntimeError("the worker is already running; kill() or stop() it first")
        if self.starts == 0:
            self._purge()
        self.starts += 1
        self.log_path = self.log_dir / f"celery-worker-{self.starts}.log"
        environment = {
            **os.environ,
            "DATABASE_URL": database_url_for_tests(),
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "PYTHONUNBUFFERED": "1",
            # Mail goes to the worker's log unless the test brings a real SMTP server.
            "EMAIL_URL": "consolemail://",
            **(env or {}),
        }
        name = f"relais-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{uuid.uuid4().hex[:8]}"
        command = [
            sys.executable, "-m", "celery", "-A", "relais", "worker",
            "--pool=solo", "--concurrency=1", "--loglevel=INFO",
            "--without-mingle", "--without-gossip", "--without-heartbeat",
            f"--hostname={name}@%h", f"--queues={self.queue}",
        ]  # fmt: skip
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT
            )
        poll(self._ready, timeout=timeout, what=f"the Celery worker to be ready ({self.log_path})")

    def kill(self) -> None:
        """SIGKILL: the worker dies mid-whatever, acknowledging nothing."""
        self._signal(signal.SIGKILL)

    def stop(self, *, timeout: float = 30.0) -> None:
        """SIGTERM: a warm shutdown (the current task finishes)."""
        self._signal(signal.SIGTERM, timeout=timeout)

    def restart(self, **kwargs: object) -> None:
        self.kill()
        self.start(**kwargs)  # type: ignore[arg-type]

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    # --- observing ---------------------------------------------------------------------
    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path else ""

    def wait_for(self, condition: Callable[[], T], *, timeout: float = 30.0, what: str = "") -> T:
        """Poll `condition` (which reads the database, a file...) until it holds.

        Fails early, with the worker's log, if the process died on its own.
        """

        def check() -> T:
            if self.process is not None and self.process.poll() is not None:
                raise AssertionError(f"the Celery worker exited:\n{self.log()[-4000:]}")
            return condition()

        try:
            return poll(check, timeout=timeout, what=what)
        except AssertionError as error:
            raise AssertionError(f"{error}\n--- worker log ---\n{self.log()[-4000:]}") from None

    # --- internals ---------------------------------------------------------------------
    def _ready(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise AssertionError(f"the Celery worker did not start:\n{self.log()[-4000:]}")
        return " ready." in self.log()

    def _signal(self, sig: signal.Signals, timeout: float = 30.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(sig)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def _purge(self) -> None:
        # Leftovers of an interrupted run of this xdist worker must not muddle this one.
        # The app's only queue is this xdist worker's (CELERY_TASK_DEFAULT_QUEUE).
        from relais.celery import app

        app.control.purge()
