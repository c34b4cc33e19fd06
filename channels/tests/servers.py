"""Real mail servers for the tests, started on free loopback ports by fixtures:
aiosmtpd (SMTP, records the bytes it receives) and Dovecot from Debian (IMAP, its own
configuration, user and Maildir under a temporary directory; never the system service).
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

DOVECOT = "/usr/sbin/dovecot"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, deadline_seconds: float = 20.0) -> None:
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes


@dataclass
class SmtpServer:
    host: str
    port: int
    messages: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    fail_next: int = 0  # answer 451 to this many messages (transient failure)

    def wait_for(self, count: int, deadline_seconds: float = 15.0) -> list[Received]:
        deadline = time.monotonic() + deadline_seconds
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.05)
        raise AssertionError(f"the SMTP server received {len(self.messages)} of {count} messages")


class _Handler:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_DATA(self, smtp, session, envelope):  # type: ignore[no-untyped-def]
        with self.server.lock:
            if self.server.fail_next > 0:
                self.server.fail_next -= 1
                return "451 4.3.0 Try again later"
            self.server.messages.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content))
            )
        return "250 OK"


@pytest.fixture
def smtp_server(settings) -> Iterator[SmtpServer]:  # type: ignore[no-untyped-def]
    """aiosmtpd on a free loopback port; Django's SMTP backend points at it."""
    from aiosmtpd.controller import Controller

    port = free_port()
    server = SmtpServer("127.0.0.1", port)
    controller = Controller(_Handler(server), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    try:
        yield server
    finally:
        controller.stop()


@dataclass
class ImapServer:
    host: str
    port: int
    user: str
    password: str
    maildir: Path
    log: Path


def _dovecot_config(root: Path, port: int, uid: int, gid: int, internal: str) -> str:
    return f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
auth_mechanisms = plain login
disable_plaintext_auth = no
default_internal_user = {internal}
default_internal_group = {internal}
default_login_user = {internal}
first_valid_uid = 1
mail_location = maildir:{root}/home/%u/Maildir
mail_uid = {uid}
mail_gid = {gid}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
protocol imap {{
  mail_max_userip_connections = 50
}}
"""


@pytest.fixture
def imap_server() -> Iterator[ImapServer]:
    """Dovecot with a test user, on a free loopback port, in a temporary directory."""
    if not os.path.exists(DOVECOT):
        pytest.fail("Dovecot is missing: run scripts/ensure-system-packages (dovecot-imapd)")
    # Not pytest's tmp_path: its parents are private to us, and Dovecot's unprivileged
    # processes must reach the Maildir.
    root = Path(tempfile.mkdtemp(prefix="relais-dovecot-"))
    if os.geteuid() == 0:
        # Dovecot never delivers mail as root: the mailbox belongs to an unprivileged user.
        account = pwd.getpwnam("nobody")
        uid, gid = account.pw_uid, account.pw_gid
        internal = "dovecot"
    else:
        uid, gid = os.getuid(), os.getgid()
        internal = pwd.getpwuid(uid).pw_name
    for sub in (
        "run",
        "state",
        "home/relais/Maildir/cur",
        "home/relais/Maildir/new",
        "home/relais/Maildir/tmp",
    ):
        (root / sub).mkdir(parents=True, exist_ok=True)
    user, password = "relais", "imap-test-password"
    (root / "passwd").write_text(f"{user}:{{PLAIN}}{password}\n")
    port = free_port()
    config = root / "dovecot.conf"
    config.write_text(_dovecot_config(root, port, uid, gid, internal))
    os.chmod(root, 0o755)  # noqa: S103
    if os.geteuid() == 0:
        for path in [root / "home", *(root / "home").rglob("*")]:
            os.chown(path, uid, gid)
    process = subprocess.Popen(  # noqa: S603 - fixed binary, our own config
        [DOVECOT, "-F", "-c", str(config)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        try:
            wait_for_port(port)
        except RuntimeError:
            process.kill()
            output = process.communicate(timeout=5)[0].decode(errors="replace")
            log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
            raise RuntimeError(f"Dovecot did not start:\n{output}\n{log}") from None
        yield ImapServer(
            "127.0.0.1",
            port,
            user,
            password,
            root / "home" / user / "Maildir",
            root / "dovecot.log",
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        shutil.rmtree(root, ignore_errors=True)
