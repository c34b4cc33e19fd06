"""Gunicorn started and stopped (`GunicornServer`), and the sessions and tokens of the
measured users (`Credentials`)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from .environment import ROOT, VAR_DIR, ServerConfig, free_port, server_env
from .measured import Page


class GunicornServer:
    """`gunicorn relais.wsgi:application` with `bench.settings`, stopped on exit.

    `--preload` imports the application once before forking (relais/wsgi.py then calls
    gc.freeze() before the fork); it changes start-up time, not the request path."""

    def __init__(self, config: ServerConfig, *, log_name: str = "gunicorn") -> None:
        self.config = config
        self.port = config.port or free_port()
        self.log_path = VAR_DIR / f"{log_name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def host(self) -> str:
        return "127.0.0.1"

    @property
    def command(self) -> list[str]:
        gunicorn = Path(sys.executable).with_name("gunicorn")
        return [
            str(gunicorn), "relais.wsgi:application", "--workers", str(self.config.workers),
            "--bind", f"{self.host}:{self.port}", "--timeout", str(self.config.timeout),
            "--preload", "--error-logfile", str(self.log_path),
        ]  # fmt: skip

    def collectstatic(self) -> None:
        """Production serves hashed static names from a manifest; build it once."""
        if self.config.plain_static:
            return
        if (Path(self.config.static_root) / "staticfiles.json").exists():
            return
        print("  collectstatic (once, into var/bench/static)...", flush=True)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT, env=server_env(self.config), check=True,
        )  # fmt: skip

    def start(self, *, timeout: float = 120.0) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.collectstatic()
        self.process = subprocess.Popen(  # noqa: S603 - fixed command
            self.command, cwd=ROOT, env=server_env(self.config), start_new_session=True
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with {self.process.returncode}; see {self.log_path}"
                )
            with socket.socket() as s:
                if s.connect_ex((self.host, self.port)) == 0:
                    return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn did not listen on {self.port} within {timeout:.0f} s")

    def stop(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None

    def __enter__(self) -> GunicornServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def session_key_for(email: str) -> str:
    """A logged-in session for the user, written where the server reads sessions (the
    database): what a login leaves, without going through the login form and its
    lockout counters."""
    from django.test import Client

    from accounts.models import User

    user = User.objects.get(email=email)
    client = Client()
    client.force_login(user)
    from django.conf import settings

    return client.cookies[settings.SESSION_COOKIE_NAME].value


def token_for(email: str) -> str:
    """An API token for the user, through the accounts service (one per user)."""
    from accounts import services
    from accounts.models import User

    user = User.objects.get(email=email)
    return str(services.api_token_rotate(user=user).key)


class Credentials:
    """Sessions and tokens by e-mail, made once per run."""

    def __init__(self) -> None:
        self._sessions: dict[str, str] = {}
        self._tokens: dict[str, str] = {}

    def headers(self, page: Page) -> dict[str, str]:
        if not page.user:
            return {}
        if page.auth == "token":
            if page.user not in self._tokens:
                self._tokens[page.user] = token_for(page.user)
            return {"Authorization": f"Token {self._tokens[page.user]}"}
        if page.user not in self._sessions:
            self._sessions[page.user] = session_key_for(page.user)
        from django.conf import settings

        return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={self._sessions[page.user]}"}
